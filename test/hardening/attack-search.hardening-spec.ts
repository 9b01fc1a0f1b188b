import fc from 'fast-check';
import { createRoom } from '../factories/rooms';
import { adminUser, createUser, TestUser } from '../factories/users';
import { startTestApp, TestApp } from '../helpers/test-app';
import { recordHardening } from './summary';
import { call, errorBodyProblem, HttpResult } from './support/attack-http';

/**
 * Message search (EXTENSIONS.md §6) from an attacker's side: a unique token seeded into every
 * kind of room the attacker is not in (private rooms, other users' DMs, PUBLIC rooms it has not
 * joined, a room it has left) is never found, whatever the query shape; and hostile queries
 * (either engine's operators, unbalanced quotes, long and odd input) are data: 200 or a clear
 * 400, never a 500 or an engine error.
 */
describe('attack: message search (privacy and hostile queries)', () => {
  let t: TestApp;
  let attacker: TestUser;
  let alice: TestUser;
  let bob: TestUser;
  let admin: TestUser;
  const token = `zqv${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  const foreignRooms: { kind: string; id: number }[] = [];
  const seeded: number[] = [];
  let ownRoom: number;
  let ownMessage: number;
  let tried = 0;
  let serverErrors = 0;

  const search = async (user: TestUser, query: Record<string, string | number>): Promise<HttpResult> => {
    tried++;
    const qs = new URLSearchParams(
      Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]),
    ).toString();
    const res = await call(t.url, 'GET', `/api/v1/messages/search?${qs}`, { token: user.token });
    if (res.status >= 500) serverErrors++;
    return res;
  };
  const send = async (user: TestUser, roomId: number, content: string): Promise<number> => {
    const res = await call(t.url, 'POST', `/api/v1/messages/room/${roomId}`, {
      token: user.token,
      body: { content },
    });
    expect(res.status).toBe(201);
    return res.json.id;
  };

  beforeAll(async () => {
    t = await startTestApp();
    admin = await adminUser(t);
    [attacker, alice, bob] = await Promise.all([createUser(t), createUser(t), createUser(t)]);
    const privateRoom = await createRoom(t, alice, { type: 'PRIVATE', members: [bob] });
    const publicRoom = await createRoom(t, alice, { type: 'PUBLIC', members: [bob] });
    const dm = await call(t.url, 'POST', `/api/v1/rooms/direct/${bob.id}`, { token: alice.token });
    expect(dm.status).toBe(201);
    const adminRoom = await createRoom(t, admin, { type: 'PRIVATE' });
    // A room the attacker was in and left: its messages, old and new, are gone from its search.
    const left = await createRoom(t, alice, { type: 'PRIVATE', members: [attacker] });
    foreignRooms.push(
      { kind: 'PRIVATE', id: privateRoom.id },
      { kind: 'PUBLIC not joined', id: publicRoom.id },
      { kind: 'DIRECT_MESSAGE of others', id: dm.json.id },
      { kind: "an admin's PRIVATE", id: adminRoom.id },
      { kind: 'left by the attacker', id: left.id },
    );
    const authors = [
      [alice, bob],
      [alice, bob],
      [alice, bob],
      [admin, admin],
      [alice, alice],
    ];
    for (const [i, room] of foreignRooms.entries()) {
      seeded.push(await send(authors[i][0], room.id, `${token} secret plans of ${room.kind}`));
      seeded.push(await send(authors[i][1], room.id, `the ${token.toUpperCase()}`));
    }
    expect((await search(attacker, { q: token, roomId: left.id })).status).toBe(200);
    const leave = await call(t.url, 'DELETE', `/api/v1/rooms/${left.id}/members/${attacker.id}`, {
      token: attacker.token,
    });
    expect(leave.status).toBe(200);
    seeded.push(await send(alice, left.id, `${token} after the attacker left`));
    ownRoom = (await createRoom(t, attacker, { type: 'PRIVATE' })).id;
    ownMessage = await send(attacker, ownRoom, `my own ${token}x note`);
  });
  afterAll(() => t?.close());

  /** A 200 holds none of the seeded messages; anything else is a documented refusal. */
  const expectNoLeak = (res: HttpResult, shape: string) => {
    if (res.status === 200) {
      const found = (res.json as { id: number; roomId: number }[]) ?? [];
      expect({
        shape,
        // The attacker is a member of its own room only: anything else is a leak.
        leaked: found.filter((m) => seeded.includes(m.id) || m.roomId !== ownRoom),
      }).toEqual({
        shape,
        leaked: [],
      });
    } else {
      const refused = [400, 403, 404].includes(res.status);
      expect({ shape, status: res.status }).toEqual({
        shape,
        status: refused ? res.status : '400, 403 or 404',
      });
      expect(errorBodyProblem(res, '/api/v1/messages/search')).toBeUndefined();
    }
  };

  it('the seed is findable by its members (the queries below would find it if privacy failed)', async () => {
    const res = await search(alice, { q: token, size: 100 });
    expect(res.status).toBe(200);
    const adminOnly = 2;
    expect(res.json).toHaveLength(seeded.length - adminOnly);
    const own = await search(attacker, { q: `${token}x` });
    expect(own.json.map((m: { id: number }) => m.id)).toEqual([ownMessage]);
  });

  it('no query shape finds the token in rooms the attacker is not a member of now', async () => {
    const queries = [
      token,
      token.toUpperCase(),
      `${token.slice(0, 5)}*`,
      `${token.slice(0, 3)}*`,
      `${token}*`,
      `"${token} secret plans"`,
      `"the ${token}"`,
      `secret plans`,
      `plans ${token}`,
      `${token} OR x`,
      `${token} -plans`,
      `"${token}`,
    ];
    const top = Math.max(...seeded, ownMessage);
    const cursors = [top + 1, top + 1000, 2_147_483_647, seeded[0] + 1];
    const shapes: { shape: string; query: Record<string, string | number> }[] = [];
    for (const q of queries) {
      shapes.push({ shape: `q=${q}`, query: { q, size: 100 } });
      for (const before of cursors)
        shapes.push({ shape: `q=${q} before=${before}`, query: { q, before, size: 100 } });
      for (const room of foreignRooms)
        shapes.push({ shape: `q=${q} roomId=${room.kind}`, query: { q, roomId: room.id } });
      for (const sender of [alice, bob, admin])
        shapes.push({
          shape: `q=${q} senderId=${sender.username}`,
          query: { q, senderId: sender.id, size: 100 },
        });
      shapes.push({ shape: `q=${q} own room`, query: { q, roomId: ownRoom, senderId: alice.id } });
    }
    for (const { shape, query } of shapes) {
      const res = await search(attacker, query);
      expectNoLeak(res, shape);
      if ('roomId' in query && query.roomId !== ownRoom)
        expect({ shape, status: res.status }).toEqual({ shape, status: 403 });
    }
    // The attacker's own message (containing `${token}x`) is all a prefix finds.
    const prefix = await search(attacker, { q: `${token}*` });
    expect(prefix.json.map((m: { id: number }) => m.id)).toEqual([ownMessage]);
    // An admin's search without roomId is its own rooms too.
    const adminSearch = await search(admin, { q: token, size: 100 });
    expect(adminSearch.json.map((m: { id: number }) => m.id).sort()).toEqual(seeded.slice(6, 8).sort());
    recordHardening('attack-search-privacy', {
      badInputsTried: shapes.length,
      serverErrorsSeen: serverErrors,
      notes: { roomKinds: foreignRooms.length, seededMessages: seeded.length },
    });
  });

  it('hostile queries of either engine are data: 200 or a clear 400, never a 500', async () => {
    const hostile = [
      '+word -word',
      '>word <word ~word',
      '(word OR other) AND NOT third',
      'NEAR(word other, 5)',
      'word NEAR/3 other',
      'content:word',
      '{content} : word',
      '^word',
      'word@3',
      '@word',
      '"unbalanced',
      'unbalanced"',
      '"""',
      '"a" "b" "',
      '*word',
      'wo*rd*',
      '***',
      '\\"escaped\\"',
      "'; DROP TABLE messages; --",
      'MATCH AGAINST IN BOOLEAN MODE',
      '1=1) OR (1=1',
      '%_%',
      'the',
      'a an the of',
      'x y z',
      'ok',
      'w'.repeat(200),
      `${'ab '.repeat(66)}ab`,
      'é'.repeat(100),
      '\u{1F600}\u{1F600}',
      'क्षत्रिय',
      '漢字検索',
      'null',
      'undefined',
      'messages_fts',
    ];
    for (const q of hostile) {
      const res = await search(attacker, { q });
      expect({ q, status: res.status }).toEqual({ q, status: res.status === 400 ? 400 : 200 });
      if (res.status === 400) expect(errorBodyProblem(res, '/api/v1/messages/search')).toBeUndefined();
      expectNoLeak(res, q);
    }
    // Random strings over both engines' operator alphabets, words and separators.
    const alphabet = fc.constantFrom(
      ...'+-<>()~*"@:^{}\'\\%_ '.split(''),
      'AND',
      'OR',
      'NOT',
      'NEAR',
      'content',
      'word',
      'ab',
      token.slice(0, 4),
    );
    let fuzzed = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(alphabet, { minLength: 1, maxLength: 40 }), async (parts) => {
        const q = parts.join('').slice(0, 200);
        if (!q.trim()) return;
        fuzzed++;
        const res = await search(attacker, { q });
        expect({ q, status: res.status }).toEqual({ q, status: res.status === 400 ? 400 : 200 });
        expectNoLeak(res, q);
      }),
      { numRuns: 150 },
    );
    expect(serverErrors).toBe(0);
    recordHardening('attack-search-hostile-queries', {
      badInputsTried: hostile.length + fuzzed,
      serverErrorsSeen: serverErrors,
      notes: { engine: t.databaseUrl.startsWith('mysql') ? 'MariaDB FULLTEXT' : 'SQLite FTS5', total: tried },
    });
  });
});
