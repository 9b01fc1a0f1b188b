import { describe, expect, it } from '@jest/globals';
import type { Message } from '../types';
import { highlight, SearchState, searchWords } from './search';

const msg = (id: number): Message => ({
  id,
  roomId: 1,
  sender: { id: 1, username: 'alice' },
  content: `m${id}`,
  sentAt: '2026-11-21T10:55:00.000Z',
});

describe('search highlighting', () => {
  it('reads words and prefixes as the server does', () => {
    expect(searchWords('Deploy* "release notes" e-mail deploy')).toEqual([
      { word: 'Deploy', prefix: true },
      { word: 'release', prefix: false },
      { word: 'notes', prefix: false },
      { word: 'e', prefix: false },
      { word: 'mail', prefix: false },
      { word: 'deploy', prefix: false },
    ]);
    expect(searchWords('+-*"()')).toEqual([]);
  });

  it('marks whole words in any case, and prefixes up to the end of the word', () => {
    expect(highlight('Deploying the deploy; redeploy DEPLOY', 'deploy')).toEqual([
      { text: 'Deploying the ', match: false },
      { text: 'deploy', match: true },
      { text: '; redeploy ', match: false },
      { text: 'DEPLOY', match: true },
    ]);
    expect(highlight('Deploying the deploy', 'dep*')).toEqual([
      { text: 'Deploying', match: true },
      { text: ' the ', match: false },
      { text: 'deploy', match: true },
    ]);
    expect(highlight('a.b (c) [d]', '(c) [d] a.b')).toEqual([
      { text: 'a', match: true },
      { text: '.', match: false },
      { text: 'b', match: true },
      { text: ' (', match: false },
      { text: 'c', match: true },
      { text: ') [', match: false },
      { text: 'd', match: true },
      { text: ']', match: false },
    ]);
    expect(highlight('nothing here', '***')).toEqual([{ text: 'nothing here', match: false }]);
  });
});

describe('SearchState', () => {
  it('pages on from the last result, drops stale answers and duplicates', () => {
    const s = new SearchState();
    const first = s.start('deploy');
    expect(s.page(first, [msg(9), msg(8)], 2)).toBe(true);
    expect(s.hasMore).toBe(true);
    const more = s.startMore();
    expect(more).toEqual({ ticket: first, before: 8 });
    expect(s.startMore()).toBeUndefined();
    const second = s.start('other');
    expect(s.page(first, [msg(7)], 2)).toBe(false);
    expect(s.results).toEqual([]);
    expect(s.page(second, [msg(5), msg(5)], 20)).toBe(true);
    expect(s.results.map((m) => m.id)).toEqual([5]);
    expect(s.hasMore).toBe(false);
    expect(s.startMore()).toBeUndefined();
    expect(s.remove(5)).toBe(true);
    expect(s.failed(second, 'boom')).toBe(true);
    expect(s.error).toBe('boom');
  });
});
