import { Injectable } from '@nestjs/common';

/** A fixed-window count: how often a key was counted since its window opened, and when it closes. */
export interface CounterWindow {
  count: number;
  /** Epoch ms at which the window closes and the count starts again from 0. */
  resetAt: number;
}

/** Keys kept by the in-memory store; past it, closed windows are swept and then the oldest go. */
const MAX_KEYS = 100_000;
const SWEEP_EVERY_MS = 60_000;

/**
 * Counters in fixed windows, for rate limits (failed logins, typing indicators). The first count
 * of a key opens its window. With several instances the store must be shared (Redis), or a client
 * spreading its attempts over the instances would get each instance's allowance; in one process
 * the in-memory store is that shared store.
 */
export abstract class CounterStore {
  /** The key's open window, or undefined when it has none. */
  abstract get(key: string): Promise<CounterWindow | undefined>;
  /** Counts one more, opening a window of `windowMs` when the key has none; returns the window after it. */
  abstract increment(key: string, windowMs: number): Promise<CounterWindow>;
  /** Forgets the key (its window closes now). */
  abstract reset(key: string): Promise<void>;
}

/** CounterStore in this process: a bounded map, swept of closed windows once a minute. */
@Injectable()
export class InMemoryCounterStore extends CounterStore {
  private readonly windows = new Map<string, CounterWindow>();
  private lastSweep = Date.now();

  get(key: string): Promise<CounterWindow | undefined> {
    return Promise.resolve(this.peek(key, Date.now()));
  }

  increment(key: string, windowMs: number): Promise<CounterWindow> {
    return Promise.resolve(this.add(key, windowMs, Date.now()));
  }

  reset(key: string): Promise<void> {
    this.windows.delete(key);
    return Promise.resolve();
  }

  /** Synchronous `get`, for a store that falls back on this one. */
  peek(key: string, now: number): CounterWindow | undefined {
    const w = this.windows.get(key);
    if (!w) return undefined;
    if (w.resetAt > now) return { ...w };
    this.windows.delete(key);
    return undefined;
  }

  /** Synchronous `increment`, for a store that falls back on this one. */
  add(key: string, windowMs: number, now: number): CounterWindow {
    this.sweep(now);
    let w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      w = { count: 0, resetAt: now + windowMs };
      this.windows.set(key, w);
    }
    w.count++;
    return { ...w };
  }

  get size(): number {
    return this.windows.size;
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < SWEEP_EVERY_MS && this.windows.size < MAX_KEYS) return;
    this.lastSweep = now;
    for (const [key, w] of this.windows) if (w.resetAt <= now) this.windows.delete(key);
    // Still full of open windows: the oldest keys go (a flood of distinct keys cannot grow it).
    for (const key of this.windows.keys()) {
      if (this.windows.size < MAX_KEYS) break;
      this.windows.delete(key);
    }
  }
}
