import { describe, expect, it } from '@jest/globals';
import type { Message } from '../types';
import { PendingSends } from './pending-sends';

const stored = (id: number, content: string, clientMessageId?: string): Message => ({
  id,
  roomId: 1,
  sender: { id: 1, username: 'me' },
  content,
  sentAt: '2026-01-01T10:00:00Z',
  clientMessageId,
});

describe('PendingSends', () => {
  it('settles a send by its clientMessageId and marks the stored message delivered', () => {
    const s = new PendingSends();
    const a = s.add(1, 'same', 'a');
    const b = s.add(1, 'same', 'b');
    expect(s.settle(stored(10, 'same', 'b'))).toBe(b);
    expect(s.inRoom(1)).toEqual([a]);
    expect(s.isDelivered(10)).toBe(true);
    expect(s.isDelivered(11)).toBe(false);
  });

  it('falls back to room and text when the broadcast has no clientMessageId', () => {
    const s = new PendingSends();
    const a = s.add(1, 'hello', 'a');
    s.add(2, 'hello', 'b');
    expect(s.settle(stored(10, 'hello'))).toBe(a);
    expect(s.settle(stored(11, 'nobody sent this'))).toBeUndefined();
  });

  it('moves a send between sending, delivered and failed, and retries it as it was', () => {
    const s = new PendingSends();
    const p = s.add(1, 'x', 'a');
    expect(s.isSending(p)).toBe(true);
    s.fail(p, 'Not connected');
    expect(p).toMatchObject({ state: 'failed', error: 'Not connected' });
    expect(s.isSending(p)).toBe(false);
    s.retry(p);
    expect(p).toMatchObject({ state: 'sending', error: undefined, clientMessageId: 'a' });
    s.confirm(p);
    expect(p.state).toBe('delivered');
    s.drop(p);
    expect(s.has(p)).toBe(false);
  });

  it('finds the send an error frame is about', () => {
    const s = new PendingSends();
    const a = s.add(1, 'x', 'a');
    const b = s.add(1, 'y', 'b');
    expect(s.forError('b')).toBe(b);
    expect(s.forError(undefined)).toBe(a);
    s.fail(a, 'no');
    expect(s.forError('unknown')).toBe(b);
  });

  it('lists for re-sending only the sends that failed while offline, oldest first', () => {
    const s = new PendingSends();
    const a = s.add(1, 'one', 'a');
    const b = s.add(1, 'two', 'b');
    const c = s.add(2, 'three', 'c');
    s.fail(a, 'Cannot reach the server', true);
    s.fail(b, 'You are not a member of this room');
    s.fail(c, 'Cannot reach the server', true);
    expect(s.toResend()).toEqual([a, c]);
    s.retry(a);
    expect(s.toResend()).toEqual([c]);
  });
});
