import request from 'supertest';
import { adminUser, bearer, createUser, login, TestUser, uniqueName } from './factories/users';
import { startTestApp, TestApp } from './helpers/test-app';

describe('users (v1 and basic)', () => {
  let t: TestApp;
  let admin: TestUser;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await adminUser(t);
  });
  afterAll(() => t.close());

  describe('GET /api/v1/users/{id} and /api/users/:id', () => {
    it.each(['/api/v1/users', '/api/users'])(
      '%s: self reads itself with the documented fields',
      async (base) => {
        const u = await createUser(t);
        const res = await request(t.url).get(`${base}/${u.id}`).set(bearer(u)).expect(200);
        expect(res.body).toEqual({
          id: u.id,
          username: u.username,
          email: u.email,
          createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          lastLogin: expect.any(String),
          roles: ['ROLE_USER'],
        });
      },
    );

    it.each(['/api/v1/users', '/api/users'])(
      '%s: another user is 403, even for an id that does not exist',
      async (base) => {
        const [a, b] = [await createUser(t), await createUser(t)];
        const res = await request(t.url).get(`${base}/${b.id}`).set(bearer(a)).expect(403);
        expect(res.body.status).toBe(403);
        await request(t.url).get(`${base}/999999`).set(bearer(a)).expect(403);
      },
    );

    it.each(['/api/v1/users', '/api/users'])(
      '%s: admin reads anyone; unknown id is 404; bad id is 400; no token 401',
      async (base) => {
        const u = await createUser(t);
        await request(t.url).get(`${base}/${u.id}`).set(bearer(admin)).expect(200);
        await request(t.url).get(`${base}/999999`).set(bearer(admin)).expect(404);
        for (const bad of ['abc', '0', '-1', '1.5', '99999999999']) {
          await request(t.url).get(`${base}/${bad}`).set(bearer(admin)).expect(400);
        }
        await request(t.url).get(`${base}/${u.id}`).expect(401);
      },
    );
  });

  describe('GET /api/v1/users/username/{username}', () => {
    it('self (any case) and admin read it; others 403; unknown 404 for admin', async () => {
      const [a, b] = [await createUser(t), await createUser(t)];
      const self = await request(t.url)
        .get(`/api/v1/users/username/${a.username.toUpperCase()}`)
        .set(bearer(a))
        .expect(200);
      expect(self.body.id).toBe(a.id);
      await request(t.url).get(`/api/v1/users/username/${b.username}`).set(bearer(admin)).expect(200);
      await request(t.url).get(`/api/v1/users/username/${b.username}`).set(bearer(a)).expect(403);
      await request(t.url).get('/api/v1/users/username/nobody_at_all').set(bearer(admin)).expect(404);
      await request(t.url).get('/api/v1/users/username/nobody_at_all').set(bearer(a)).expect(403);
    });
  });

  describe('GET /api/v1/users', () => {
    it('lists everyone for an admin, never with password hashes, and is 403 for a user', async () => {
      const u = await createUser(t);
      const res = await request(t.url).get('/api/v1/users').set(bearer(admin)).expect(200);
      expect(res.body.map((x: { id: number }) => x.id)).toEqual(expect.arrayContaining([admin.id, u.id]));
      expect(JSON.stringify(res.body)).not.toMatch(/password|argon/i);
      expect(res.body.find((x: { id: number }) => x.id === admin.id).roles).toEqual([
        'ROLE_ADMIN',
        'ROLE_USER',
      ]);
      await request(t.url).get('/api/v1/users').set(bearer(u)).expect(403);
    });
  });

  describe('PUT /api/v1/users/{id}', () => {
    it('updates own username and email; the new name logs in', async () => {
      const u = await createUser(t);
      const username = uniqueName('renamed');
      const res = await request(t.url)
        .put(`/api/v1/users/${u.id}`)
        .set(bearer(u))
        .send({ username, email: `${username}@example.com` })
        .expect(200);
      expect(res.body).toEqual(
        expect.objectContaining({ id: u.id, username, email: `${username}@example.com` }),
      );
      await login(t, username, u.password);
    });

    it('refuses another user (403), roles in the body (400), clashes (400), bad values (400); admin may update anyone; unknown 404', async () => {
      const [a, b] = [await createUser(t), await createUser(t)];
      await request(t.url)
        .put(`/api/v1/users/${b.id}`)
        .set(bearer(a))
        .send({ username: uniqueName() })
        .expect(403);
      await request(t.url)
        .put(`/api/v1/users/${a.id}`)
        .set(bearer(a))
        .send({ roles: ['ROLE_ADMIN'] })
        .expect(400);
      const clash = await request(t.url)
        .put(`/api/v1/users/${a.id}`)
        .set(bearer(a))
        .send({ username: b.username.toUpperCase() })
        .expect(400);
      expect(clash.body.message).toBe('Username is already taken!');
      const emailClash = await request(t.url)
        .put(`/api/v1/users/${a.id}`)
        .set(bearer(a))
        .send({ email: b.email })
        .expect(400);
      expect(emailClash.body.message).toBe('Email is already in use!');
      await request(t.url).put(`/api/v1/users/${a.id}`).set(bearer(a)).send({ email: 'nope' }).expect(400);
      await request(t.url).put(`/api/v1/users/${a.id}`).set(bearer(a)).send({ username: 'x' }).expect(400);
      await request(t.url)
        .put(`/api/v1/users/${b.id}`)
        .set(bearer(admin))
        .send({ email: `${uniqueName()}@example.com` })
        .expect(200);
      await request(t.url)
        .put('/api/v1/users/999999')
        .set(bearer(admin))
        .send({ email: `${uniqueName()}@example.com` })
        .expect(404);
      const me = await request(t.url).get(`/api/v1/users/${a.id}`).set(bearer(a)).expect(200);
      expect(me.body.roles).toEqual(['ROLE_USER']);
    });
  });

  describe('PUT /api/users/:id (basic)', () => {
    it('changes username and password for oneself; returns a fresh token; the old token stops working', async () => {
      const u = await createUser(t);
      const username = uniqueName('basic');
      const res = await request(t.url)
        .put(`/api/users/${u.id}`)
        .set(bearer(u))
        .send({ username, password: 'brand-new-pass' })
        .expect(200);
      expect(res.body).toEqual(expect.objectContaining({ id: u.id, username, token: expect.any(String) }));
      await request(t.url).get(`/api/users/${u.id}`).set(bearer(u)).expect(401);
      await request(t.url)
        .get(`/api/users/${u.id}`)
        .set(bearer({ token: res.body.token }))
        .expect(200);
      await login(t, username, 'brand-new-pass');
      await request(t.url).post('/api/users/login').send({ username, password: u.password }).expect(401);
    });

    it('refuses another user (403), bad input (400), unknown user for admin (404)', async () => {
      const [a, b] = [await createUser(t), await createUser(t)];
      await request(t.url)
        .put(`/api/users/${b.id}`)
        .set(bearer(a))
        .send({ password: 'hijacked-pass' })
        .expect(403);
      await request(t.url).put(`/api/users/${a.id}`).set(bearer(a)).send({ password: 'short' }).expect(400);
      await request(t.url)
        .put(`/api/users/${a.id}`)
        .set(bearer(a))
        .send({ email: 'x@example.com' })
        .expect(400);
      await request(t.url)
        .put('/api/users/999999')
        .set(bearer(admin))
        .send({ username: uniqueName() })
        .expect(404);
      await login(t, b.username, b.password);
    });
  });

  describe('PUT /api/v1/users/{id}/password', () => {
    it('needs the current password for oneself; an admin may reset without it', async () => {
      const u = await createUser(t);
      await request(t.url)
        .put(`/api/v1/users/${u.id}/password`)
        .set(bearer(u))
        .send({ newPassword: 'another-pass-1' })
        .expect(400);
      await request(t.url)
        .put(`/api/v1/users/${u.id}/password`)
        .set(bearer(u))
        .send({ currentPassword: 'wrong-current', newPassword: 'another-pass-1' })
        .expect(400);
      const ok = await request(t.url)
        .put(`/api/v1/users/${u.id}/password`)
        .set(bearer(u))
        .send({ currentPassword: u.password, newPassword: 'another-pass-1' })
        .expect(200);
      expect(ok.body.token).toEqual(expect.any(String));
      await login(t, u.username, 'another-pass-1');
      await request(t.url)
        .put(`/api/v1/users/${u.id}/password`)
        .set(bearer(admin))
        .send({ newPassword: 'admin-reset-1' })
        .expect(200);
      await login(t, u.username, 'admin-reset-1');
    });

    it("refuses another user's password (403) and unknown users (404 for admin)", async () => {
      const [a, b] = [await createUser(t), await createUser(t)];
      await request(t.url)
        .put(`/api/v1/users/${b.id}/password`)
        .set(bearer(a))
        .send({ currentPassword: b.password, newPassword: 'stolen-pass-1' })
        .expect(403);
      await request(t.url)
        .put('/api/v1/users/999999/password')
        .set(bearer(admin))
        .send({ newPassword: 'admin-reset-1' })
        .expect(404);
    });
  });

  describe('PUT /api/v1/users/{id}/roles', () => {
    it('lets an admin grant and revoke admin; the change applies to existing tokens at once', async () => {
      const u = await createUser(t);
      await request(t.url).get('/api/v1/users').set(bearer(u)).expect(403);
      const granted = await request(t.url)
        .put(`/api/v1/users/${u.id}/roles`)
        .set(bearer(admin))
        .send({ roles: ['user', 'admin'] })
        .expect(200);
      expect(granted.body.roles).toEqual(['ROLE_ADMIN', 'ROLE_USER']);
      await request(t.url).get('/api/v1/users').set(bearer(u)).expect(200);
      await request(t.url)
        .put(`/api/v1/users/${u.id}/roles`)
        .set(bearer(admin))
        .send({ roles: ['ROLE_USER'] })
        .expect(200);
      await request(t.url).get('/api/v1/users').set(bearer(u)).expect(403);
    });

    it('refuses a user granting itself admin (403), bad roles (400), unknown user (404)', async () => {
      const u = await createUser(t);
      await request(t.url)
        .put(`/api/v1/users/${u.id}/roles`)
        .set(bearer(u))
        .send({ roles: ['admin'] })
        .expect(403);
      await request(t.url)
        .put(`/api/v1/users/${u.id}/roles`)
        .set(bearer(admin))
        .send({ roles: ['god'] })
        .expect(400);
      await request(t.url)
        .put(`/api/v1/users/${u.id}/roles`)
        .set(bearer(admin))
        .send({ roles: [] })
        .expect(400);
      await request(t.url)
        .put('/api/v1/users/999999/roles')
        .set(bearer(admin))
        .send({ roles: ['user'] })
        .expect(404);
    });

    it('never lets the last admin lose the role or be deleted', async () => {
      // This file's app has exactly one admin (the bootstrap one; the test above demoted its temporary admin).
      const res = await request(t.url)
        .put(`/api/v1/users/${admin.id}/roles`)
        .set(bearer(admin))
        .send({ roles: ['user'] })
        .expect(400);
      expect(res.body.message).toMatch(/last administrator/);
      await request(t.url).delete(`/api/v1/users/${admin.id}`).set(bearer(admin)).expect(400);
      await request(t.url).get('/api/v1/users').set(bearer(admin)).expect(200);
    });
  });

  describe('DELETE /api/v1/users/{id} (admin) and /api/users/:id (self or admin)', () => {
    it('v1: admin deletes (204), user refused (403, even itself), unknown 404', async () => {
      const u = await createUser(t);
      await request(t.url).delete(`/api/v1/users/${u.id}`).set(bearer(u)).expect(403);
      await request(t.url).delete(`/api/v1/users/${u.id}`).set(bearer(admin)).expect(204);
      await request(t.url).delete(`/api/v1/users/${u.id}`).set(bearer(admin)).expect(404);
      await request(t.url)
        .post('/api/v1/auth/login')
        .send({ usernameOrEmail: u.username, password: u.password })
        .expect(401);
    });

    it('basic: a user deletes itself (200) but not another (403); admin deletes anyone; unknown 404', async () => {
      const [a, b, c] = [await createUser(t), await createUser(t), await createUser(t)];
      await request(t.url).delete(`/api/users/${b.id}`).set(bearer(a)).expect(403);
      const res = await request(t.url).delete(`/api/users/${a.id}`).set(bearer(a)).expect(200);
      expect(res.body).toEqual({ message: 'User deleted successfully.' });
      await request(t.url).get(`/api/users/${a.id}`).set(bearer(a)).expect(401);
      await request(t.url).delete(`/api/users/${c.id}`).set(bearer(admin)).expect(200);
      await request(t.url).delete('/api/users/999999').set(bearer(admin)).expect(404);
      await request(t.url).get(`/api/users/${b.id}`).set(bearer(b)).expect(200);
    });

    it('the username of a deleted user can be registered again', async () => {
      const u = await createUser(t);
      await request(t.url).delete(`/api/v1/users/${u.id}`).set(bearer(admin)).expect(204);
      const again = await createUser(t, { username: u.username });
      expect(again.id).not.toBe(u.id);
    });
  });

  describe('admin bootstrap', () => {
    it('creates the configured admin once with both roles', async () => {
      const res = await request(t.url).get(`/api/v1/users/${admin.id}`).set(bearer(admin)).expect(200);
      expect(res.body.roles).toEqual(['ROLE_ADMIN', 'ROLE_USER']);
    });
  });
});
