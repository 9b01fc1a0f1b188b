import { describe, expect, it } from '@jest/globals';
import type { Message } from '../types';
import { applyReaction, repliesLabel, ThreadState } from './message-changes';

const msg = (id: number, parentId: number | null = null): Message => ({
  id,
  roomId: 1,
  sender: { id: 1, username: 'a' },
  content: `m${id}`,
  sentAt: '2026-01-01T00:00:00.000Z',
  editedAt: null,
  parentId,
  replyCount: 0,
  lastReplyAt: null,
  reactions: [],
});

describe('applyReaction', () => {
  it('adds a new emoji last, counts with the server, and drops an emoji nobody holds', () => {
    let r = applyReaction([], { emoji: '👍', userId: 1, count: 1, added: true });
    r = applyReaction(r, { emoji: '❤', userId: 2, count: 1, added: true });
    r = applyReaction(r, { emoji: '👍', userId: 2, count: 2, added: true });
    expect(r).toEqual([
      { emoji: '👍', count: 2, userIds: [1, 2] },
      { emoji: '❤', count: 1, userIds: [2] },
    ]);
    r = applyReaction(r, { emoji: '❤', userId: 2, count: 0, added: false });
    r = applyReaction(r, { emoji: '👍', userId: 1, count: 1, added: false });
    expect(r).toEqual([{ emoji: '👍', count: 1, userIds: [2] }]);
    expect(applyReaction(r, { emoji: '🎉', userId: 3, count: 0, added: false })).toEqual(r);
  });
});

describe('ThreadState', () => {
  it('holds the open thread: its replies only, sorted, without duplicates; closes when the root goes', () => {
    const t = new ThreadState();
    expect(t.merge([msg(5, 1)])).toBe(false);
    t.open(msg(1));
    expect(t.merge([msg(7, 1), msg(5, 1), msg(6, 2)])).toBe(true);
    expect(t.merge([msg(5, 1)])).toBe(false);
    expect(t.replies.map((m) => m.id)).toEqual([5, 7]);
    expect(t.patch(7, (m) => ({ ...m, content: 'edited' }))).toBe(true);
    expect(t.replies[1].content).toBe('edited');
    expect(t.remove(5)).toBe(true);
    expect(t.remove(1)).toBe(true);
    expect(t.root).toBeUndefined();
  });

  it('labels reply counts', () => {
    expect(repliesLabel(1)).toBe('1 reply');
    expect(repliesLabel(3)).toBe('3 replies');
  });
});
