import { describe, expect, it } from '@jest/globals';
import type { Message } from '../types';
import { MessagesState } from './messages';

const msg = (id: number, roomId = 1): Message => ({
  id,
  roomId,
  sender: { id: 2, username: 'bob' },
  content: `m${id}`,
  sentAt: '2026-01-01T10:00:00Z',
});

describe('MessagesState', () => {
  it('keeps each room sorted by id without duplicates and returns only what is new', () => {
    const s = new MessagesState();
    expect(s.merge(1, [msg(3), msg(1)]).map((m) => m.id)).toEqual([1, 3]);
    expect(s.merge(1, [msg(3), msg(2), msg(4)]).map((m) => m.id)).toEqual([2, 4]);
    expect(s.of(1).messages.map((m) => m.id)).toEqual([1, 2, 3, 4]);
    expect(s.previous(1, s.of(1).messages[2])?.id).toBe(2);
    expect(s.last(1)?.id).toBe(4);
  });

  it('tracks whether older pages remain and how far the room is synced', () => {
    const s = new MessagesState();
    s.firstPage(1, [msg(10), msg(11)], 2);
    expect(s.of(1)).toMatchObject({ loaded: true, hasMore: true, syncedId: 11 });
    expect(s.loadedRooms()).toEqual([1]);
    s.olderPage(1, [msg(9)], 2);
    expect(s.of(1).hasMore).toBe(false);
    s.synced(1, [msg(15)]);
    expect(s.of(1).syncedId).toBe(15);
  });

  it('syncs an empty room to 0, so a catch-up knows to fetch the newest page', () => {
    const s = new MessagesState();
    s.firstPage(1, [], 50);
    expect(s.of(1)).toMatchObject({ loaded: true, hasMore: false, syncedId: 0 });
  });

  it('removes a message and forgets a room the user left', () => {
    const s = new MessagesState();
    s.firstPage(1, [msg(1), msg(2)], 50);
    expect(s.remove(1, 1)).toBe(true);
    expect(s.remove(1, 1)).toBe(false);
    s.reset(1);
    expect(s.of(1)).toMatchObject({ loaded: false, messages: [] });
    expect(s.merge(1, [msg(2)])).toHaveLength(1);
  });
});

describe('MessagesState older pages', () => {
  it('loads before the oldest message held, and knows there is nothing older in an empty room', () => {
    const s = new MessagesState();
    expect(s.startOlder(2)).toBeUndefined();
    expect(s.of(2).hasMore).toBe(false);
    s.firstPage(1, [msg(5), msg(6)], 2);
    expect(s.startOlder(1)).toBe(5);
    expect(s.of(1).loadingOlder).toBe(true);
    s.olderFailed(1);
    expect(s.of(1).loadingOlder).toBe(false);
    expect(s.startOlder(1)).toBe(5);
    expect(s.olderPage(1, [msg(4), msg(5)], 2).map((m) => m.id)).toEqual([4]);
    expect(s.of(1)).toMatchObject({ loadingOlder: false, hasMore: true });
  });

  it('takes a once-empty room to its newest page after a reconnect', () => {
    const s = new MessagesState();
    s.firstPage(1, [], 50);
    s.merge(1, [msg(7), msg(8)]);
    s.newestPage(1, [msg(7), msg(8)], false);
    expect(s.of(1)).toMatchObject({ hasMore: false, syncedId: 8 });
  });

  it('holds a window around an older message, then loads newer pages until the newest', () => {
    const s = new MessagesState();
    s.firstPage(1, [msg(90), msg(91)], 50);
    expect(s.around(1, [msg(9), msg(10)], [msg(11), msg(12)], 2).map((m) => m.id)).toEqual([9, 10, 11, 12]);
    expect(s.of(1)).toMatchObject({ loaded: true, hasMore: true, newerMissing: true, syncedId: 12 });
    expect(s.of(1).messages.map((m) => m.id)).toEqual([9, 10, 11, 12]);
    expect(s.startNewer(1)).toBe(12);
    expect(s.startNewer(1)).toBeUndefined();
    expect(s.newerPage(1, undefined, 2)).toEqual([]);
    expect(s.of(1)).toMatchObject({ loadingNewer: false, newerMissing: true });
    expect(s.startNewer(1)).toBe(12);
    expect(s.newerPage(1, [msg(13)], 2).map((m) => m.id)).toEqual([13]);
    expect(s.of(1)).toMatchObject({ newerMissing: false, syncedId: 13 });
    expect(s.startNewer(1)).toBeUndefined();
    // A short window at the start of the room: nothing older, nothing newer.
    s.around(2, [msg(1)], [], 25);
    expect(s.of(2)).toMatchObject({ hasMore: false, newerMissing: false, syncedId: 1 });
  });
});
