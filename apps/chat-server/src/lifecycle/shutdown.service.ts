import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';

export type ShutdownHook = (signal?: string) => Promise<void> | void;

/**
 * The hook point of a graceful shutdown. Nest's sequence on SIGTERM/SIGINT (or `app.close()`) is:
 * new requests get 503, `onModuleDestroy`, `beforeApplicationShutdown` (the hooks registered here
 * run then, in parallel: tell STOMP clients, flush writes), the HTTP server closes, then
 * `onApplicationShutdown` (TypeORM and Redis connections close). main.ts bounds the whole sequence
 * with SHUTDOWN_TIMEOUT_MS.
 */
@Injectable()
export class ShutdownService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Shutdown');
  private readonly hooks = new Map<string, ShutdownHook>();
  private shuttingDown = false;

  /** True once the shutdown sequence reached `beforeApplicationShutdown`. */
  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** Runs `hook` while shutting down (e.g. `() => broker.closeAll('Server shutting down')`); returns an unregister function. */
  onShutdown(name: string, hook: ShutdownHook): () => void {
    this.hooks.set(name, hook);
    return () => {
      if (this.hooks.get(name) === hook) this.hooks.delete(name);
    };
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.shuttingDown = true;
    this.logger.log(`Shutting down${signal ? ` on ${signal}` : ''}`);
    const entries = [...this.hooks.entries()];
    const results = await Promise.allSettled(entries.map(async ([, hook]) => hook(signal)));
    results.forEach((result, i) => {
      if (result.status === 'rejected') {
        this.logger.error({ err: result.reason }, `Shutdown hook "${entries[i][0]}" failed`);
      }
    });
  }
}

interface SignalSource {
  once(signal: string, listener: () => void): unknown;
}

/**
 * Bounds a graceful shutdown: once SIGTERM or SIGINT arrives, the process exits with code 1 if it
 * is still alive `timeoutMs` later (Nest's own handler exits with 0 when the sequence completes).
 */
export function armShutdownDeadline(
  timeoutMs: number,
  onTimeout: (signal: string) => void,
  source: SignalSource = process,
  signals: readonly string[] = ['SIGTERM', 'SIGINT'],
): void {
  let armed = false;
  for (const signal of signals) {
    source.once(signal, () => {
      if (armed) return;
      armed = true;
      setTimeout(() => onTimeout(signal), timeoutMs).unref();
    });
  }
}
