import { HttpException, HttpStatus } from '@nestjs/common';
import type { RateSettings } from '../../config/abuse.settings';

/** A 429 with `Retry-After` (the exception filter writes the header from `retryAfterSeconds`). */
export class RateLimitedException extends HttpException {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(`${message}; retry in ${retryAfterSeconds} s`, HttpStatus.TOO_MANY_REQUESTS);
  }
}

interface Bucket {
  tokens: number;
  /** epoch ms of the last refill */
  at: number;
}

/** Buckets kept before a sweep of the full ones (a full bucket is the same as no bucket). */
const SWEEP_AT = 50_000;

/**
 * Token buckets per key (a user, an address, a pair of users), in memory on this instance: each
 * holds at most `burst` tokens and gains `perMinute` a minute; a request takes one. A key that has
 * been quiet long enough to be full again is forgotten, so memory follows the active keys only.
 * `take` costs one Map lookup and some arithmetic: cheap enough for the send path.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string | number, Bucket>();

  constructor(
    private readonly settings: () => RateSettings,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes a token: 0 when granted, else the seconds until one is back (nothing is taken). */
  take(key: string | number): number {
    const { perMinute, burst } = this.settings();
    const now = this.now();
    const perMs = perMinute / 60_000;
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= SWEEP_AT) this.sweep(now, perMs, burst);
      b = { tokens: burst, at: now };
      this.buckets.set(key, b);
    } else {
      b.tokens = Math.min(burst, b.tokens + (now - b.at) * perMs);
      b.at = now;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / perMs / 1000));
  }

  /** Takes a token or throws a 429 naming what was limited. */
  takeOrThrow(key: string | number, what: string): void {
    const wait = this.take(key);
    if (wait) throw new RateLimitedException(what, wait);
  }

  get size(): number {
    return this.buckets.size;
  }

  private sweep(now: number, perMs: number, burst: number): void {
    for (const [key, b] of this.buckets)
      if (b.tokens + (now - b.at) * perMs >= burst) this.buckets.delete(key);
  }
}
