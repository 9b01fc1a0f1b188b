import request from 'supertest';
import { createRoom } from './factories/rooms';
import { adminUser, bearer, createUser, login, TestUser } from './factories/users';
import { StompTestClient, StompTransport } from './helpers/stomp-client';
import { freshDatabase, startTestApp, TestApp } from './helpers/test-app';

const REDIS = process.env.TEST_REDIS_URL;

function expectErrorBody(body: any, status: number, path: string) {
  expect(body).toEqual(
    expect.objectContaining({ status, error: expect.any(String), message: expect.any(String), path }),
  );
}

/** A second token of the same user (another device). */
async function anotherToken(t: TestApp, u: TestUser): Promise<string> {
  return (await login(t, u.username, u.password)).token;
}

/**
 * Credentials end live sessions: logging out (one token or all of them), a password change and a
 * role change reach the STOMP sessions opened before, at once, on every transport; REST refuses
 * the revoked tokens.
 */
describe('logout, password changes and role changes reach live sessions', () => {
  let t: TestApp;
  let admin: TestUser;
  const clients: StompTestClient[] = [];
  const connect = async (token: string, transport: StompTransport = 'websocket') => {
    const c = await StompTestClient.connect(t.url, token, { transport });
    clients.push(c);
    return c;
  };
  const errorOf = (c: StompTestClient) => c.errors[0]?.headers.message;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await adminUser(t);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  afterAll(() => t.close());

  describe('POST /api/v1/auth/logout', () => {
    it('scope "current" revokes only the token of the request: its REST calls and live sessions end, others stay', async () => {
      const u = await createUser(t);
      const other = await anotherToken(t, u);
      const [ws, sockjs, kept] = [
        await connect(u.token),
        await connect(u.token, 'xhr-streaming'),
        await connect(other),
      ];
      await request(t.url).post('/api/v1/auth/logout').set(bearer(u)).send({ scope: 'current' }).expect(204);
      await ws.waitClosed();
      await sockjs.waitClosed();
      expect([errorOf(ws), errorOf(sockjs)]).toEqual(['Token revoked', 'Token revoked']);
      const refused = await request(t.url).get(`/api/v1/users/${u.id}`).set(bearer(u)).expect(401);
      expect(refused.body.message).toBe('Token revoked');
      await expect(StompTestClient.connect(t.url, u.token)).rejects.toThrow('STOMP ERROR: Unauthorized');
      // The other device is untouched.
      await request(t.url)
        .get(`/api/v1/users/${u.id}`)
        .set(bearer({ token: other }))
        .expect(200);
      await kept.sendConfirmed('/app/chat.addUser', {});
      expect(kept.closed).toBe(false);
    });

    it('with no body (scope "all") revokes every token of the caller, on every transport; a new login works', async () => {
      const u = await createUser(t);
      const other = await anotherToken(t, u);
      const sessions = [await connect(u.token), await connect(other, 'xhr-streaming'), await connect(other)];
      const bystander = await createUser(t);
      const bystanderSession = await connect(bystander.token);
      await request(t.url).post('/api/v1/auth/logout').set(bearer(u)).expect(204);
      for (const s of sessions) {
        await s.waitClosed();
        expect(errorOf(s)).toBe('Token revoked');
      }
      for (const token of [u.token, other])
        await request(t.url).get(`/api/v1/users/${u.id}`).set(bearer({ token })).expect(401);
      const fresh = await anotherToken(t, u);
      await request(t.url)
        .get(`/api/v1/users/${u.id}`)
        .set(bearer({ token: fresh }))
        .expect(200);
      await connect(fresh);
      expect(bystanderSession.closed).toBe(false);
    });

    it('{"scope":"all"} is the same as no body', async () => {
      const u = await createUser(t);
      const other = await anotherToken(t, u);
      await request(t.url).post('/api/v1/auth/logout').set(bearer(u)).send({ scope: 'all' }).expect(204);
      await request(t.url)
        .get(`/api/v1/users/${u.id}`)
        .set(bearer({ token: other }))
        .expect(401);
    });

    it('refuses a missing, invalid or already revoked token with 401', async () => {
      const path = '/api/v1/auth/logout';
      expectErrorBody((await request(t.url).post(path).expect(401)).body, 401, path);
      await request(t.url).post(path).set('Authorization', 'Bearer garbage').expect(401);
      const u = await createUser(t);
      await request(t.url).post(path).set(bearer(u)).send({ scope: 'current' }).expect(204);
      const again = await request(t.url).post(path).set(bearer(u)).send({ scope: 'current' }).expect(401);
      expect(again.body.message).toBe('Token revoked');
    });

    it('refuses an unknown scope, a null scope and unknown fields with 400, revoking nothing', async () => {
      const path = '/api/v1/auth/logout';
      const u = await createUser(t);
      for (const body of [
        { scope: 'everything' },
        { scope: null },
        { scope: 'current', all: true },
        { scope: 1 },
      ]) {
        const res = await request(t.url).post(path).set(bearer(u)).send(body).expect(400);
        expectErrorBody(res.body, 400, path);
      }
      await request(t.url).get(`/api/v1/users/${u.id}`).set(bearer(u)).expect(200);
    });

    it('an old token without an id (issued before logout existed) logs out everything with scope "current"', async () => {
      const { createHmac } = await import('node:crypto');
      const { TEST_JWT_SECRET } = await import('./helpers/test-app');
      const u = await createUser(t);
      const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const now = Math.floor(Date.now() / 1000);
      const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: String(u.id), ver: 0, iat: now, exp: now + 600 })}`;
      const legacy = `${unsigned}.${createHmac('sha256', TEST_JWT_SECRET).update(unsigned).digest('base64url')}`;
      await request(t.url)
        .get(`/api/v1/users/${u.id}`)
        .set(bearer({ token: legacy }))
        .expect(200);
      await request(t.url)
        .post('/api/v1/auth/logout')
        .set(bearer({ token: legacy }))
        .send({ scope: 'current' })
        .expect(204);
      await request(t.url)
        .get(`/api/v1/users/${u.id}`)
        .set(bearer({ token: legacy }))
        .expect(401);
      await request(t.url).get(`/api/v1/users/${u.id}`).set(bearer(u)).expect(401);
    });
  });

  it('a password change closes every live session opened with an older token; the new token connects', async () => {
    const u = await createUser(t);
    const other = await anotherToken(t, u);
    const old = [await connect(u.token), await connect(other, 'xhr-streaming')];
    const res = await request(t.url)
      .put(`/api/v1/users/${u.id}/password`)
      .set(bearer(u))
      .send({ currentPassword: u.password, newPassword: 'a-brand-new-password' })
      .expect(200);
    for (const s of old) {
      await s.waitClosed();
      expect(errorOf(s)).toBe('Token revoked');
    }
    const fresh = await connect(res.body.token);
    await fresh.sendConfirmed('/app/chat.addUser', {});
    // An admin reset does the same to the user's sessions.
    const again = await connect(res.body.token);
    await request(t.url)
      .put(`/api/v1/users/${u.id}/password`)
      .set(bearer(admin))
      .send({ newPassword: 'reset-by-the-admin' })
      .expect(200);
    await again.waitClosed();
    await fresh.waitClosed();
  });

  it('a demoted admin loses, at once, its subscriptions to rooms it is not a member of, and keeps the others', async () => {
    const boss = await createUser(t);
    const owner = await createUser(t);
    const secret = await createRoom(t, owner, { type: 'PRIVATE' });
    const own = await createRoom(t, boss, { type: 'PRIVATE' });
    await request(t.url)
      .put(`/api/v1/users/${boss.id}/roles`)
      .set(bearer(admin))
      .send({ roles: ['user', 'admin'] })
      .expect(200);
    const s = await connect(boss.token);
    await s.subscribeConfirmed('/user/queue/errors');
    for (const topic of [
      `/topic/rooms/${secret.id}`,
      `/topic/rooms/${secret.id}/events`,
      `/topic/rooms/${own.id}`,
    ])
      await s.subscribeConfirmed(topic);
    await s.subscribeConfirmed('/topic/status');
    await request(t.url)
      .put(`/api/v1/users/${boss.id}/roles`)
      .set(bearer(admin))
      .send({ roles: ['user'] })
      .expect(200);
    const notices = await s.waitForMessages('/user/queue/errors', 2);
    expect(notices.map((n) => n.destination).sort()).toEqual(
      [`/topic/rooms/${secret.id}`, `/topic/rooms/${secret.id}/events`].sort(),
    );
    expect(notices.every((n) => n.status === 403)).toBe(true);
    // Nothing of the secret room reaches it any more; its own room still does.
    const ownerSession = await connect(owner.token);
    await ownerSession.sendConfirmed('/app/chat.sendMessage', { roomId: secret.id, content: 'not for boss' });
    await request(t.url)
      .post(`/api/v1/messages/room/${own.id}`)
      .set(bearer(boss))
      .send({ content: 'mine' })
      .expect(201);
    await s.waitForMessages(`/topic/rooms/${own.id}`, 1);
    expect(s.received.get(`/topic/rooms/${secret.id}`) ?? []).toHaveLength(0);
    expect(s.closed).toBe(false);
  });
});

/** Two instances on one database and one Redis: a revocation on A ends the sessions on B. */
(REDIS ? describe : describe.skip)('revocations across instances (Redis)', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let a: TestApp;
  let b: TestApp;
  const prefix = `chat-creds-${process.pid}-${Date.now()}`;
  const clients: StompTestClient[] = [];

  beforeAll(async () => {
    db = await freshDatabase();
    a = await startTestApp({ REDIS_URL: REDIS!, REDIS_PREFIX: prefix, INSTANCE_ID: 'a' }, db);
    b = await startTestApp({ REDIS_URL: REDIS!, REDIS_PREFIX: prefix, INSTANCE_ID: 'b' }, db);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await a?.close();
    await b?.close();
    await db?.drop();
  });

  it('a logout and a password change on A close the sessions on B; B refuses the tokens over REST at once', async () => {
    const u = await createUser(a);
    const second = await anotherToken(a, u);
    const onB = await StompTestClient.connect(b.url, u.token);
    const secondOnB = await StompTestClient.connect(b.url, second, { transport: 'xhr-streaming' });
    clients.push(onB, secondOnB);
    await request(b.url).get(`/api/v1/users/${u.id}`).set(bearer(u)).expect(200);
    await request(a.url).post('/api/v1/auth/logout').set(bearer(u)).send({ scope: 'current' }).expect(204);
    await onB.waitClosed();
    expect(onB.errors[0]?.headers.message).toBe('Token revoked');
    await request(b.url).get(`/api/v1/users/${u.id}`).set(bearer(u)).expect(401);
    expect(secondOnB.closed).toBe(false);
    const res = await request(a.url)
      .put(`/api/v1/users/${u.id}/password`)
      .set(bearer({ token: second }))
      .send({ currentPassword: u.password, newPassword: 'new-password-on-a' })
      .expect(200);
    await secondOnB.waitClosed();
    await request(b.url)
      .get(`/api/v1/users/${u.id}`)
      .set(bearer({ token: second }))
      .expect(401);
    await request(b.url)
      .get(`/api/v1/users/${u.id}`)
      .set(bearer({ token: res.body.token }))
      .expect(200);
  });

  it("a demotion on A withdraws the admin's subscriptions on B to rooms it is not a member of", async () => {
    const admin = await adminUser(a);
    const [boss, owner] = [await createUser(a), await createUser(a)];
    const secret = await createRoom(a, owner, { type: 'PRIVATE' });
    await request(a.url)
      .put(`/api/v1/users/${boss.id}/roles`)
      .set(bearer(admin))
      .send({ roles: ['user', 'admin'] })
      .expect(200);
    const onB = await StompTestClient.connect(b.url, boss.token);
    clients.push(onB);
    await onB.subscribeConfirmed('/user/queue/errors');
    await onB.subscribeConfirmed(`/topic/rooms/${secret.id}`);
    await request(a.url)
      .put(`/api/v1/users/${boss.id}/roles`)
      .set(bearer(admin))
      .send({ roles: ['user'] })
      .expect(200);
    const [notice] = await onB.waitForMessages('/user/queue/errors', 1);
    expect(notice).toMatchObject({ status: 403, destination: `/topic/rooms/${secret.id}` });
    await request(a.url)
      .post(`/api/v1/messages/room/${secret.id}`)
      .set(bearer(owner))
      .send({ content: 'not for boss' })
      .expect(201);
    await onB.sendConfirmed('/app/chat.addUser', {});
    expect(onB.received.get(`/topic/rooms/${secret.id}`) ?? []).toHaveLength(0);
  });
});
