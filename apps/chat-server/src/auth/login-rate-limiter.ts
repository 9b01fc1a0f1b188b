import { HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';

export class TooManyAttemptsException extends HttpException {
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many failed login attempts; retry in ${retryAfterSeconds} s`, HttpStatus.TOO_MANY_REQUESTS);
  }
}

interface Window {
  failures: number;
  resetAt: number;
}

/**
 * Counts failed logins per (username, address), per address and per username whatever the
 * address (a guess spread over many addresses), in fixed windows. Only
 * failures count, so successful traffic is never throttled; while a key is over its limit every
 * attempt on it is refused with 429 and Retry-After (even a right password: no oracle).
 */
@Injectable()
export class LoginRateLimiter {
  private readonly windows = new Map<string, Window>();
  private lastSweep = Date.now();

  constructor(private readonly config: AppConfig) {}

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
  check(username: string, ip: string): void {
    const now = Date.now();
    for (const [key, max] of this.keys(username, ip)) {
      const w = this.windows.get(key);
      if (w && w.resetAt > now && w.failures >= max) {
        throw new TooManyAttemptsException(Math.max(1, Math.ceil((w.resetAt - now) / 1000)));
      }
    }
  }

  recordFailure(username: string, ip: string): void {
    const now = Date.now();
    this.sweep(now);
    for (const [key] of this.keys(username, ip)) {
      const w = this.windows.get(key);
      if (!w || w.resetAt <= now)
        this.windows.set(key, { failures: 1, resetAt: now + this.limits.windowSeconds * 1000 });
      else w.failures++;
    }
  }

  recordSuccess(username: string, ip: string): void {
    this.windows.delete(this.keys(username, ip)[0][0]);
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000 && this.windows.size < 100_000) return;
    this.lastSweep = now;
    for (const [key, w] of this.windows) if (w.resetAt <= now) this.windows.delete(key);
  }
}
