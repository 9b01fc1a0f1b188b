import request from 'supertest';
import { LIST_DEFAULT_SIZE, LIST_MAX_SIZE } from '../apps/chat-server/src/common/pagination/list-page';
import { adminUser, bearer, createUser, TestUser, uniqueName } from './factories/users';
import { createRoom } from './factories/rooms';
import { expectError } from './helpers/expect-error';
import { startTestApp, TestApp } from './helpers/test-app';

/** Paged lists, room-name hygiene and who holds power over a room (docs/API-DECISIONS.md). */
describe('rooms: paged lists, names, creator powers', () => {
  let t: TestApp;
  let admin: TestUser;
  const api = () => request(t.url);

  beforeAll(async () => {
    t = await startTestApp();
    admin = await adminUser(t);
  });
  afterAll(() => t.close());

  const ids = (body: Array<{ id: number }>) => body.map((r) => r.id);

  it('GET /api/v1/rooms is bounded without parameters and pages with page/size; Link and X-Has-More tell', async () => {
    const u = await createUser(t);
    for (let i = 0; i <= LIST_DEFAULT_SIZE; i++)
      await api()
        .post('/api/v1/rooms')
        .set(bearer(u))
        .send({ name: uniqueName('p'), type: 'PUBLIC' })
        .expect(201);
    const first = await api().get('/api/v1/rooms').set(bearer(u)).expect(200);
    expect(first.body).toHaveLength(LIST_DEFAULT_SIZE);
    expect(first.headers['x-has-more']).toBe('true');
    expect(first.headers.link).toBe(`</api/v1/rooms?page=1&size=${LIST_DEFAULT_SIZE}>; rel="next"`);
    const all = await api().get(`/api/v1/rooms?size=${LIST_MAX_SIZE}`).set(bearer(u)).expect(200);
    expect(all.headers['x-has-more']).toBe('false');
    expect(all.headers.link).toBeUndefined();
    const second = await api()
      .get(first.headers.link.slice(1, first.headers.link.indexOf('>')))
      .set(bearer(u));
    expect(second.status).toBe(200);
    expect(ids([...first.body, ...second.body])).toEqual(ids(all.body));
    expect(ids(all.body)).toEqual([...ids(all.body)].sort((a, b) => a - b));
    // the documented shape: a plain array of rooms
    expect(Object.keys(first.body[0]).sort()).toEqual([
      'createdAt',
      'creator',
      'id',
      'memberCount',
      'name',
      'type',
    ]);
  });

  it("a user's rooms, groups and channels page the same way", async () => {
    const u = await createUser(t);
    const groups = [];
    for (let i = 0; i < 3; i++)
      groups.push(
        (
          await api()
            .post('/api/groups')
            .set(bearer(u))
            .send({ name: uniqueName('g') })
            .expect(201)
        ).body.id,
      );
    const channel = (
      await api()
        .post('/api/channels')
        .set(bearer(u))
        .send({ name: uniqueName('c') })
        .expect(201)
    ).body.id;
    const page0 = await api().get('/api/groups?size=2').set(bearer(u)).expect(200);
    expect(ids(page0.body)).toEqual(groups.slice(0, 2));
    expect(page0.headers.link).toBe('</api/groups?size=2&page=1>; rel="next"');
    const page1 = await api().get('/api/groups?size=2&page=1').set(bearer(u)).expect(200);
    expect(ids(page1.body)).toEqual([groups[2]]);
    expect(page1.headers['x-has-more']).toBe('false');
    expect(ids((await api().get('/api/channels').set(bearer(u)).expect(200)).body)).toEqual([channel]);
    const mine = await api().get(`/api/v1/rooms/user/${u.id}?page=1&size=3`).set(bearer(u)).expect(200);
    expect(ids(mine.body)).toEqual([channel]);
    expect(
      ids((await api().get(`/api/v1/rooms/user/${u.id}?size=1`).set(bearer(admin)).expect(200)).body),
    ).toEqual([groups[0]]);
    expectError(
      await api()
        .get(`/api/v1/rooms/user/${u.id}?size=1`)
        .set(bearer(await createUser(t))),
      403,
    );
  });

  it('the admin user list pages; others are refused', async () => {
    const first = await api().get('/api/v1/users?size=1').set(bearer(admin)).expect(200);
    expect(first.body).toHaveLength(1);
    expect(first.headers['x-has-more']).toBe('true');
    const second = await api().get('/api/v1/users?size=1&page=1').set(bearer(admin)).expect(200);
    expect(second.body[0].id).toBeGreaterThan(first.body[0].id);
    expectError(
      await api()
        .get('/api/v1/users?size=1')
        .set(bearer(await createUser(t))),
      403,
    );
    expectError(await api().get('/api/v1/users?size=1'), 401);
  });

  it.each(['/api/v1/rooms', '/api/v1/rooms/user/ME', '/api/groups', '/api/channels', '/api/v1/users'])(
    '%s refuses bad paging and unknown parameters with 400',
    async (path) => {
      const url = path.replace('ME', String(admin.id));
      for (const query of [
        'size=0',
        `size=${LIST_MAX_SIZE + 1}`,
        'page=-1',
        'page=abc',
        'size=1.5',
        'sort=name',
        'page=1&page=2',
      ])
        expectError(await api().get(`${url}?${query}`).set(bearer(admin)), 400);
    },
  );

  it('room names refuse invisible and direction-changing characters, on create and rename, on both surfaces', async () => {
    const u = await createUser(t);
    for (const bad of [
      '\u202Egnp.exe',
      'gen\u200Beral',
      'a\u2066b\u2069',
      'line\nbreak',
      'bo\uFEFFm',
      'x\u00ADy',
    ]) {
      expectError(
        await api().post('/api/v1/rooms').set(bearer(u)).send({ name: bad, type: 'PUBLIC' }),
        400,
        /invisible or direction-changing/,
      );
      expectError(await api().post('/api/groups').set(bearer(u)).send({ name: bad }), 400, /invisible/);
    }
    const room = await createRoom(t, u, { name: `${uniqueName('ok')} 👩‍💻 équipe` });
    expectError(await api().put(`/api/v1/rooms/${room.id}`).set(bearer(u)).send({ name: 'a\u202Eb' }), 400);
  });

  it("in a direct message, whoever opened it first has no power over the other's messages or the room", async () => {
    const [opener, other] = [await createUser(t), await createUser(t)];
    const dm = (await api().post(`/api/v1/rooms/direct/${other.id}`).set(bearer(opener)).expect(201)).body;
    expect(dm.creator.id).toBe(opener.id);
    const post = async () =>
      (
        await api()
          .post(`/api/v1/messages/room/${dm.id}`)
          .set(bearer(other))
          .send({ content: 'mine' })
          .expect(201)
      ).body.id as number;
    const [m1, m2, m3] = [await post(), await post(), await post()];
    expectError(await api().delete(`/api/v1/messages/${m1}`).set(bearer(opener)), 403);
    expectError(await api().delete(`/api/messages/${m1}`).set(bearer(opener)), 403);
    expectError(
      await api().put(`/api/v1/rooms/${dm.id}`).set(bearer(opener)).send({ name: 'mine now' }),
      403,
    );
    expectError(await api().delete(`/api/v1/rooms/${dm.id}`).set(bearer(opener)), 403);
    await api().delete(`/api/v1/messages/${m1}`).set(bearer(other)).expect(204);
    await api().delete(`/api/messages/${m2}`).set(bearer(admin)).expect(200);
    expect(
      ids((await api().get(`/api/v1/messages/room/${dm.id}`).set(bearer(other)).expect(200)).body),
    ).toEqual([m3]);
  });

  it('a creator who left its private room has given up its powers: it cannot add itself (or anyone) back', async () => {
    const [creator, member, outsider] = [await createUser(t), await createUser(t), await createUser(t)];
    const room = await createRoom(t, creator, { type: 'PRIVATE', members: [member] });
    const msg = (
      await api()
        .post(`/api/v1/messages/room/${room.id}`)
        .set(bearer(member))
        .send({ content: 'x' })
        .expect(201)
    ).body.id;
    await api().delete(`/api/v1/rooms/${room.id}/members/${creator.id}`).set(bearer(creator)).expect(200);
    expectError(await api().post(`/api/v1/rooms/${room.id}/members/${creator.id}`).set(bearer(creator)), 403);
    expectError(
      await api().put(`/api/groups/${room.id}/members`).set(bearer(creator)).send({ memberId: creator.id }),
      403,
    );
    expectError(
      await api().post(`/api/v1/rooms/${room.id}/members/${outsider.id}`).set(bearer(creator)),
      403,
    );
    expectError(
      await api().delete(`/api/v1/rooms/${room.id}/members/${member.id}`).set(bearer(creator)),
      403,
    );
    expectError(await api().delete(`/api/v1/messages/${msg}`).set(bearer(creator)), 403);
    expectError(
      await api()
        .put(`/api/v1/rooms/${room.id}`)
        .set(bearer(creator))
        .send({ name: uniqueName('x') }),
      403,
    );
    // An admin brings it back, and its powers with it.
    await api().post(`/api/v1/rooms/${room.id}/members/${creator.id}`).set(bearer(admin)).expect(200);
    await api().post(`/api/v1/rooms/${room.id}/members/${outsider.id}`).set(bearer(creator)).expect(200);
  });
});

describe('USER_EMAIL_VISIBILITY=admins', () => {
  let t: TestApp;
  let admin: TestUser;
  const api = () => request(t.url);

  beforeAll(async () => {
    t = await startTestApp({ USER_EMAIL_VISIBILITY: 'admins' });
    admin = await adminUser(t);
  });
  afterAll(() => t.close());

  it("members lists show other users' e-mails and roles to admins only; a user always sees its own", async () => {
    const [alice, bob] = [await createUser(t), await createUser(t)];
    const room = await createRoom(t, alice, { type: 'PUBLIC', members: [bob] });
    const seenBy = async (who: TestUser) =>
      (await api().get(`/api/v1/rooms/${room.id}/members`).set(bearer(who)).expect(200)).body;
    expect(await seenBy(alice)).toEqual([
      { id: alice.id, username: alice.username, email: alice.email, roles: ['ROLE_USER'] },
      { id: bob.id, username: bob.username, email: null, roles: [] },
    ]);
    expect((await seenBy(admin))[1]).toEqual({
      id: bob.id,
      username: bob.username,
      email: bob.email,
      roles: ['ROLE_USER'],
    });
    // The caller's own account and the admin's user list are unchanged.
    expect((await api().get(`/api/v1/users/${alice.id}`).set(bearer(alice)).expect(200)).body.email).toBe(
      alice.email,
    );
    expect((await api().get(`/api/v1/users/${bob.id}`).set(bearer(admin)).expect(200)).body.email).toBe(
      bob.email,
    );
  });

  it('message views carry no sender e-mail, in the send answer and in history', async () => {
    const [alice, bob] = [await createUser(t), await createUser(t)];
    const room = await createRoom(t, alice, { members: [bob] });
    const sent = await api()
      .post(`/api/v1/messages/room/${room.id}`)
      .set(bearer(alice))
      .send({ content: 'hi' })
      .expect(201);
    expect(sent.body.sender).toEqual({ id: alice.id, username: alice.username, email: null });
    const history = await api().get(`/api/v1/messages/room/${room.id}`).set(bearer(bob)).expect(200);
    expect(history.body[0].sender).toEqual({ id: alice.id, username: alice.username, email: null });
  });
});
