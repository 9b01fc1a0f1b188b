import { RateLimitedException, TokenBuckets } from './token-buckets';

describe('TokenBuckets', () => {
  it('grants the burst at once, then perMinute a minute, and says how long to wait', () => {
    let now = 0;
    const buckets = new TokenBuckets(
      () => ({ perMinute: 6, burst: 3 }),
      () => now,
    );
    expect([buckets.take('a'), buckets.take('a'), buckets.take('a')]).toEqual([0, 0, 0]);
    expect(buckets.take('a')).toBe(10); // one token every 10 s
    expect(buckets.take('b')).toBe(0); // keys are independent
    now += 9_000;
    expect(buckets.take('a')).toBe(1);
    now += 1_000;
    expect(buckets.take('a')).toBe(0);
    now += 3_600_000;
    expect([buckets.take('a'), buckets.take('a'), buckets.take('a'), buckets.take('a')]).toEqual([
      0, 0, 0, 10,
    ]);
  });

  it('throws a 429 with Retry-After seconds', () => {
    const buckets = new TokenBuckets(
      () => ({ perMinute: 1, burst: 1 }),
      () => 0,
    );
    buckets.takeOrThrow(1, 'Too many things');
    try {
      buckets.takeOrThrow(1, 'Too many things');
      throw new Error('not refused');
    } catch (err) {
      expect(err).toBeInstanceOf(RateLimitedException);
      expect((err as RateLimitedException).getStatus()).toBe(429);
      expect((err as RateLimitedException).retryAfterSeconds).toBe(60);
      expect((err as RateLimitedException).message).toBe('Too many things; retry in 60 s');
    }
  });

  it('forgets keys that are full again when it holds many', () => {
    let now = 0;
    const buckets = new TokenBuckets(
      () => ({ perMinute: 60, burst: 1 }),
      () => now,
    );
    for (let i = 0; i < 50_000; i++) buckets.take(i);
    now += 2_000;
    buckets.take('late');
    expect(buckets.size).toBe(1);
  });
});
