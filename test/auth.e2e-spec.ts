import request from 'supertest';
import { createHmac } from 'node:crypto';
import { adminUser, bearer, createUser, uniqueName } from './factories/users';
import { ADMIN, startTestApp, TestApp, TEST_JWT_SECRET } from './helpers/test-app';

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
function signJwt(
  payload: object,
  secret = TEST_JWT_SECRET,
  header: object = { alg: 'HS256', typ: 'JWT' },
): string {
  const unsigned = `${b64(header)}.${b64(payload)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}
const now = () => Math.floor(Date.now() / 1000);

function expectErrorBody(body: any, status: number, path: string) {
  expect(body).toEqual(
    expect.objectContaining({
      status,
      error: expect.any(String),
      message: expect.any(String),
      path,
      timestamp: expect.any(String),
    }),
  );
  expect(JSON.stringify(body)).not.toMatch(/stack|at \w+ \(/);
}

describe('auth (v1 and basic)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  describe('POST /api/v1/auth/register', () => {
    it('registers a user with the documented text body', async () => {
      const username = uniqueName();
      const res = await request(t.url)
        .post('/api/v1/auth/register')
        .send({ username, email: `${username}@example.com`, password: 'securepassword123', roles: ['user'] })
        .expect(201);
      expect(res.text).toBe('User registered successfully!');
      expect(res.headers['content-type']).toMatch(/text\/plain/);
    });

    it('refuses a duplicate username case-insensitively, and a duplicate email', async () => {
      const u = await createUser(t);
      const dupName = await request(t.url)
        .post('/api/v1/auth/register')
        .send({ username: u.username.toUpperCase(), email: `other_${u.email}`, password: 'password-123' })
        .expect(400);
      expect(dupName.body.message).toBe('Username is already taken!');
      expectErrorBody(dupName.body, 400, '/api/v1/auth/register');
      const dupEmail = await request(t.url)
        .post('/api/v1/auth/register')
        .send({ username: uniqueName(), email: u.email.toUpperCase(), password: 'password-123' })
        .expect(400);
      expect(dupEmail.body.message).toBe('Email is already in use!');
    });

    it.each([
      [{ username: 'ab', email: 'x@example.com', password: 'password-123' }, 'username'],
      [{ username: 'bad name!', email: 'x@example.com', password: 'password-123' }, 'username'],
      [{ username: 'a'.repeat(33), email: 'x@example.com', password: 'password-123' }, 'username'],
      [{ username: 'okname', email: 'not-an-email', password: 'password-123' }, 'email'],
      [{ username: 'okname', email: 'x@example.com', password: 'short' }, 'password'],
      [{ username: 'okname', email: 'x@example.com', password: 'p'.repeat(129) }, 'password'],
      [{ username: 123, email: 'x@example.com', password: 'password-123' }, 'username'],
      [{ username: 'okname', email: 'x@example.com', password: 'password-123', roles: 'admin' }, 'roles'],
      [{ username: 'okname', email: 'x@example.com', password: 'password-123', isAdmin: true }, 'isAdmin'],
    ])('rejects invalid input %j with a field error', async (body, field) => {
      const res = await request(t.url).post('/api/v1/auth/register').send(body).expect(400);
      expectErrorBody(res.body, 400, '/api/v1/auth/register');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('refuses an unknown role with 400', async () => {
      const res = await request(t.url)
        .post('/api/v1/auth/register')
        .send({
          username: uniqueName(),
          email: `${uniqueName()}@example.com`,
          password: 'password-123',
          roles: ['superuser'],
        })
        .expect(400);
      expect(res.body.message).toMatch(/Unknown role/);
    });

    it('refuses a self-granted admin role (403) for anonymous and for a plain user', async () => {
      const username = uniqueName();
      const body = { username, email: `${username}@example.com`, password: 'password-123', roles: ['admin'] };
      await request(t.url).post('/api/v1/auth/register').send(body).expect(403);
      const user = await createUser(t);
      await request(t.url).post('/api/v1/auth/register').set(bearer(user)).send(body).expect(403);
      await request(t.url)
        .post('/api/v1/auth/login')
        .send({ usernameOrEmail: username, password: 'password-123' })
        .expect(401);
    });

    it('lets an admin register another admin', async () => {
      const admin = await adminUser(t);
      const username = uniqueName();
      await request(t.url)
        .post('/api/v1/auth/register')
        .set(bearer(admin))
        .send({ username, email: `${username}@example.com`, password: 'password-123', roles: ['admin'] })
        .expect(201);
      const res = await request(t.url)
        .post('/api/v1/auth/login')
        .send({ usernameOrEmail: username, password: 'password-123' })
        .expect(200);
      expect(res.body.roles).toEqual(['ROLE_ADMIN', 'ROLE_USER']);
    });

    it('answers malformed JSON, a wrong content type and an oversized body with 4xx error bodies', async () => {
      const malformed = await request(t.url)
        .post('/api/v1/auth/register')
        .set('content-type', 'application/json')
        .send('{"username":')
        .expect(400);
      expectErrorBody(malformed.body, 400, '/api/v1/auth/register');
      const wrongType = await request(t.url)
        .post('/api/v1/auth/register')
        .set('content-type', 'application/xml')
        .send('<a/>');
      expect(wrongType.status).toBe(415);
      expectErrorBody(wrongType.body, 415, '/api/v1/auth/register');
      const huge = await request(t.url)
        .post('/api/v1/auth/register')
        .set('content-type', 'application/json')
        .send(JSON.stringify({ username: 'x'.repeat(400_000) }));
      expect(huge.status).toBe(413);
      expectErrorBody(huge.body, 413, '/api/v1/auth/register');
      const array = await request(t.url).post('/api/v1/auth/register').send([1, 2]).expect(400);
      expectErrorBody(array.body, 400, '/api/v1/auth/register');
      const proto = await request(t.url)
        .post('/api/v1/auth/register')
        .set('content-type', 'application/json')
        .send(
          '{"username":"protouser","email":"p@example.com","password":"password-123","__proto__":{"isAdmin":true}}',
        )
        .expect(400);
      expectErrorBody(proto.body, 400, '/api/v1/auth/register');
    });
  });

  describe('POST /api/v1/auth/login', () => {
    it('returns the documented body by username and by email, and sets lastLogin', async () => {
      const u = await createUser(t);
      for (const id of [u.username, u.email.toUpperCase()]) {
        const res = await request(t.url)
          .post('/api/v1/auth/login')
          .send({ usernameOrEmail: id, password: u.password })
          .expect(200);
        expect(res.body).toEqual({
          token: expect.any(String),
          type: 'Bearer',
          id: u.id,
          username: u.username,
          email: u.email,
          roles: ['ROLE_USER'],
        });
      }
      const me = await request(t.url).get(`/api/v1/users/${u.id}`).set(bearer(u)).expect(200);
      expect(new Date(me.body.lastLogin).getTime()).toBeGreaterThan(0);
    });

    it('answers the same 401 "Bad credentials" for an unknown user and a wrong password', async () => {
      const u = await createUser(t);
      const wrong = await request(t.url)
        .post('/api/v1/auth/login')
        .send({ usernameOrEmail: u.username, password: 'wrong-password' })
        .expect(401);
      const unknown = await request(t.url)
        .post('/api/v1/auth/login')
        .send({ usernameOrEmail: 'nobody_here', password: 'wrong-password' })
        .expect(401);
      expect(wrong.body.message).toBe('Bad credentials');
      expect(unknown.body.message).toBe('Bad credentials');
      expectErrorBody(wrong.body, 401, '/api/v1/auth/login');
    });

    it('refuses a login body with missing fields (400)', async () => {
      await request(t.url).post('/api/v1/auth/login').send({ usernameOrEmail: 'x' }).expect(400);
    });
  });

  describe('basic /api/users/register and /api/users/login', () => {
    it('registers with username + password only and logs in with the v1 body', async () => {
      const username = uniqueName();
      const reg = await request(t.url)
        .post('/api/users/register')
        .send({ username, password: 'password-123' })
        .expect(201);
      expect(reg.body).toEqual(
        expect.objectContaining({ id: expect.any(Number), username, email: null, roles: ['ROLE_USER'] }),
      );
      expect(reg.body).not.toHaveProperty('passwordHash');
      const res = await request(t.url)
        .post('/api/users/login')
        .send({ username, password: 'password-123' })
        .expect(200);
      expect(res.body).toEqual({
        token: expect.any(String),
        type: 'Bearer',
        id: reg.body.id,
        username,
        email: null,
        roles: ['ROLE_USER'],
      });
    });

    it('refuses missing parameters (400), duplicates (400) and bad credentials (401)', async () => {
      await request(t.url).post('/api/users/register').send({ username: uniqueName() }).expect(400);
      const u = await createUser(t);
      const dup = await request(t.url)
        .post('/api/users/register')
        .send({ username: u.username, password: 'password-123' })
        .expect(400);
      expect(dup.body.message).toBe('Username is already taken!');
      await request(t.url)
        .post('/api/users/login')
        .send({ username: u.username, password: 'nope-nope' })
        .expect(401);
      await request(t.url)
        .post('/api/users/register')
        .send({ username: uniqueName(), password: 'password-123', roles: ['admin'] })
        .expect(400);
    });
  });

  describe('tokens', () => {
    it('rejects missing, malformed, tampered, wrong-key, alg:none and expired tokens with 401', async () => {
      const u = await createUser(t);
      const path = `/api/v1/users/${u.id}`;
      await request(t.url).get(path).expect(401);
      await request(t.url).get(path).set('Authorization', 'Bearer not-a-jwt').expect(401);
      await request(t.url).get(path).set('Authorization', `Basic ${u.token}`).expect(401);
      const [h, p, s] = u.token.split('.');
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
      const tampered = `${h}.${b64({ ...claims, sub: '1' })}.${s}`;
      await request(t.url).get(path).set('Authorization', `Bearer ${tampered}`).expect(401);
      await request(t.url)
        .get(path)
        .set('Authorization', `Bearer ${signJwt({ ...claims }, 'some-other-secret-0123456789')}`)
        .expect(401);
      const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
      await request(t.url).get(path).set('Authorization', `Bearer ${none}`).expect(401);
      const expired = await request(t.url)
        .get(path)
        .set('Authorization', `Bearer ${signJwt({ ...claims, exp: now() - 10 })}`)
        .expect(401);
      expect(expired.body.message).toBe('Token expired');
      // The same claims correctly signed are accepted: the refusals above are about the token, not the user.
      await request(t.url)
        .get(path)
        .set('Authorization', `Bearer ${signJwt(claims)}`)
        .expect(200);
    });

    it('rejects a token whose user was deleted, at once', async () => {
      const u = await createUser(t);
      const admin = await adminUser(t);
      await request(t.url).get(`/api/v1/users/${u.id}`).set(bearer(u)).expect(200);
      await request(t.url).delete(`/api/v1/users/${u.id}`).set(bearer(admin)).expect(204);
      await request(t.url).get(`/api/v1/users/${u.id}`).set(bearer(u)).expect(401);
    });

    it('keeps public routes public with a bad token', async () => {
      await request(t.url)
        .post('/api/v1/auth/login')
        .set('Authorization', 'Bearer garbage')
        .send({ usernameOrEmail: ADMIN.username, password: ADMIN.password })
        .expect(200);
    });
  });
});

describe('login rate limiting', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ LOGIN_MAX_FAILURES: '3', LOGIN_WINDOW_SECONDS: '600' });
  });
  afterAll(() => t.close());

  it('answers 429 with Retry-After after repeated failures, for that username only, and never throttles successes', async () => {
    const victim = await createUser(t);
    const other = await createUser(t);
    for (let i = 0; i < 5; i++) {
      await request(t.url)
        .post('/api/v1/auth/login')
        .send({ usernameOrEmail: other.username, password: other.password })
        .expect(200);
    }
    for (let i = 0; i < 3; i++) {
      await request(t.url)
        .post('/api/v1/auth/login')
        .send({ usernameOrEmail: victim.username, password: 'wrong-password' })
        .expect(401);
    }
    const limited = await request(t.url)
      .post('/api/v1/auth/login')
      .send({ usernameOrEmail: victim.username, password: victim.password })
      .expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.body.status).toBe(429);
    await request(t.url)
      .post('/api/v1/auth/login')
      .send({ usernameOrEmail: other.username, password: other.password })
      .expect(200);
  });
});
