import { adminUser, createUser, TestUser, uniqueName } from '../factories/users';
import { createRoom } from '../factories/rooms';
import { startTestApp, TestApp } from '../helpers/test-app';
import { recordHardening } from './summary';
import { call, claimsOf, errorBodyProblem, nowSeconds, signJwt } from './support/attack-http';
import { rawConnected, rawSubscribe, stompConnect } from './support/attack-stomp';

/**
 * Attacks on authentication: forged, swapped, expired, premature and revoked tokens over REST and
 * STOMP CONNECT; role changes that must apply at once; brute-force logins; and the timing of
 * unknown-user vs wrong-password logins.
 */
describe('attack: authentication', () => {
  let t: TestApp;
  let admin: TestUser;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await adminUser(t);
  });
  afterAll(() => t?.close());

  /** The token is refused by REST (401 error body) and by STOMP CONNECT (ERROR Unauthorized, close). */
  async function expectRefusedEverywhere(token: string, userId: number): Promise<string> {
    const path = `/api/v1/users/${userId}`;
    const res = await call(t.url, 'GET', path, { token });
    expect(res.status).toBe(401);
    expect(errorBodyProblem(res, path)).toBeUndefined();
    const stomp = await stompConnect(t.url, token);
    expect(stomp).toEqual({ command: 'ERROR', message: 'Unauthorized', closed: true });
    return res.json.message;
  }

  it('refuses forged, swapped, expired, premature and tampered tokens over REST and STOMP', async () => {
    const u = await createUser(t);
    const other = await createUser(t);
    const claims = claimsOf(u.token);
    const [h, , s] = u.token.split('.');
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const forged: Record<string, string> = {
      'alg none, no signature': `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`,
      'alg None, original signature': `${b64({ alg: 'None', typ: 'JWT' })}.${b64(claims)}.${s}`,
      'HS512 with the right secret': signJwt(claims, {
        header: { alg: 'HS512', typ: 'JWT' },
        hash: 'sha512',
      }),
      'RS256 header over an HMAC signature (key confusion)': signJwt(claims, {
        header: { alg: 'RS256', typ: 'JWT' },
      }),
      'HS256 with another key': signJwt(claims, { secret: 'another-secret-of-enough-length-0123456789' }),
      'HS256 with an empty key': signJwt(claims, { secret: '' }),
      expired: signJwt({ ...claims, exp: nowSeconds() - 5 }),
      'not yet valid (nbf in an hour)': signJwt({ ...claims, nbf: nowSeconds() + 3600 }),
      'no exp': signJwt({ sub: claims.sub, ver: claims.ver, iat: claims.iat }),
      'sub of another user, signature kept': `${h}.${b64({ ...claims, sub: String(other.id) })}.${s}`,
      'sub of the admin, signature kept': `${h}.${b64({ ...claims, sub: String(admin.id) })}.${s}`,
      'ver bumped, signature kept': `${h}.${b64({ ...claims, ver: claims.ver + 1 })}.${s}`,
      'roles claim added, signature kept': `${h}.${b64({ ...claims, roles: ['ROLE_ADMIN'] })}.${s}`,
      'ver of a future password change, correctly signed': signJwt({ ...claims, ver: claims.ver + 1 }),
      'sub not a number, correctly signed': signJwt({ ...claims, sub: `${u.id} OR 1=1` }),
      'sub 0, correctly signed': signJwt({ ...claims, sub: '0' }),
      'sub of nobody, correctly signed': signJwt({ ...claims, sub: '2147483647' }),
      'kid header pointing elsewhere': signJwt(claims, {
        header: { alg: 'HS256', typ: 'JWT', kid: '../../dev/null' },
        secret: '',
      }),
      'two segments': `${h}.${b64(claims)}`,
      'garbage segments': 'a.b.c',
      'huge token': `${h}.${'A'.repeat(6000)}.${s}`,
    };
    const messages: Record<string, string> = {};
    for (const [label, token] of Object.entries(forged)) {
      messages[label] = await expectRefusedEverywhere(token, u.id);
    }
    expect(messages.expired).toBe('Token expired');
    // The same claims, correctly signed, are accepted: every refusal above is about the token.
    const good = signJwt(claims);
    expect((await call(t.url, 'GET', `/api/v1/users/${u.id}`, { token: good })).status).toBe(200);
    expect((await stompConnect(t.url, good)).command).toBe('CONNECTED');
    recordHardening('attack: forged tokens', {
      badInputsTried: Object.keys(forged).length * 2,
      serverErrorsSeen: 0,
    });
  });

  it("a deleted user's token stops working at once, on both REST and STOMP", async () => {
    const u = await createUser(t);
    expect((await stompConnect(t.url, u.token)).command).toBe('CONNECTED');
    const live = await rawConnected(t.url, u.token);
    expect((await call(t.url, 'DELETE', `/api/v1/users/${u.id}`, { token: admin.token })).status).toBe(204);
    await expectRefusedEverywhere(u.token, u.id);
    await live.until(() => live.closed, 'the live session of the deleted user to close');
    expect(live.frame('ERROR')).toBeDefined();
  });

  it('a password change revokes older tokens (REST and STOMP); the new one works', async () => {
    const u = await createUser(t);
    const res = await call(t.url, 'PUT', `/api/v1/users/${u.id}/password`, {
      token: u.token,
      body: { currentPassword: u.password, newPassword: 'a-brand-new-password' },
    });
    expect(res.status).toBe(200);
    await expectRefusedEverywhere(u.token, u.id);
    expect((await stompConnect(t.url, res.json.token)).command).toBe('CONNECTED');
  });

  it('a demoted admin loses admin rights at once; a promoted user gains them at once (same tokens)', async () => {
    const boss = await createUser(t);
    const owner = await createUser(t);
    const secret = await createRoom(t, owner, { type: 'PRIVATE' });
    const topic = `/topic/rooms/${secret.id}`;
    const roles = (u: TestUser, r: string[]) =>
      call(t.url, 'PUT', `/api/v1/users/${u.id}/roles`, { token: admin.token, body: { roles: r } });

    // Before: a plain user is refused admin-only things.
    expect((await call(t.url, 'GET', '/api/v1/users', { token: boss.token })).status).toBe(403);
    let raw = await rawConnected(t.url, boss.token);
    expect(await rawSubscribe(raw, topic)).toBe('refused');

    // Promoted: the same token and a session opened before the change now have admin rights.
    raw = await rawConnected(t.url, boss.token);
    expect((await roles(boss, ['user', 'admin'])).status).toBe(200);
    expect((await call(t.url, 'GET', '/api/v1/users', { token: boss.token })).status).toBe(200);
    expect(
      (await call(t.url, 'GET', `/api/v1/messages/room/${secret.id}`, { token: boss.token })).status,
    ).toBe(200);
    expect(await rawSubscribe(raw, topic)).toBe('allowed');
    raw.close();

    // Demoted: admin rights are gone at once, for REST and for a session opened while admin.
    raw = await rawConnected(t.url, boss.token);
    expect((await roles(boss, ['user'])).status).toBe(200);
    expect((await call(t.url, 'GET', '/api/v1/users', { token: boss.token })).status).toBe(403);
    expect(
      (await call(t.url, 'GET', `/api/v1/messages/room/${secret.id}`, { token: boss.token })).status,
    ).toBe(403);
    const register = await call(t.url, 'POST', '/api/v1/auth/register', {
      token: boss.token,
      body: {
        username: uniqueName('adm'),
        email: `${uniqueName('adm')}@example.com`,
        password: 'password-123',
        roles: ['admin'],
      },
    });
    expect(register.status).toBe(403);
    expect(await rawSubscribe(raw, topic)).toBe('refused');
    raw.close();
  });

  it('unknown-user and wrong-password logins take about the same time (dummy hash): medians of 30 each', async () => {
    // A security property of the design: an unknown user is verified against a dummy hash, so the
    // answer time does not tell which usernames exist. The band is deliberately wide (0.5x-2x) so
    // that a loaded 2-core machine never makes it flaky; a missing dummy hash would be ~0 vs 1.
    const u = await createUser(t);
    const time = async (usernameOrEmail: string) => {
      const start = process.hrtime.bigint();
      const res = await call(t.url, 'POST', '/api/v1/auth/login', {
        body: { usernameOrEmail, password: 'definitely-wrong-password' },
      });
      expect(res.status).toBe(401);
      expect(res.json.message).toBe('Bad credentials');
      return Number(process.hrtime.bigint() - start) / 1e6;
    };
    const unknown: number[] = [];
    const wrong: number[] = [];
    for (let i = 0; i < 5; i++) await time(uniqueName('warm'));
    for (let i = 0; i < 30; i++) {
      // Interleaved, so load spikes hit both series alike.
      unknown.push(await time(uniqueName('nobody')));
      wrong.push(await time(u.username));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const ratio = median(unknown) / median(wrong);
    recordHardening('attack: login timing (unknown user vs wrong password)', {
      notes: {
        medianUnknownMs: median(unknown).toFixed(2),
        medianWrongPasswordMs: median(wrong).toFixed(2),
        ratio: ratio.toFixed(2),
      },
    });
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });
});

describe('attack: brute-force logins are rate limited', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      LOGIN_MAX_FAILURES: '3',
      LOGIN_MAX_FAILURES_PER_IP: '12',
      LOGIN_WINDOW_SECONDS: '600',
    });
  });
  afterAll(() => t?.close());

  const basicLogin = (username: string, password: string) =>
    call(t.url, 'POST', '/api/users/login', { body: { username, password } });

  it('locks one username (any case, either surface) after 3 failures with 429 + Retry-After, right password included', async () => {
    const victim = await createUser(t);
    const bystander = await createUser(t);
    for (let i = 0; i < 3; i++)
      expect((await basicLogin(victim.username, `guess-${i}-wrong`)).status).toBe(401);
    for (const attempt of [
      () => basicLogin(victim.username.toUpperCase(), 'another-guess'),
      () => basicLogin(victim.username, victim.password),
      () =>
        call(t.url, 'POST', '/api/v1/auth/login', {
          body: { usernameOrEmail: victim.username, password: victim.password },
        }),
    ]) {
      const res = await attempt();
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(errorBodyProblem(res, res.json.path)).toBeUndefined();
    }
    // Others are not locked out by someone else's failures.
    expect((await basicLogin(bystander.username, bystander.password)).status).toBe(200);
  });

  it('stops one address spraying many usernames; successful traffic is never throttled', async () => {
    const regular = await createUser(t);
    // Successes never count towards any limit: many in a row are all served.
    for (let i = 0; i < 20; i++)
      expect((await basicLogin(regular.username, regular.password)).status).toBe(200);
    let limited = 0;
    let tried = 0;
    for (let i = 0; i < 16; i++) {
      tried++;
      const res = await basicLogin(uniqueName('spray'), 'password-123');
      if (res.status === 429) {
        limited++;
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      } else expect(res.status).toBe(401);
    }
    expect(limited).toBeGreaterThan(0);
    recordHardening('attack: brute-force logins', {
      badInputsTried: tried + 6,
      serverErrorsSeen: 0,
      notes: { refused429: limited },
    });
  });
});
