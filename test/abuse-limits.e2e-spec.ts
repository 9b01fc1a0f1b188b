import request from 'supertest';
import {
  MAX_JSON_ELEMENTS,
  MAX_JSON_KEYS_PER_OBJECT,
} from '../apps/chat-server/src/common/validation/json-input';
import { MAX_REPORTED_ERRORS } from '../apps/chat-server/src/common/validation/validation';
import { bearer, TestUser, uniqueName } from './factories/users';
import { expectError } from './helpers/expect-error';
import { StompTestClient } from './helpers/stomp-client';
import { startTestApp, TestApp } from './helpers/test-app';

/**
 * The abuse limits (README "Configuration", docs/RELIABILITY.md "Rate limits and size limits"),
 * each with a low setting so the spec meets it. Client addresses come from X-Forwarded-For
 * (TRUST_PROXY): documentation addresses (RFC 5737) in a header, never contacted.
 */
describe('abuse limits', () => {
  let t: TestApp;
  let n = 0;
  const address = () => `203.0.113.${++n}`;
  const api = () => request(t.url);

  beforeAll(async () => {
    t = await startTestApp({
      TRUST_PROXY: 'true',
      REGISTER_RATE_PER_MINUTE: '1',
      REGISTER_BURST: '3',
      LOGIN_RATE_PER_MINUTE: '1',
      LOGIN_BURST: '4',
      LOGIN_MAX_FAILURES_PER_ACCOUNT: '3',
      POST_RATE_PER_MINUTE: '1',
      POST_BURST: '3',
      DM_OPEN_RATE_PER_MINUTE: '1',
      DM_OPEN_BURST: '2',
      ROOM_CREATE_RATE_PER_MINUTE: '1',
      ROOM_CREATE_BURST: '2',
      NOTIFY_RATE_PER_MINUTE: '1',
      NOTIFY_BURST: '4',
      NOTIFY_PAIR_RATE_PER_MINUTE: '1',
      NOTIFY_PAIR_BURST: '2',
    });
  });
  afterAll(() => t.close());

  /** A user registered and logged in from an address of its own. */
  async function newUser(): Promise<TestUser> {
    const ip = address();
    const username = uniqueName();
    const body = { username, email: `${username}@example.com`, password: 'password-123' };
    await api().post('/api/v1/auth/register').set('x-forwarded-for', ip).send(body).expect(201);
    const login = await api()
      .post('/api/v1/auth/login')
      .set('x-forwarded-for', ip)
      .send({ usernameOrEmail: username, password: body.password })
      .expect(200);
    return {
      id: login.body.id,
      token: login.body.token,
      username,
      email: body.email,
      password: body.password,
    };
  }

  const expect429 = (res: request.Response, message: RegExp) => {
    expectError(res, 429, message);
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  };

  it('registrations per address, on both surfaces, successes included; an admin is not counted', async () => {
    const ip = address();
    const register = (path: string) => {
      const u = uniqueName('reg');
      return api()
        .post(path)
        .set('x-forwarded-for', ip)
        .send({ username: u, email: `${u}@example.com`, password: 'password-123' });
    };
    await register('/api/v1/auth/register').expect(201);
    await register('/api/users/register').expect(201);
    await register('/api/v1/auth/register').expect(201);
    expect429(await register('/api/v1/auth/register'), /Too many registrations from this address/);
    expect429(await register('/api/users/register'), /Too many registrations from this address/);
    // Refused before validation: a malformed body gets the 429 too, at no cost.
    expect429(await api().post('/api/v1/auth/register').set('x-forwarded-for', ip).send({}), /registrations/);
    await register('/api/v1/auth/register').set('x-forwarded-for', address()).expect(201);
  });

  it('login attempts per address, successes included, on both surfaces', async () => {
    const u = await newUser();
    const ip = address();
    const v1 = () =>
      api()
        .post('/api/v1/auth/login')
        .set('x-forwarded-for', ip)
        .send({ usernameOrEmail: u.username, password: u.password });
    const basic = () =>
      api()
        .post('/api/users/login')
        .set('x-forwarded-for', ip)
        .send({ username: u.username, password: u.password });
    for (const attempt of [v1, basic, v1, basic]) await attempt().expect(200);
    expect429(await v1(), /Too many login attempts from this address/);
    expect429(await basic(), /Too many login attempts from this address/);
    await api()
      .post('/api/v1/auth/login')
      .set('x-forwarded-for', address())
      .send({ usernameOrEmail: u.username, password: u.password })
      .expect(200);
  });

  it('failed logins per account across addresses lock that account only, even with the right password', async () => {
    const [victim, bystander] = [await newUser(), await newUser()];
    const attempt = (who: TestUser, password: string) =>
      api()
        .post('/api/v1/auth/login')
        .set('x-forwarded-for', address())
        .send({ usernameOrEmail: who.username, password });
    for (let i = 0; i < 3; i++) await attempt(victim, 'wrong-password').expect(401);
    expect429(await attempt(victim, victim.password), /Too many failed login attempts/);
    expect429(
      await attempt({ ...victim, username: victim.username.toUpperCase() }, victim.password),
      /failed/,
    );
    await attempt(bystander, bystander.password).expect(200);
  });

  it('messages per user, over v1 and basic REST', async () => {
    const [alice, bob] = [await newUser(), await newUser()];
    const room = await api()
      .post('/api/v1/rooms')
      .set(bearer(alice))
      .send({ name: uniqueName('r'), type: 'PUBLIC' })
      .expect(201);
    const post = () =>
      api().post(`/api/v1/messages/room/${room.body.id}`).set(bearer(alice)).send({ content: 'x' });
    await post().expect(201);
    await post().expect(201);
    await api()
      .post('/api/messages')
      .set(bearer(alice))
      .send({ senderId: alice.id, receiverId: room.body.id, receiverType: 'channel', content: 'y' })
      .expect(201);
    expect429(await post(), /Too many messages/);
    // bob's bucket is his own
    await api().post(`/api/v1/rooms/${room.body.id}/members/${bob.id}`).set(bearer(bob)).expect(200);
    await api()
      .post(`/api/v1/messages/room/${room.body.id}`)
      .set(bearer(bob))
      .send({ content: 'z' })
      .expect(201);
  });

  it('messages per user over STOMP: 429 on /user/queue/errors, the session stays', async () => {
    const alice = await newUser();
    const room = await api()
      .post('/api/v1/rooms')
      .set(bearer(alice))
      .send({ name: uniqueName('r'), type: 'PUBLIC' })
      .expect(201);
    const c = await StompTestClient.connect(t.url, alice.token);
    try {
      await c.subscribeConfirmed('/user/queue/errors');
      for (let i = 0; i < 3; i++)
        await c.sendConfirmed('/app/chat.sendMessage', { roomId: room.body.id, content: `m${i}` });
      c.send('/app/chat.sendMessage', { roomId: room.body.id, content: 'one too many' });
      const [error] = await c.waitForMessages('/user/queue/errors', 1);
      expect(error).toEqual(
        expect.objectContaining({
          status: 429,
          message: expect.stringMatching(/^Too many messages; retry in \d+ s$/),
        }),
      );
      expect(c.closed).toBe(false);
    } finally {
      await c.close();
    }
  });

  it('direct messages opened per user: creating or re-joining counts, finding does not', async () => {
    const me = await newUser();
    const [a, b, c] = [await newUser(), await newUser(), await newUser()];
    await api().post(`/api/v1/rooms/direct/${a.id}`).set(bearer(me)).expect(201);
    await api().post(`/api/v1/rooms/direct/${b.id}`).set(bearer(me)).expect(201);
    for (let i = 0; i < 3; i++) await api().post(`/api/v1/rooms/direct/${a.id}`).set(bearer(me)).expect(200);
    expect429(
      await api().post(`/api/v1/rooms/direct/${c.id}`).set(bearer(me)),
      /Too many direct messages opened/,
    );
    expect429(
      await api().post('/api/v1/rooms').set(bearer(me)).send({ type: 'DIRECT_MESSAGE', memberId: c.id }),
      /direct messages/,
    );
    // The other side opening the existing room finds it: no token needed.
    await api().post(`/api/v1/rooms/direct/${me.id}`).set(bearer(a)).expect(200);
  });

  it('rooms created per user, over v1 and basic', async () => {
    const u = await newUser();
    await api()
      .post('/api/v1/rooms')
      .set(bearer(u))
      .send({ name: uniqueName('r'), type: 'PUBLIC' })
      .expect(201);
    await api()
      .post('/api/groups')
      .set(bearer(u))
      .send({ name: uniqueName('g') })
      .expect(201);
    expect429(
      await api()
        .post('/api/channels')
        .set(bearer(u))
        .send({ name: uniqueName('c') }),
      /Too many rooms created/,
    );
    expect429(
      await api()
        .post('/api/v1/rooms')
        .set(bearer(u))
        .send({ name: uniqueName('r'), type: 'PRIVATE' }),
      /rooms/,
    );
  });

  it('notifications per sender and per (sender, recipient); automatic ones past the limit are not created', async () => {
    const [alice, bob, carol] = [await newUser(), await newUser(), await newUser()];
    await api()
      .post('/api/groups')
      .set(bearer(alice))
      .send({ name: uniqueName('g'), members: [bob.id, carol.id] })
      .expect(201);
    const notify = (from: TestUser, to: TestUser) =>
      api().post('/api/v1/notifications').set(bearer(from)).send({ userId: to.id, message: 'ping' });
    // bob got one ROOM_INVITE from alice: one token of the (alice, bob) pair is gone. The invites
    // are written after the answer (a domain event): wait for both, or on a loaded machine they
    // came after the sends below and were the ones refused.
    const invited = async (u: TestUser) =>
      (
        (await api().get('/api/v1/notifications?size=100').set(bearer(u)).expect(200)).body as Array<{
          type: string;
        }>
      ).some((n) => n.type === 'ROOM_INVITE');
    for (const u of [bob, carol]) {
      const deadline = Date.now() + 10_000;
      while (!(await invited(u))) {
        if (Date.now() > deadline) throw new Error(`no ROOM_INVITE for ${u.username}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    await notify(alice, bob).expect(201);
    expect429(await notify(alice, bob), /Too many notifications to this user/);
    await notify(alice, carol).expect(201);
    await notify(alice, alice).expect(201);
    expect429(await notify(alice, carol), /Too many notifications sent/);

    // Direct messages: the first two notify, the rest are delivered without a notification.
    const dm = (await api().post(`/api/v1/rooms/direct/${carol.id}`).set(bearer(bob)).expect(201)).body;
    for (const content of ['1', '2', '3'])
      await api().post(`/api/v1/messages/room/${dm.id}`).set(bearer(bob)).send({ content }).expect(201);
    const list = async () =>
      (await api().get('/api/v1/notifications?size=100').set(bearer(carol)).expect(200)).body as Array<{
        type: string;
      }>;
    const deadline = Date.now() + 10_000;
    while ((await list()).filter((x) => x.type === 'DIRECT_MESSAGE').length < 2 && Date.now() < deadline);
    const history = await api().get(`/api/v1/messages/room/${dm.id}`).set(bearer(carol)).expect(200);
    expect(history.body).toHaveLength(3);
    expect((await list()).filter((x) => x.type === 'DIRECT_MESSAGE')).toHaveLength(2);
  });

  it('JSON with too many fields or items is refused before validation; reported field errors are capped', async () => {
    const u = await newUser();
    const wide = Object.fromEntries(
      Array.from({ length: MAX_JSON_KEYS_PER_OBJECT + 1 }, (_, i) => [`k${i}`, i]),
    );
    expectError(
      await api().post('/api/v1/rooms').set(bearer(u)).send(wide),
      400,
      `A JSON object may have at most ${MAX_JSON_KEYS_PER_OBJECT} fields`,
    );
    expectError(
      await api()
        .post('/api/groups')
        .set(bearer(u))
        .send({ name: 'x', members: Array.from({ length: MAX_JSON_ELEMENTS + 1 }, (_, i) => i + 1) }),
      400,
      `at most ${MAX_JSON_ELEMENTS} fields and array items`,
    );
    // Anonymous too, and before the address limit's validation: a register body of 20 000 keys.
    const huge = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`f${i}`, 1]));
    expectError(await api().post('/api/users/register').set('x-forwarded-for', address()).send(huge), 400);
    const unknown = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`x${i}`, 1]));
    const bad = await api()
      .post('/api/v1/rooms')
      .set(bearer(u))
      .send({ name: uniqueName('g'), ...unknown });
    expectError(bad, 400, /\(and 30 more\)$/);
    expect(bad.body.errors).toHaveLength(MAX_REPORTED_ERRORS);
  });
});

describe('password hashing queue', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      TRUST_PROXY: 'true',
      // slow enough hashes that requests sent together find the queue busy
      ARGON2_MEMORY_KIB: '32768',
      ARGON2_TIME_COST: '3',
      PASSWORD_HASH_CONCURRENCY: '1',
      PASSWORD_HASH_QUEUE: '2',
      PASSWORD_HASH_QUEUE_PER_ADDRESS: '1',
    });
  });
  afterAll(() => t.close());

  it('one address gets 503 + Retry-After past its share; another address is still served', async () => {
    const login = (ip: string) =>
      request(t.url)
        .post('/api/v1/auth/login')
        .set('x-forwarded-for', ip)
        .send({ usernameOrEmail: 'admin', password: 'wrong-password' });
    const [flood, other] = await Promise.all([
      Promise.all(Array.from({ length: 8 }, () => login('198.51.100.1'))),
      login('198.51.100.2'),
    ]);
    const statuses = flood.map((r) => r.status);
    expect(statuses.every((s) => s === 401 || s === 503)).toBe(true);
    expect(statuses.filter((s) => s === 503).length).toBeGreaterThan(0);
    const busy = flood.find((r) => r.status === 503)!;
    expectError(busy, 503, 'The server is busy checking passwords; retry shortly');
    expect(Number(busy.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(other.status).toBe(401);
  });
});
