import { Logger } from '@nestjs/common';
import { CounterStore, CounterWindow, InMemoryCounterStore } from '../common/rate-limit/counter-store';
import { RedisConnections } from './redis-connections';

// KEYS: the counter. ARGV: window ms. Returns {count, ms left}.
const INCREMENT = `
local n = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if n == 1 or ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) ttl = tonumber(ARGV[1]) end
return {n, ttl}`;

// KEYS: the counter. Returns {count, ms left} ({0, 0} without one).
const GET = `
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n == 0 then return {0, 0} end
return {n, redis.call('PTTL', KEYS[1])}`;

/**
 * CounterStore in Redis: every instance counts into the same key (INCR and its expiry in one Lua
 * script, so a window always closes). While Redis is unreachable, this instance counts in memory
 * on its own and says so once; it goes back to Redis as soon as Redis answers.
 */
export class RedisCounterStore extends CounterStore {
  private readonly logger = new Logger(RedisCounterStore.name);
  private readonly local = new InMemoryCounterStore();
  private degraded = false;

  constructor(private readonly redis: RedisConnections) {
    super();
  }

  async get(key: string): Promise<CounterWindow | undefined> {
    try {
      const [count, ms] = (await this.redis.command!.eval(GET, 1, this.redis.key('counter', key))) as number[];
      this.recovered();
      return count > 0 ? { count, resetAt: Date.now() + Math.max(ms, 0) } : undefined;
    } catch (err) {
      this.failed(err);
      return this.local.peek(key, Date.now());
    }
  }

  async increment(key: string, windowMs: number): Promise<CounterWindow> {
    try {
      const [count, ms] = (await this.redis.command!.eval(
        INCREMENT,
        1,
        this.redis.key('counter', key),
        String(windowMs),
      )) as number[];
      this.recovered();
      return { count, resetAt: Date.now() + ms };
    } catch (err) {
      this.failed(err);
      return this.local.add(key, windowMs, Date.now());
    }
  }

  async reset(key: string): Promise<void> {
    await this.local.reset(key);
    try {
      await this.redis.command!.del(this.redis.key('counter', key));
      this.recovered();
    } catch (err) {
      this.failed(err);
    }
  }

  private failed(err: unknown): void {
    if (this.degraded) return;
    this.degraded = true;
    this.logger.warn(
      `Redis unreachable (${(err as Error).message}): rate limits are counted by this instance alone until it is back`,
    );
  }

  private recovered(): void {
    if (!this.degraded) return;
    this.degraded = false;
    this.logger.warn('Redis is back: rate limits are counted across instances again');
  }
}
