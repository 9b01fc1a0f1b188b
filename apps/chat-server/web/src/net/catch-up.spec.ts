import { describe, expect, it } from '@jest/globals';
import type { Message } from '../types';
import type { Api, HistoryQuery } from './api';
import { CATCH_UP_PAGE, catchUpRoom, CatchUpSink } from './catch-up';

const msg = (id: number): Message => ({ id, roomId: 1, sender: null, content: `m${id}`, sentAt: '' });
const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => msg(from + i));

/** A REST client whose history holds messages 1..total, answering as the server does. */
function fakeApi(total: number, queries: HistoryQuery[]): Api {
  const all = range(1, total);
  return {
    history: async (_roomId: number, query: HistoryQuery = {}) => {
      queries.push(query);
      const size = query.size ?? 50;
      if (query.after !== undefined) return all.filter((m) => m.id > query.after!).slice(0, size);
      return all.slice(-size);
    },
  } as unknown as Api;
}

function recorder() {
  const calls: string[] = [];
  const sink: CatchUpSink = {
    deliver: (page) => calls.push(`deliver ${page.length}`),
    newest: (page, hasMore) => calls.push(`newest ${page.length} ${hasMore}`),
    synced: (page) => calls.push(`synced ${page[page.length - 1].id}`),
  };
  return { calls, sink };
}

describe('catchUpRoom', () => {
  it('pages after the synced id until a short page', async () => {
    const queries: HistoryQuery[] = [];
    const { calls, sink } = recorder();
    await catchUpRoom(fakeApi(10 + CATCH_UP_PAGE + 5, queries), 1, 10, sink);
    expect(queries.map((q) => q.after)).toEqual([10, 10 + CATCH_UP_PAGE]);
    expect(calls).toEqual([
      `deliver ${CATCH_UP_PAGE}`,
      `synced ${10 + CATCH_UP_PAGE}`,
      'deliver 5',
      `synced ${15 + CATCH_UP_PAGE}`,
    ]);
  });

  it('stops at once when nothing was missed', async () => {
    const { calls, sink } = recorder();
    await catchUpRoom(fakeApi(10, []), 1, 10, sink);
    expect(calls).toEqual(['deliver 0']);
  });

  it('fetches the newest page of a room that was empty when loaded', async () => {
    const queries: HistoryQuery[] = [];
    const { calls, sink } = recorder();
    await catchUpRoom(fakeApi(CATCH_UP_PAGE + 1, queries), 1, 0, sink);
    expect(queries).toEqual([{ size: CATCH_UP_PAGE }]);
    expect(calls).toEqual([`deliver ${CATCH_UP_PAGE}`, `newest ${CATCH_UP_PAGE} true`]);
  });
});
