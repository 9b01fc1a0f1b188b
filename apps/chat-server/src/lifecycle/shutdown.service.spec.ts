import { Logger } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import { armShutdownDeadline, ShutdownService } from './shutdown.service';

describe('armShutdownDeadline', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('calls onTimeout once when the process is still alive after the bound', () => {
    const source = new EventEmitter();
    const onTimeout = jest.fn();
    armShutdownDeadline(5000, onTimeout, source);
    jest.advanceTimersByTime(60_000);
    expect(onTimeout).not.toHaveBeenCalled();
    source.emit('SIGTERM');
    source.emit('SIGINT');
    jest.advanceTimersByTime(4999);
    expect(onTimeout).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(onTimeout).toHaveBeenCalledTimes(1);
    expect(onTimeout).toHaveBeenCalledWith('SIGTERM');
  });
});

describe('ShutdownService', () => {
  it('runs every registered hook with the signal, even when one fails', async () => {
    const service = new ShutdownService();
    const calls: string[] = [];
    service.onShutdown('stomp', async (signal) => {
      calls.push(`stomp:${signal}`);
    });
    service.onShutdown('broken', () => {
      throw new Error('boom');
    });
    const remove = service.onShutdown('removed', () => {
      calls.push('removed');
    });
    remove();
    expect(service.isShuttingDown).toBe(false);
    // The failing hook is logged, not thrown: the log line is asserted instead of printed.
    const log = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      await service.beforeApplicationShutdown('SIGTERM');
      expect(log).toHaveBeenCalledWith({ err: expect.any(Error) }, 'Shutdown hook "broken" failed');
    } finally {
      log.mockRestore();
    }
    expect(service.isShuttingDown).toBe(true);
    expect(calls).toEqual(['stomp:SIGTERM']);
  });
});
