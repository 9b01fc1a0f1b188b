import fc from 'fast-check';
import { adminUser, createUser, TestUser, uniqueName } from '../factories/users';
import { createRoom } from '../factories/rooms';
import { StompTestClient } from '../helpers/stomp-client';
import { startTestApp, TestApp } from '../helpers/test-app';
import { isWellFormedText } from '../../apps/chat-server/src/common/validation/json-input';
import { recordHardening } from './summary';
import { call } from './support/attack-http';

/**
 * SQL-ish and HTML/script content is data: stored and returned byte-for-byte (REST history and the
 * live STOMP payload), the tables stay intact, and LIKE wildcards are never wildcards.
 */
const INJECTIONS = [
  "'; DROP TABLE users; --",
  '" OR 1=1 --',
  "Robert'); DROP TABLE rooms;--",
  "1' UNION SELECT password_hash FROM users --",
  '%',
  '_',
  '%_%',
  '\\',
  '\\\\%\\_',
  "\\'; DELETE FROM messages; --",
  '<script>alert(1)</script>',
  '<img src=x onerror="alert(1)">',
  '"><svg onload=alert(1)>',
  '{{constructor.constructor("alert(1)")()}}',
  '${7*7} #{7*7}',
  'a\u0000b',
];

describe('attack: injection (SQL-ish and HTML/script content is stored and returned as data)', () => {
  let t: TestApp;
  let admin: TestUser;
  let alice: TestUser;
  let bob: TestUser;
  let room: { id: number };
  let tried = 0;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await adminUser(t);
    [alice, bob] = await Promise.all([createUser(t), createUser(t)]);
    room = await createRoom(t, alice, { type: 'PRIVATE', members: [bob] });
  });
  afterAll(() => t?.close());

  const history = async (roomId: number, token: string) => {
    const res = await call(t.url, 'GET', `/api/v1/messages/room/${roomId}?size=100`, { token });
    expect(res.status).toBe(200);
    return res.json as { content: string; id: number }[];
  };

  it('message content: byte-for-byte the same live (STOMP), in v1 and basic history, sent over STOMP and both REST surfaces', async () => {
    const r = await createRoom(t, alice, { type: 'PRIVATE', members: [bob] });
    const listener = await StompTestClient.connect(t.url, bob.token);
    const sender = await StompTestClient.connect(t.url, alice.token);
    try {
      await listener.subscribeConfirmed(`/topic/rooms/${r.id}`);
      const sent: string[] = [];
      for (const s of INJECTIONS) {
        tried += 3;
        await sender.sendConfirmed('/app/chat.sendMessage', { roomId: r.id, content: s });
        const v1 = await call(t.url, 'POST', `/api/v1/messages/room/${r.id}`, {
          token: alice.token,
          body: { content: s },
        });
        expect(v1.status).toBe(201);
        expect(v1.json.content).toBe(s);
        const basic = await call(t.url, 'POST', '/api/messages', {
          token: alice.token,
          body: { senderId: alice.id, receiverId: r.id, receiverType: 'group', content: s },
        });
        expect(basic.status).toBe(201);
        expect(basic.json.content).toBe(s);
        sent.push(s, s, s);
      }
      const live = await listener.waitForMessages<{ content: string }>(`/topic/rooms/${r.id}`, sent.length);
      expect(live.map((m) => m.content)).toEqual(sent);
      expect((await history(r.id, bob.token)).map((m) => m.content)).toEqual(sent);
      const basicHistory = await call(t.url, 'GET', `/api/messages/${r.id}?size=100`, { token: bob.token });
      expect(basicHistory.json.map((m: { content: string }) => m.content)).toEqual(sent);
      // JSON carries them escaped as JSON requires, never HTML-escaped.
      expect(basicHistory.text).toContain('<script>alert(1)</script>');
      expect(basicHistory.headers.get('content-type')).toMatch(/^application\/json/);
    } finally {
      await listener.close();
      await sender.close();
    }
  });

  it('fast-check: any well-formed text is returned exactly as sent (REST send, history)', async () => {
    const r = await createRoom(t, alice, { type: 'PRIVATE' });
    await fc.assert(
      fc.asyncProperty(
        fc
          .oneof(
            fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }),
            fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }).filter((s) => isWellFormedText(s)),
            fc
              .constantFrom(...INJECTIONS)
              .chain((inj) => fc.string({ maxLength: 10 }).map((p) => `${p}${inj}${p}`)),
          )
          .filter((s) => s.trim().length > 0),
        async (content) => {
          tried++;
          const res = await call(t.url, 'POST', `/api/v1/messages/room/${r.id}`, {
            token: alice.token,
            body: { content },
          });
          if (res.status !== 201) return false;
          const [last] = (
            await call(t.url, 'GET', `/api/v1/messages/room/${r.id}?before=${res.json.id + 1}&size=1`, {
              token: alice.token,
            })
          ).json;
          return last.id === res.json.id && last.content === content && res.json.content === content;
        },
      ),
      { numRuns: 60, seed: 99 },
    );
  });

  it('room names: stored as given; LIKE wildcards never match other names', async () => {
    for (const s of INJECTIONS.filter((x) => x.trim() && !x.includes('\u0000'))) {
      tried++;
      const name = `${s} ${uniqueName('r')}`;
      const created = await call(t.url, 'POST', '/api/v1/rooms', {
        token: alice.token,
        body: { name, type: 'PUBLIC' },
      });
      expect(created.status).toBe(201);
      expect(created.json.name).toBe(name);
      const got = await call(t.url, 'GET', `/api/v1/rooms/${created.json.id}`, { token: bob.token });
      expect(got.json.name).toBe(name);
    }
    // '%' and '_' are names like any other: they neither clash with nor find other names.
    const base = uniqueName('lit');
    for (const name of [`${base}_x`, `${base}%`, `${base}__`]) {
      tried++;
      expect(
        (await call(t.url, 'POST', '/api/channels', { token: alice.token, body: { name } })).status,
      ).toBe(201);
    }
    for (const name of [`${base}ax`, `${base}abc`, `${base}ab`]) {
      tried++;
      expect(
        (await call(t.url, 'POST', '/api/channels', { token: alice.token, body: { name } })).status,
      ).toBe(201);
    }
    const clash = await call(t.url, 'POST', '/api/channels', {
      token: alice.token,
      body: { name: `${base}%` },
    });
    expect(clash.status).toBe(400);
  });

  it('usernames (within their charset): "_" and "." are literal in lookups and uniqueness', async () => {
    const stem = `u${Date.now() % 100000}`;
    const literal = await createUser(t, { username: `${stem}_a` });
    const other = await createUser(t, { username: `${stem}xa` });
    const byName = async (name: string) =>
      call(t.url, 'GET', `/api/v1/users/username/${encodeURIComponent(name)}`, { token: admin.token });
    tried += 5;
    expect((await byName(`${stem}_a`)).json.id).toBe(literal.id);
    expect((await byName(`${stem}xa`)).json.id).toBe(other.id);
    expect((await byName(`${stem}%`)).status).toBe(404);
    expect((await byName(`${stem}__`)).status).toBe(404);
    expect((await byName("' OR '1'='1")).status).toBe(404);
    // Names outside the charset are refused, never stored.
    for (const username of ["a'; DROP TABLE users; --", '<script>', 'a%b', 'a b']) {
      tried++;
      const res = await call(t.url, 'POST', '/api/users/register', {
        body: { username, password: 'password-123' },
      });
      expect(res.status).toBe(400);
    }
    // Login with an injection as the identifier is just a failed login.
    tried++;
    const login = await call(t.url, 'POST', '/api/v1/auth/login', {
      body: { usernameOrEmail: "' OR 1=1 --", password: "' OR 1=1 --" },
    });
    expect(login.status).toBe(401);
  });

  it('notification messages: the same in the list and in the live push; status values are refused, not stored', async () => {
    const listener = await StompTestClient.connect(t.url, bob.token);
    try {
      await listener.subscribeConfirmed('/user/queue/notifications');
      const sent = INJECTIONS.filter((s) => s.trim() === s && s.trim());
      for (const message of sent) {
        tried++;
        const res = await call(t.url, 'POST', '/api/notifications', {
          token: alice.token,
          body: { userId: bob.id, message },
        });
        expect(res.status).toBe(201);
        expect(res.json.message).toBe(message);
      }
      const live = await listener.waitForMessages<{ message: string; type: string }>(
        '/user/queue/notifications',
        sent.length,
      );
      expect(live.filter((n) => n.type === 'USER').map((n) => n.message)).toEqual(sent);
      const list = await call(t.url, 'GET', '/api/v1/notifications?size=100', { token: bob.token });
      expect(
        list.json
          .filter((n: { type: string }) => n.type === 'USER')
          .map((n: { message: string }) => n.message)
          .reverse(),
      ).toEqual(sent);
    } finally {
      await listener.close();
    }
    for (const status of INJECTIONS) {
      tried++;
      const res = await call(t.url, 'PUT', '/api/status', {
        token: alice.token,
        body: { userId: alice.id, status },
      });
      expect(res.status).toBe(400);
    }
    const now = await call(t.url, 'GET', `/api/status/${alice.id}`, { token: bob.token });
    expect(['online', 'offline', 'typing', 'playing']).toContain(now.json.status);
  });

  it('the tables are intact afterwards', async () => {
    const users = await call(t.url, 'GET', '/api/v1/users', { token: admin.token });
    expect(users.status).toBe(200);
    expect(users.json.map((u: { id: number }) => u.id)).toEqual(
      expect.arrayContaining([admin.id, alice.id, bob.id]),
    );
    expect(
      (
        await call(t.url, 'POST', '/api/v1/auth/login', {
          body: { usernameOrEmail: bob.username, password: bob.password },
        })
      ).status,
    ).toBe(200);
    expect((await call(t.url, 'GET', '/api/v1/rooms', { token: alice.token })).json.length).toBeGreaterThan(
      1,
    );
    expect((await history(room.id, alice.token)).length).toBe(0);
    expect((await call(t.url, 'GET', '/api/notifications', { token: bob.token })).status).toBe(200);
    recordHardening('attack: injection', { badInputsTried: tried, serverErrorsSeen: 0 });
  });
});
