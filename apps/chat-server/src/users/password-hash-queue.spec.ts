import { AppConfig } from '../config/app-config';
import { HashingBusyException, PasswordHashQueue } from './password-hash-queue';

function queue(concurrency: number, maxQueued: number, maxQueuedPerAddress: number): PasswordHashQueue {
  return new PasswordHashQueue({
    settings: { passwordHashQueue: { concurrency, maxQueued, maxQueuedPerAddress } },
  } as unknown as AppConfig);
}

/** A job that finishes when told, recording the order jobs started in. */
function gate(started: string[], name: string) {
  let open!: () => void;
  const done = new Promise<void>((resolve) => (open = resolve));
  return { run: () => (started.push(name), done.then(() => name)), open: () => open() };
}

describe('PasswordHashQueue', () => {
  it('serves waiting addresses round-robin: a flood delays another address by one job', async () => {
    const q = queue(1, 100, 100);
    const started: string[] = [];
    const flood = Array.from({ length: 5 }, (_, i) => gate(started, `flood${i}`));
    const results = flood.map((g) => q.run('1.1.1.1', g.run));
    const bystander = gate(started, 'bystander');
    const mine = q.run('2.2.2.2', bystander.run);
    expect(q.load).toEqual({ running: 1, queued: 5, addresses: 2 });
    flood[0].open();
    await results[0];
    flood[1].open();
    await results[1];
    expect(started).toEqual(['flood0', 'flood1', 'bystander']);
    bystander.open();
    await expect(mine).resolves.toBe('bystander');
    for (const g of flood) g.open();
    await Promise.all(results);
    expect(q.load).toEqual({ running: 0, queued: 0, addresses: 0 });
  });

  it('refuses with 503 when the address has its share waiting, or the queue is full', async () => {
    const q = queue(1, 3, 2);
    const started: string[] = [];
    const gates = Array.from({ length: 4 }, (_, i) => gate(started, `g${i}`));
    const running = q.run('a', gates[0].run);
    const waiting = [q.run('a', gates[1].run), q.run('a', gates[2].run)];
    expect(() => q.run('a', gates[3].run)).toThrow(HashingBusyException);
    const other = q.run('b', gates[3].run);
    expect(() => q.run('c', gates[3].run)).toThrow(HashingBusyException);
    try {
      void q.run('c', gates[3].run);
    } catch (err) {
      expect((err as HashingBusyException).getStatus()).toBe(503);
      expect((err as HashingBusyException).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    }
    for (const g of gates) g.open();
    await Promise.all([running, ...waiting, other]);
  });

  it('a failing job frees its slot and rejects only its caller', async () => {
    const q = queue(1, 10, 10);
    const failing = q.run('a', () => Promise.reject(new Error('boom')));
    const next = q.run('b', () => Promise.resolve('ok'));
    await expect(failing).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ok');
  });
});
