import { describe, expect, it } from '@jest/globals';
import type { Message } from '../types';
import { badgeText, ReadState } from './read-state';

const msg = (id: number, senderId: number, mentions: number[] = []): Message => ({
  id,
  roomId: 1,
  sender: { id: senderId, username: `u${senderId}` },
  content: 'x',
  sentAt: '2026-01-01T00:00:00.000Z',
  mentions: mentions.map((id) => ({ id, username: `u${id}` })),
});

describe('ReadState', () => {
  it('counts what arrives unseen after the marker, mentions of me apart; my own send reads the room', () => {
    const s = new ReadState(7);
    s.applySummary([
      { roomId: 1, lastReadMessageId: 10, unreadCount: 0, mentionCount: 0, lastMessageId: 10 },
    ]);
    s.arrivedUnseen(msg(9, 2));
    s.arrivedUnseen(msg(11, 2));
    s.arrivedUnseen(msg(12, 3, [7]));
    expect(s.get(1)).toEqual({ lastRead: 10, unread: 2, mentions: 1 });
    expect(s.totalUnread()).toBe(2);
    s.arrivedUnseen(msg(13, 7));
    expect(s.get(1)).toEqual({ lastRead: 13, unread: 0, mentions: 0 });
  });

  it('keeps what it counted live over a summary computed before that message', () => {
    const s = new ReadState(7);
    s.arrivedUnseen(msg(30, 2));
    s.applySummary([
      { roomId: 1, lastReadMessageId: 20, unreadCount: 0, mentionCount: 0, lastMessageId: 20 },
    ]);
    expect(s.get(1).unread).toBe(1);
    s.applySummary([
      { roomId: 1, lastReadMessageId: 20, unreadCount: 4, mentionCount: 0, lastMessageId: 31 },
    ]);
    expect(s.get(1).unread).toBe(4);
  });

  it('keeps a newer marker over a summary computed before it moved (a read pushed meanwhile)', () => {
    const s = new ReadState(7);
    // The summary was computed before another device read the room; the read's push came first.
    s.applyPush({ roomId: 1, lastReadMessageId: 20, unreadCount: 0, mentionCount: 0 });
    s.applySummary([
      { roomId: 1, lastReadMessageId: null, unreadCount: 1, mentionCount: 0, lastMessageId: 20 },
    ]);
    expect(s.get(1)).toEqual({ lastRead: 20, unread: 0, mentions: 0 });
    s.arrivedUnseen(msg(21, 2));
    expect(s.get(1).unread).toBe(1);
    // A summary that knows the same marker (or a newer one) is taken.
    s.applySummary([
      { roomId: 1, lastReadMessageId: 20, unreadCount: 1, mentionCount: 0, lastMessageId: 21 },
    ]);
    expect(s.get(1)).toEqual({ lastRead: 20, unread: 1, mentions: 0 });
  });

  it('takes pushes that move the marker forward and ignores older ones', () => {
    const s = new ReadState(7);
    expect(s.applyPush({ roomId: 1, lastReadMessageId: 20, unreadCount: 3, mentionCount: 1 })).toBe(true);
    expect(s.applyPush({ roomId: 1, lastReadMessageId: 15, unreadCount: 9, mentionCount: 9 })).toBe(false);
    expect(s.applyPush({ roomId: 1, lastReadMessageId: 25, unreadCount: 0, mentionCount: 0 })).toBe(true);
    expect(s.get(1)).toEqual({ lastRead: 25, unread: 0, mentions: 0 });
  });

  it('batches what the user has seen: one marker per room, the newest, handed out once', () => {
    const s = new ReadState(7);
    s.applySummary([{ roomId: 1, lastReadMessageId: 5, unreadCount: 4, mentionCount: 1, lastMessageId: 9 }]);
    expect(s.seen(1, 7, 9)).toBe(true);
    expect(s.get(1).unread).toBe(4);
    expect(s.seen(1, 9, 9)).toBe(true);
    expect(s.seen(1, 8, 9)).toBe(false);
    expect(s.get(1)).toEqual({ lastRead: 9, unread: 0, mentions: 0 });
    expect(s.takeUnsent()).toEqual([{ roomId: 1, messageId: 9 }]);
    expect(s.takeUnsent()).toEqual([]);
  });

  it('keeps the divider where the marker was when the room opened', () => {
    const s = new ReadState(7);
    s.applySummary([{ roomId: 1, lastReadMessageId: 5, unreadCount: 4, mentionCount: 0, lastMessageId: 9 }]);
    s.opened(1, 9);
    s.seen(1, 9, 9);
    expect(s.dividerAfter(1)).toBe(5);
    expect(s.openedNewest(1)).toBe(9);
    expect(s.dividerAfter(2)).toBeUndefined();
  });

  it('shows 99+ above 99', () => {
    expect(badgeText(99)).toBe('99');
    expect(badgeText(100)).toBe('99+');
  });
});
