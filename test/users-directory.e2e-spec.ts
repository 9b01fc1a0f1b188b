import request from 'supertest';
import { DIRECTORY_RATE_LIMIT } from '../apps/chat-server/src/users/user-directory.service';
import { adminUser, bearer, createUser, TestUser } from './factories/users';
import { startTestApp, TestApp } from './helpers/test-app';

/** GET /api/v1/users/directory (EXTENSIONS.md §9). */
describe('users directory', () => {
  let t: TestApp;
  let caller: TestUser;
  /** A prefix only this file's users carry, so other users never get in the way. */
  const tag = `dir${process.pid % 10000}${Math.random().toString(36).slice(2, 5)}`;
  const names = ['Alice', 'alan', 'Bob', 'al_x', 'alfred'].map((n) => `${tag}${n}`);
  let users: TestUser[];

  beforeAll(async () => {
    t = await startTestApp();
    caller = await createUser(t);
    users = [];
    for (const username of names) users.push(await createUser(t, { username }));
  });
  afterAll(() => t.close());

  const search = (query: Record<string, string | number>, who: TestUser = caller) =>
    request(t.url).get('/api/v1/users/directory').query(query).set(bearer(who));

  it('finds usernames by prefix, any case, ordered by username, as {id, username, status} only', async () => {
    const res = await search({ q: `${tag}AL`.toUpperCase() }).expect(200);
    const expected = [`${tag}al_x`, `${tag}alan`, `${tag}alfred`, `${tag}Alice`];
    expect(res.body.map((u: { username: string }) => u.username)).toEqual(expected);
    const alice = users[0];
    expect(res.body[3]).toEqual({ id: alice.id, username: alice.username, status: 'offline' });
    for (const item of res.body) expect(Object.keys(item).sort()).toEqual(['id', 'status', 'username']);
  });

  it('treats LIKE wildcards in q as plain characters', async () => {
    const res = await search({ q: `${tag}al_` }).expect(200);
    expect(res.body.map((u: { username: string }) => u.username)).toEqual([`${tag}al_x`]);
    expect((await search({ q: `${tag}%` }).expect(200)).body).toEqual([]);
  });

  it('pages with size and after (the last username seen)', async () => {
    const first = await search({ q: tag, size: 2 }).expect(200);
    expect(first.body.map((u: { username: string }) => u.username)).toEqual([`${tag}al_x`, `${tag}alan`]);
    const next = await search({ q: tag, size: 2, after: first.body[1].username }).expect(200);
    expect(next.body.map((u: { username: string }) => u.username)).toEqual([`${tag}alfred`, `${tag}Alice`]);
    const last = await search({ q: tag, size: 2, after: next.body[1].username }).expect(200);
    expect(last.body.map((u: { username: string }) => u.username)).toEqual([`${tag}Bob`]);
  });

  it('an empty q lists everyone, 20 by default and at most 50', async () => {
    for (let i = 0; i < 16; i++) await createUser(t);
    expect((await search({}).expect(200)).body).toHaveLength(20);
    expect((await search({ q: '', size: 50 }).expect(200)).body.length).toBeGreaterThan(20);
  });

  it('shows the status a user chose', async () => {
    const bob = users[2];
    await request(t.url)
      .put('/api/v1/status')
      .set(bearer(bob))
      .send({ userId: bob.id, status: 'playing' })
      .expect(200);
    const res = await search({ q: bob.username }).expect(200);
    expect(res.body).toEqual([{ id: bob.id, username: bob.username, status: 'playing' }]);
  });

  it('never lists a deleted user', async () => {
    const gone = await createUser(t, { username: `${tag}zgone` });
    expect((await search({ q: gone.username }).expect(200)).body).toHaveLength(1);
    await request(t.url)
      .delete(`/api/v1/users/${gone.id}`)
      .set(bearer(await adminUser(t)))
      .expect(204);
    expect((await search({ q: gone.username }).expect(200)).body).toEqual([]);
  });

  it('refuses a bad size, a long q, unknown parameters (400) and no token (401)', async () => {
    for (const size of ['0', '51', 'abc', '1.5']) await search({ size }).expect(400);
    await search({ q: 'x'.repeat(33) }).expect(400);
    await search({ after: 'x'.repeat(33) }).expect(400);
    await search({ role: 'admin' }).expect(400);
    await request(t.url).get('/api/v1/users/directory').expect(401);
  });

  it(`answers 429 with Retry-After after ${DIRECTORY_RATE_LIMIT.requests} searches a window, per user`, async () => {
    const busy = await createUser(t);
    for (let i = 0; i < DIRECTORY_RATE_LIMIT.requests; i++) await search({ q: 'a' }, busy).expect(200);
    const refused = await search({ q: 'a' }, busy).expect(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.body.status).toBe(429);
    await search({ q: 'a' }, await createUser(t)).expect(200);
  });
});
