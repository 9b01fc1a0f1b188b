import { describe, expect, it } from '@jest/globals';
import type { AppNotification } from '../types';
import { alertFor } from './alerts';

const note = (type: string, roomId: number | null): AppNotification => ({
  id: 1,
  type,
  message: 'm',
  read: false,
  createdAt: '2026-01-01T00:00:00Z',
  roomId,
});

describe('alertFor', () => {
  it('stays quiet (no toast, no badge) for the room being read in a visible tab', () => {
    expect(alertFor(note('DIRECT_MESSAGE', 5), { roomInView: 5, visible: true })).toEqual({
      toast: false,
      desktop: false,
      markRead: true,
    });
  });

  it('toasts in a visible tab about another room, or about no room', () => {
    expect(alertFor(note('DIRECT_MESSAGE', 6), { roomInView: 5, visible: true })).toEqual({
      toast: true,
      desktop: false,
      markRead: false,
    });
    expect(alertFor(note('USER', null), { roomInView: 5, visible: true }).toast).toBe(true);
  });

  it('goes to the desktop only when hidden, and only for direct messages and mentions', () => {
    const hidden = { roomInView: 5, visible: false };
    expect(alertFor(note('DIRECT_MESSAGE', 5), hidden)).toEqual({
      toast: false,
      desktop: true,
      markRead: false,
    });
    expect(alertFor(note('MENTION', 7), hidden).desktop).toBe(true);
    expect(alertFor(note('ROOM_INVITE', 7), hidden).desktop).toBe(false);
    expect(alertFor(note('USER', null), hidden).desktop).toBe(false);
  });
});
