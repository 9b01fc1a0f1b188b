import { HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';

/** The hashing queue is full (in all, or for this address): 503 with Retry-After. */
export class HashingBusyException extends HttpException {
  constructor(readonly retryAfterSeconds: number) {
    super('The server is busy checking passwords; retry shortly', HttpStatus.SERVICE_UNAVAILABLE);
  }
}

interface Job {
  run: () => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/** Key of work that no client address asked for (the admin at startup, an admin's reset). */
export const INTERNAL_KEY = 'internal';

/**
 * Password hashing (argon2id: memory-hard, tens of milliseconds of a core each) runs through this
 * queue: at most `concurrency` at once, the others wait in one FIFO per client address, served
 * round-robin, so a flood from one address delays another address's login by at most one hash per
 * flooding address, never by the flood's whole backlog. The waiting room is bounded in all and per
 * address; past either bound the request is refused at once with a 503 and `Retry-After` (no
 * memory or thread is spent on it).
 */
@Injectable()
export class PasswordHashQueue {
  private readonly waiting = new Map<string, Job[]>();
  private queued = 0;
  private running = 0;
  /** Moving average of one hash's duration, for Retry-After. */
  private averageMs = 50;

  constructor(private readonly config: AppConfig) {}

  private get limits() {
    return this.config.settings.passwordHashQueue;
  }

  /** Runs `job` when its turn comes; 503 at once when the address's or the whole queue is full. */
  run<T>(key: string, job: () => Promise<T>): Promise<T> {
    const { concurrency, maxQueued, maxQueuedPerAddress } = this.limits;
    if (this.running < concurrency && this.queued === 0) return this.start(job);
    const mine = this.waiting.get(key);
    if (this.queued >= maxQueued || (mine?.length ?? 0) >= maxQueuedPerAddress)
      throw new HashingBusyException(this.retryAfterSeconds());
    return new Promise<T>((resolve, reject) => {
      const entry: Job = { run: job, resolve: resolve as (v: unknown) => void, reject };
      if (mine) mine.push(entry);
      else this.waiting.set(key, [entry]);
      this.queued++;
    });
  }

  /** How many hashes wait and run now (for metrics and tests). */
  get load(): { running: number; queued: number; addresses: number } {
    return { running: this.running, queued: this.queued, addresses: this.waiting.size };
  }

  private start<T>(job: () => Promise<T>): Promise<T> {
    this.running++;
    const began = performance.now();
    return job().finally(() => {
      this.averageMs = this.averageMs * 0.8 + (performance.now() - began) * 0.2;
      this.running--;
      this.next();
    });
  }

  /** Starts the oldest job of the next address in turn (Map order: the address then goes last). */
  private next(): void {
    while (this.running < this.limits.concurrency && this.queued > 0) {
      const [key, jobs] = this.waiting.entries().next().value as [string, Job[]];
      const job = jobs.shift()!;
      this.waiting.delete(key);
      if (jobs.length) this.waiting.set(key, jobs);
      this.queued--;
      this.start(job.run).then(job.resolve, job.reject);
    }
  }

  private retryAfterSeconds(): number {
    const rounds = this.queued / this.limits.concurrency + 1;
    return Math.max(1, Math.ceil((rounds * this.averageMs) / 1000));
  }
}
