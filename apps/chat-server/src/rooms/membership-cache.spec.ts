import { LocalClusterEvents } from '../common/events/cluster-events';
import { MembershipCache } from './membership-cache';
import { RoomType } from './room.entity';

describe('MembershipCache', () => {
  const info = (id: number, creatorId: number | null = 1) => ({ id, type: RoomType.PRIVATE, creatorId });

  it('remembers rooms and memberships until they are invalidated', () => {
    const cache = new MembershipCache(new LocalClusterEvents());
    expect(cache.room(1)).toBeUndefined();
    expect(cache.member(1, 2)).toBeUndefined();
    cache.putRoom(1, info(1), cache.snapshot());
    cache.putRoom(2, null, cache.snapshot());
    cache.putMember(1, 2, true, cache.snapshot());
    cache.putMember(1, 3, false, cache.snapshot());
    expect(cache.room(1)).toEqual(info(1));
    expect(cache.room(2)).toBeNull();
    expect([cache.member(1, 2), cache.member(1, 3)]).toEqual([true, false]);

    cache.invalidateMember(1, 3);
    expect([cache.member(1, 2), cache.member(1, 3)]).toEqual([true, undefined]);
    cache.invalidateRoom(1);
    expect([cache.room(1), cache.member(1, 2), cache.room(2)]).toEqual([undefined, undefined, null]);
  });

  it('forgets a deleted user: its memberships and its creatorship', () => {
    const cache = new MembershipCache(new LocalClusterEvents());
    cache.putRoom(1, info(1, 7), cache.snapshot());
    cache.putRoom(2, info(2, 8), cache.snapshot());
    cache.putMember(1, 7, true, cache.snapshot());
    cache.putMember(2, 7, true, cache.snapshot());
    cache.putMember(2, 8, true, cache.snapshot());
    cache.invalidateUser(7);
    expect([cache.member(1, 7), cache.member(2, 7), cache.member(2, 8)]).toEqual([
      undefined,
      undefined,
      true,
    ]);
    expect([cache.room(1), cache.room(2)]).toEqual([undefined, info(2, 8)]);
  });

  it('drops a fill that raced an invalidation (a stale read never lands)', () => {
    const cache = new MembershipCache(new LocalClusterEvents());
    const snapshot = cache.snapshot();
    // ...the database said "not a member", then the user was added and the cache invalidated...
    cache.invalidateMember(1, 2);
    cache.putMember(1, 2, false, snapshot);
    expect(cache.member(1, 2)).toBeUndefined();
  });

  it('invalidates every instance sharing the cluster bus', () => {
    const bus = new LocalClusterEvents();
    const [a, b] = [new MembershipCache(bus), new MembershipCache(bus)];
    b.putMember(1, 2, true, b.snapshot());
    a.invalidateMember(1, 2);
    expect(b.member(1, 2)).toBeUndefined();
  });

  it('expires entries after their time to live', () => {
    jest.useFakeTimers({ now: 1_000_000 });
    try {
      const cache = new MembershipCache(new LocalClusterEvents());
      cache.putMember(1, 2, true, cache.snapshot());
      jest.setSystemTime(1_000_000 + 61_000);
      expect(cache.member(1, 2)).toBeUndefined();
    } finally {
      jest.useRealTimers();
    }
  });
});
