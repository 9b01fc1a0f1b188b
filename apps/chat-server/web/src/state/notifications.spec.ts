import { describe, expect, it } from '@jest/globals';
import type { AppNotification } from '../types';
import { NotificationsState } from './notifications';

const note = (id: number, read = false): AppNotification => ({
  id,
  type: 'ROOM_INVITE',
  message: `n${id}`,
  read,
  createdAt: '2026-01-01T10:00:00Z',
});

describe('NotificationsState', () => {
  it('puts live notifications first, once each, and counts the unread', () => {
    const s = new NotificationsState();
    s.replace([note(1, true), note(2)]);
    expect(s.add(note(3))).toBe(true);
    expect(s.add(note(3))).toBe(false);
    expect(s.all().map((n) => n.id)).toEqual([3, 1, 2]);
    expect(s.unread()).toBe(2);
  });

  it('marks one or all as read', () => {
    const s = new NotificationsState();
    s.replace([note(1), note(2), note(3)]);
    s.markRead(2);
    expect(s.unread()).toBe(2);
    s.markAllRead();
    expect(s.unread()).toBe(0);
  });
});
