import request from 'supertest';
import { DataSource } from 'typeorm';
import { createRoom, TestRoom } from './factories/rooms';
import { adminUser, bearer, createUser, TestUser } from './factories/users';
import { expectError } from './helpers/expect-error';
import { parseSearchTerms } from '../apps/chat-server/src/messages/search/search-terms';
import { SearchRepository } from '../apps/chat-server/src/messages/search/search.repository';
import { StompTestClient } from './helpers/stomp-client';
import { startTestApp, TestApp } from './helpers/test-app';

interface View {
  id: number;
  roomId: number;
  content: string;
  sender: { id: number | null };
  mentions?: { id: number; username: string }[];
}

/** EXTENSIONS.md §6 on the database under test (SQLite FTS5, or MariaDB FULLTEXT in CI). */
describe('GET /api/v1/messages/search', () => {
  let t: TestApp;
  let mysql: boolean;
  let admin: TestUser;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let team: TestRoom; // alice, bob
  let side: TestRoom; // alice, carol
  let hidden: TestRoom; // carol only

  beforeAll(async () => {
    t = await startTestApp();
    mysql = t.databaseUrl.startsWith('mysql');
    admin = await adminUser(t);
    [alice, bob, carol] = await Promise.all([createUser(t), createUser(t), createUser(t)]);
    team = await createRoom(t, alice, { type: 'PRIVATE', members: [bob] });
    side = await createRoom(t, alice, { type: 'PUBLIC', members: [carol] });
    hidden = await createRoom(t, carol, { type: 'PRIVATE' });
  });
  afterAll(() => t.close());

  const api = () => request(t.url);
  const send = async (u: TestUser, room: TestRoom, content: string): Promise<View> =>
    (await api().post(`/api/v1/messages/room/${room.id}`).set(bearer(u)).send({ content }).expect(201)).body;
  const search = (u: TestUser | undefined, query: Record<string, string | number>) => {
    const req = api().get('/api/v1/messages/search').query(query);
    return u ? req.set(bearer(u)) : req;
  };
  const ids = async (u: TestUser, query: Record<string, string | number>): Promise<number[]> =>
    ((await search(u, query).expect(200)).body as View[]).map((m) => m.id);

  describe('matching', () => {
    let m: Record<string, View>;
    beforeAll(async () => {
      m = {
        both: await send(alice, team, 'Deploying the Kubernetes cluster tonight'),
        one: await send(bob, team, 'kubernetes upgrade went fine'),
        phrase: await send(alice, team, 'see the release notes for details'),
        reversed: await send(bob, team, 'notes about the release are late'),
        prefix: await send(alice, team, 'Deployment pipeline is green'),
        accents: await send(bob, team, 'Café crème au lait'),
        underscore: await send(alice, team, 'the feature_flag is on'),
        other: await send(carol, side, 'kubernetes in the side room'),
        secret: await send(carol, hidden, 'kubernetes secret plans'),
      };
    });

    it('requires every word, in any case, as a whole word; newest first', async () => {
      expect(await ids(alice, { q: 'kubernetes' })).toEqual([m.other.id, m.one.id, m.both.id]);
      expect(await ids(alice, { q: 'KUBERNETES cluster' })).toEqual([m.both.id]);
      expect(await ids(alice, { q: 'cluster kubernetes' })).toEqual([m.both.id]);
      expect(await ids(alice, { q: 'kubernete' })).toEqual([]);
      expect(await ids(alice, { q: 'kubernetes missingword' })).toEqual([]);
      // Accents and case fold as the MySQL collation does (FTS5: remove_diacritics 2).
      expect(await ids(alice, { q: 'CAFE creme' })).toEqual([m.accents.id]);
      // `_` is part of a word on both engines.
      expect(await ids(alice, { q: 'feature_flag' })).toEqual([m.underscore.id]);
      expect(await ids(alice, { q: 'feature' })).toEqual([]);
    });

    it('shows each result as the same view history shows (mentions included)', async () => {
      const sent = await send(alice, team, `@${bob.username} the zeppelin manifest is ready`);
      expect(sent.mentions).toEqual([{ id: bob.id, username: bob.username }]);
      const [found] = (await search(alice, { q: 'zeppelin' }).expect(200)).body as View[];
      const history = (await api().get(`/api/v1/messages/room/${team.id}`).set(bearer(alice)).expect(200))
        .body as View[];
      expect(found).toEqual(sent);
      expect(history.find((v) => v.id === sent.id)).toEqual(found);
    });

    it('a word ending in * is a prefix; a quoted phrase matches in order; an unclosed quote runs to the end', async () => {
      expect(await ids(alice, { q: 'deploy*' })).toEqual([m.prefix.id, m.both.id]);
      expect(await ids(alice, { q: 'Deploy* green' })).toEqual([m.prefix.id]);
      expect(await ids(alice, { q: 'feature_fl*' })).toEqual([m.underscore.id]);
      expect(await ids(alice, { q: '"release notes"' })).toEqual([m.phrase.id]);
      expect(await ids(alice, { q: 'release notes' })).toEqual([m.reversed.id, m.phrase.id]);
      expect(await ids(alice, { q: '"notes release"' })).toEqual([]);
      expect(await ids(alice, { q: 'details "release notes' })).toEqual([m.phrase.id]);
      // A hyphenated or apostrophised chunk is a phrase of its words.
      const hyphen = await send(alice, team, 'send an e-mail to support');
      expect(await ids(alice, { q: 'E-Mail support' })).toEqual([hyphen.id]);
    });

    it('shows the same view as history', async () => {
      const [found] = (await search(bob, { q: '"release notes"' }).expect(200)).body as View[];
      const history = await api()
        .get(`/api/v1/messages/room/${team.id}?size=100`)
        .set(bearer(bob))
        .expect(200);
      expect(history.body).toContainEqual(found);
      expect(found).toEqual(m.phrase);
    });

    it('stop words and short words: found when the query holds a word the index can use', async () => {
      const withStop = await send(alice, team, 'what about the weather');
      const short = await send(alice, team, 'ok go now');
      // "the", "about" are InnoDB stop words and "ok", "go" shorter than its 3-character tokens:
      // they are checked on the rows the indexed words found.
      expect(await ids(alice, { q: 'the weather' })).toEqual([withStop.id]);
      expect(await ids(alice, { q: 'about weather' })).toEqual([withStop.id]);
      expect(await ids(alice, { q: 'ok now' })).toEqual([short.id]);
      expect(await ids(alice, { q: 'go weather' })).toEqual([]);
      expect(await ids(alice, { q: '"ok go now"' })).toEqual([short.id]);
      expect(await ids(alice, { q: '"go ok" now' })).toEqual([]);
      // A prefix finds the words the index holds: on MariaDB not the 2-letter "ok" itself.
      const okay = await send(alice, team, 'okay then');
      expect(await ids(alice, { q: 'ok*' })).toEqual(mysql ? [okay.id] : [okay.id, short.id]);
      if (mysql) {
        // Nothing the index holds: a clear 400 rather than a scan of every message.
        for (const q of ['ok', 'the', 'the about', '"to be or"', 'ok go'])
          expectError(await search(alice, { q }), 400, /no word the search index holds/);
      } else {
        expect(await ids(alice, { q: 'ok go' })).toEqual([short.id]);
        expect(await ids(alice, { q: 'the' })).toContain(withStop.id);
      }
    });
  });

  describe('paging and narrowing', () => {
    let room: TestRoom;
    let sent: View[];
    beforeAll(async () => {
      room = await createRoom(t, alice, { type: 'PRIVATE', members: [bob] });
      sent = [];
      for (let i = 0; i < 25; i++) sent.push(await send(i % 2 ? bob : alice, room, `pagingword number ${i}`));
    });

    it('size defaults to 20, newest first; before pages on from the last id seen', async () => {
      const newest = sent.map((v) => v.id).reverse();
      expect(await ids(alice, { q: 'pagingword' })).toEqual(newest.slice(0, 20));
      const seen: number[] = [];
      let before: number | undefined;
      for (;;) {
        const page = await ids(alice, { q: 'pagingword', size: 7, ...(before ? { before } : {}) });
        if (!page.length) break;
        seen.push(...page);
        before = page[page.length - 1];
      }
      expect(seen).toEqual(newest);
      expect(await ids(alice, { q: 'pagingword', before: sent[3].id, size: 100 })).toEqual(newest.slice(-3));
    });

    it('roomId narrows to one room; senderId to one sender', async () => {
      const elsewhere = await send(alice, team, 'pagingword in the team room');
      expect(await ids(alice, { q: 'pagingword', size: 100 })).toHaveLength(26);
      expect(await ids(alice, { q: 'pagingword', roomId: team.id })).toEqual([elsewhere.id]);
      const bobs = await ids(alice, { q: 'pagingword', senderId: bob.id, roomId: room.id, size: 100 });
      expect(bobs).toEqual(
        sent
          .filter((_, i) => i % 2)
          .map((v) => v.id)
          .reverse(),
      );
      expect(await ids(alice, { q: 'pagingword', senderId: carol.id })).toEqual([]);
      expect(await ids(alice, { q: 'pagingword', senderId: 999999 })).toEqual([]);
    });

    it('roomId: 403 for a non-member (PUBLIC rooms too), 404 unknown; an admin may name any room', async () => {
      expectError(await search(carol, { q: 'pagingword', roomId: room.id }), 403);
      expectError(await search(bob, { q: 'kubernetes', roomId: side.id }), 403);
      expectError(await search(alice, { q: 'pagingword', roomId: 999999 }), 404);
      expect(await ids(admin, { q: 'pagingword', roomId: room.id, size: 3 })).toEqual(
        sent
          .slice(-3)
          .map((v) => v.id)
          .reverse(),
      );
    });

    it("an admin's search without roomId covers its own rooms only", async () => {
      expect(await ids(admin, { q: 'pagingword' })).toEqual([]);
      const own = await createRoom(t, admin, { type: 'PRIVATE' });
      const mine = await send(admin, own, 'pagingword from the admin');
      expect(await ids(admin, { q: 'pagingword' })).toEqual([mine.id]);
    });
  });

  describe('privacy and consistency', () => {
    it('finds only rooms the caller is a member of now: leaving stops it at once, joining starts it', async () => {
      const room = await createRoom(t, alice, { type: 'PUBLIC', members: [bob] });
      const msg = await send(alice, room, 'membershiptoken visible');
      expect(await ids(bob, { q: 'membershiptoken' })).toEqual([msg.id]);
      expect(await ids(carol, { q: 'membershiptoken' })).toEqual([]);
      await api().delete(`/api/v1/rooms/${room.id}/members/${bob.id}`).set(bearer(bob)).expect(200);
      expect(await ids(bob, { q: 'membershiptoken' })).toEqual([]);
      expectError(await search(bob, { q: 'membershiptoken', roomId: room.id }), 403);
      await api().post(`/api/v1/rooms/${room.id}/members/${carol.id}`).set(bearer(carol)).expect(200);
      expect(await ids(carol, { q: 'membershiptoken' })).toEqual([msg.id]);
    });

    it('a sent message is found at once (REST and STOMP: the index is updated at commit)', async () => {
      for (let i = 0; i < 5; i++) {
        const v = await send(alice, team, `immediate${i} token`);
        expect(await ids(bob, { q: `immediate${i}` })).toEqual([v.id]);
      }
      const client = await StompTestClient.connect(t.url, alice.token);
      try {
        await client.sendConfirmed('/app/chat.sendMessage', { roomId: team.id, content: 'stompsent marker' });
      } finally {
        await client.close();
      }
      expect((await search(bob, { q: 'stompsent' }).expect(200)).body).toEqual([
        expect.objectContaining({ content: 'stompsent marker', roomId: team.id }),
      ]);
    });

    it('deleted messages are never found (one message, or a whole room)', async () => {
      const gone = await send(alice, team, 'deletedtoken one');
      const kept = await send(alice, team, 'deletedtoken two');
      await api().delete(`/api/v1/messages/${gone.id}`).set(bearer(alice)).expect(204);
      expect(await ids(alice, { q: 'deletedtoken' })).toEqual([kept.id]);
      const room = await createRoom(t, alice, { type: 'PRIVATE' });
      await send(alice, room, 'roomdeletedtoken');
      expect(await ids(alice, { q: 'roomdeletedtoken' })).toHaveLength(1);
      await api().delete(`/api/v1/rooms/${room.id}`).set(bearer(alice)).expect(204);
      expect(await ids(alice, { q: 'roomdeletedtoken' })).toEqual([]);
      expect(await ids(admin, { q: 'roomdeletedtoken', roomId: team.id })).toEqual([]);
    });

    it('runs one statement, driven by the full-text index, then the membership (query plan)', async () => {
      const repo = t.app.get(SearchRepository);
      const query = await repo.engineQuery(parseSearchTerms('kubernetes cluster'));
      const { sql, params } = repo.statement(query!, { memberId: alice.id, size: 20 });
      const db = t.app.get(DataSource);
      if (mysql) {
        const plan: { table: string; type: string }[] = await db.query(`EXPLAIN ${sql}`, params);
        const steps = plan.map((p) => [p.table, p.type]);
        expect(steps[0]).toEqual(['m', 'fulltext']);
        // then per hit: its membership, its sender, and whether it has attachments (an index probe)
        expect(steps.slice(1).sort()).toEqual([
          ['a', 'ref'],
          ['rm', 'eq_ref'],
          ['u', 'eq_ref'],
        ]);
      } else {
        const plan: { detail: string }[] = await db.query(`EXPLAIN QUERY PLAN ${sql}`, params);
        expect(plan.map((p) => p.detail)).toEqual([
          expect.stringMatching(/^SCAN messages_fts VIRTUAL TABLE/),
          expect.stringMatching(/^SEARCH m USING INTEGER PRIMARY KEY/),
          expect.stringMatching(/^SEARCH rm USING/),
          expect.stringMatching(/^SEARCH u USING INTEGER PRIMARY KEY/),
          // whether the hit has attachments: an index probe per row
          'CORRELATED SCALAR SUBQUERY 1',
          expect.stringMatching(/^SEARCH a USING COVERING INDEX IDX_attachments_message/),
        ]);
      }
    });

    it('an edited message (an UPDATE of its content) is found by its current text only', async () => {
      const v = await send(alice, team, 'originalwording here');
      await t.app
        .get(DataSource)
        .query('UPDATE messages SET content = ? WHERE id = ?', ['rewordedtext here', v.id]);
      expect(await ids(alice, { q: 'originalwording' })).toEqual([]);
      expect((await search(alice, { q: 'rewordedtext' }).expect(200)).body).toEqual([
        expect.objectContaining({ id: v.id, content: 'rewordedtext here' }),
      ]);
    });
  });

  describe('refusals', () => {
    it.each([
      [{}, 'q'],
      [{ q: '' }, 'q'],
      [{ q: '   ' }, 'q'],
      [{ q: 'x'.repeat(201) }, 'q'],
      [{ q: '+-*"()~<>@' }, 'q'],
      // Runs of `_` or of combining marks are no words (InnoDB would read `___*` as `*`: everything).
      [{ q: '___* \u0301\u0301\u0301*' }, 'q'],
      [{ q: 'hello', size: 0 }, 'size'],
      [{ q: 'hello', size: 101 }, 'size'],
      [{ q: 'hello', size: 'abc' }, 'size'],
      [{ q: 'hello', before: 0 }, 'before'],
      [{ q: 'hello', before: 'x' }, 'before'],
      [{ q: 'hello', roomId: -1 }, 'roomId'],
      [{ q: 'hello', senderId: '1.5' }, 'senderId'],
      [{ q: 'hello', page: 1 }, 'page'],
    ])('refuses %j (400, field %s)', async (query, field) => {
      const res = await search(alice, query as Record<string, string | number>);
      expectError(res, 400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('accepts exactly 200 characters (after trimming), 100 results; 401 without a token', async () => {
      await search(alice, { q: `  ${'abc '.repeat(49)}abcd  `, size: 100 }).expect(200);
      expectError(await search(undefined, { q: 'hello' }), 401);
      expectError(await api().get('/api/v1/messages/search?q=a&q=b').set(bearer(alice)), 400);
    });

    it.each([
      'kubernetes -cluster',
      'kubernetes +cluster',
      '(kubernetes OR cluster)',
      'kubernetes NOT cluster',
      'NEAR(kubernetes cluster)',
      'content:kubernetes',
      '"unbalanced',
      'kubernetes"',
      '~kubernetes <cluster >tonight',
      '@kubernetes',
      '*',
      'kub**',
      "'; DROP TABLE messages; --",
      'x'.repeat(200),
      '\u{1F600} emoji',
    ])('hostile query %j is data: 200 or a clear 400, never a 500', async (q) => {
      const res = await search(alice, { q });
      expect([200, 400]).toContain(res.status);
      if (res.status === 400) expectError(res, 400);
    });

    it('operators are words: "kubernetes -cluster" still requires cluster', async () => {
      const found = await ids(alice, { q: 'kubernetes -cluster' });
      expect(found).toHaveLength(1);
      // A column filter is a phrase of two words, not a filter.
      expect(await ids(alice, { q: 'content:kubernetes' })).toEqual([]);
    });
  });
});
