import { InMemoryCounterStore } from './counter-store';

describe('InMemoryCounterStore', () => {
  afterEach(() => jest.useRealTimers());

  it('counts in a window that the first count opens, and starts again after it', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const store = new InMemoryCounterStore();
    expect(await store.get('k')).toBeUndefined();
    expect(await store.increment('k', 1000)).toEqual({ count: 1, resetAt: 1_001_000 });
    jest.advanceTimersByTime(999);
    expect(await store.increment('k', 1000)).toEqual({ count: 2, resetAt: 1_001_000 });
    expect(await store.get('k')).toEqual({ count: 2, resetAt: 1_001_000 });
    jest.advanceTimersByTime(1);
    expect(await store.get('k')).toBeUndefined();
    expect((await store.increment('k', 1000)).count).toBe(1);
    await store.reset('k');
    expect(await store.get('k')).toBeUndefined();
  });

  it('never holds more than 100000 keys, however many distinct keys are counted', async () => {
    const store = new InMemoryCounterStore();
    for (let i = 0; i < 100_050; i++) await store.increment(`k${i}`, 60_000);
    expect(store.size).toBeLessThanOrEqual(100_000);
    expect((await store.get('k100049'))?.count).toBe(1);
  });
});
