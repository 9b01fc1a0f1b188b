import { HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { CounterStore } from '../common/rate-limit/counter-store';
import { AppConfig } from '../config/app-config';

export class TooManyAttemptsException extends HttpException {
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many failed login attempts; retry in ${retryAfterSeconds} s`, HttpStatus.TOO_MANY_REQUESTS);
  }
}

/**
 * Counts failed logins per (username, address), per address and per username whatever the
 * address (a guess spread over many addresses), in fixed windows. Only
 * failures count, so successful traffic is never throttled; while a key is over its limit every
 * attempt on it is refused with 429 and Retry-After (even a right password: no oracle). The
 * counts live in the CounterStore: in Redis when configured, so attempts spread over several
 * instances are counted together.
 */
@Injectable()
export class LoginRateLimiter {
  constructor(
    private readonly config: AppConfig,
    private readonly counters: CounterStore,
  ) {}

  private get limits() {
    return this.config.settings.loginRateLimit;
  }

  private keys(username: string, ip: string): [string, number][] {
    return [
      [`u:${username.trim().toLowerCase()}|${ip}`, this.limits.maxFailures],
      [`ip:${ip}`, this.limits.maxFailuresPerIp],
      [`a:${username.trim().toLowerCase()}`, this.limits.maxFailuresPerAccount],
    ];
  }

  /** Throws 429 when this username/address or this address has failed too often. */
  async check(username: string, ip: string): Promise<void> {
    const now = Date.now();
    for (const [key, max] of this.keys(username, ip)) {
      const w = await this.counters.get(`login:${key}`);
      if (w && w.resetAt > now && w.count >= max) {
        throw new TooManyAttemptsException(Math.max(1, Math.ceil((w.resetAt - now) / 1000)));
      }
    }
  }

  async recordFailure(username: string, ip: string): Promise<void> {
    for (const [key] of this.keys(username, ip))
      await this.counters.increment(`login:${key}`, this.limits.windowSeconds * 1000);
  }

  async recordSuccess(username: string, ip: string): Promise<void> {
    await this.counters.reset(`login:${this.keys(username, ip)[0][0]}`);
  }
}
