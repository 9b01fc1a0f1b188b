import request from 'supertest';
import { createRoom } from './factories/rooms';
import { adminUser, bearer, createUser, TestUser, uniqueName } from './factories/users';
import { expectError } from './helpers/expect-error';
import { startTestApp, TestApp } from './helpers/test-app';

async function addMembers(t: TestApp, caller: TestUser, roomId: number, ...users: TestUser[]) {
  for (const u of users)
    await request(t.url).post(`/api/v1/rooms/${roomId}/members/${u.id}`).set(bearer(caller)).expect(200);
}

describe('v1 rooms', () => {
  let t: TestApp;
  let admin: TestUser;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await adminUser(t);
    [alice, bob, carol] = await Promise.all([createUser(t), createUser(t), createUser(t)]);
  });
  afterAll(() => t.close());

  const api = () => request(t.url);

  describe('POST /api/v1/rooms', () => {
    it('creates a room with the documented body; the creator is its one member', async () => {
      const name = uniqueName('Public Room ');
      const res = await api()
        .post('/api/v1/rooms')
        .set(bearer(alice))
        .send({ name: `  ${name}  `, type: 'PUBLIC' })
        .expect(201);
      expect(res.body).toEqual({
        id: expect.any(Number),
        name,
        type: 'PUBLIC',
        creator: { id: alice.id, username: alice.username },
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        memberCount: 1,
      });
      const got = await api().get(`/api/v1/rooms/${res.body.id}`).set(bearer(bob)).expect(200);
      expect(got.body).toEqual(res.body);
      const members = await api().get(`/api/v1/rooms/${res.body.id}/members`).set(bearer(bob)).expect(200);
      expect(members.body).toEqual([
        { id: alice.id, username: alice.username, email: alice.email, roles: ['ROLE_USER'] },
      ]);
    });

    it('refuses a name clash case-insensitively, across PUBLIC and PRIVATE (400)', async () => {
      const room = await createRoom(t, alice, { type: 'PUBLIC' });
      const clash = await api()
        .post('/api/v1/rooms')
        .set(bearer(bob))
        .send({ name: room.name.toUpperCase(), type: 'PRIVATE' });
      expectError(clash, 400, /already exists/);
    });

    it.each([
      [{ name: '', type: 'PUBLIC' }, 'name'],
      [{ name: '   ', type: 'PUBLIC' }, 'name'],
      [{ name: 'x'.repeat(101), type: 'PUBLIC' }, 'name'],
      [{ name: 42, type: 'PUBLIC' }, 'name'],
      [{ name: 'ok', type: 'SECRET' }, 'type'],
      [{ name: 'ok', type: 'PUBLIC', owner: 1 }, 'owner'],
      [{ type: 'DIRECT_MESSAGE', memberId: 'abc' }, 'memberId'],
    ])('refuses invalid input %j (400 with a field error)', async (body, field) => {
      const res = await api().post('/api/v1/rooms').set(bearer(alice)).send(body);
      expectError(res, 400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('refuses a PUBLIC room without a name, and memberId on a non-DM room (400)', async () => {
      expectError(
        await api().post('/api/v1/rooms').set(bearer(alice)).send({ type: 'PUBLIC' }),
        400,
        /name is required/,
      );
      expectError(
        await api()
          .post('/api/v1/rooms')
          .set(bearer(alice))
          .send({ name: uniqueName(), type: 'PRIVATE', memberId: bob.id }),
        400,
        /memberId/,
      );
    });

    it('needs a token (401)', async () => {
      expectError(await api().post('/api/v1/rooms').send({ name: 'x', type: 'PUBLIC' }), 401);
      expectError(await api().get('/api/v1/rooms'), 401);
    });
  });

  describe('visibility', () => {
    it('hides a PRIVATE room from strangers (403 on read and members, absent from lists); members and admins see it', async () => {
      const priv = await createRoom(t, alice, { type: 'PRIVATE' });
      const pub = await createRoom(t, alice, { type: 'PUBLIC' });
      await addMembers(t, alice, priv.id, bob);
      expectError(await api().get(`/api/v1/rooms/${priv.id}`).set(bearer(carol)), 403);
      expectError(await api().get(`/api/v1/rooms/${priv.id}/members`).set(bearer(carol)), 403);
      const carolList = await api().get('/api/v1/rooms').set(bearer(carol)).expect(200);
      const carolIds = carolList.body.map((r: { id: number }) => r.id);
      expect(carolIds).toContain(pub.id);
      expect(carolIds).not.toContain(priv.id);
      const bobRoom = await api().get(`/api/v1/rooms/${priv.id}`).set(bearer(bob)).expect(200);
      expect(bobRoom.body.memberCount).toBe(2);
      expect(
        (await api().get('/api/v1/rooms').set(bearer(bob)).expect(200)).body.map((r: { id: number }) => r.id),
      ).toContain(priv.id);
      await api().get(`/api/v1/rooms/${priv.id}`).set(bearer(admin)).expect(200);
      const adminList = await api().get('/api/v1/rooms').set(bearer(admin)).expect(200);
      expect(adminList.body.map((r: { id: number }) => r.id)).toEqual(
        expect.arrayContaining([priv.id, pub.id]),
      );
    });

    it('answers 404 for an unknown room and 400 for a malformed id', async () => {
      expectError(await api().get('/api/v1/rooms/999999').set(bearer(alice)), 404);
      expectError(await api().get('/api/v1/rooms/999999/members').set(bearer(alice)), 404);
      for (const bad of ['abc', '0', '-1', '1.5', '99999999999']) {
        expectError(await api().get(`/api/v1/rooms/${bad}`).set(bearer(alice)), 400);
      }
      expectError(await api().post('/api/v1/rooms/abc/members/1').set(bearer(alice)), 400);
      expectError(await api().delete(`/api/v1/rooms/1/members/x`).set(bearer(alice)), 400);
    });
  });

  describe('GET /api/v1/rooms/user/{userId}', () => {
    it('lists the rooms a user is in, for itself and admins; 403 for others; 404 unknown (admin)', async () => {
      const dave = await createUser(t);
      const priv = await createRoom(t, alice, { type: 'PRIVATE' });
      await addMembers(t, alice, priv.id, dave);
      const own = await api().get(`/api/v1/rooms/user/${dave.id}`).set(bearer(dave)).expect(200);
      expect(own.body).toEqual([expect.objectContaining({ id: priv.id, type: 'PRIVATE', memberCount: 2 })]);
      const byAdmin = await api().get(`/api/v1/rooms/user/${dave.id}`).set(bearer(admin)).expect(200);
      expect(byAdmin.body).toEqual(own.body);
      expectError(await api().get(`/api/v1/rooms/user/${dave.id}`).set(bearer(carol)), 403);
      expectError(await api().get('/api/v1/rooms/user/999999').set(bearer(carol)), 403);
      expectError(await api().get('/api/v1/rooms/user/999999').set(bearer(admin)), 404);
    });
  });

  describe('PUT /api/v1/rooms/{id}', () => {
    it('lets the creator and admins rename and retype; others 403; clash 400; unknown 404', async () => {
      const room = await createRoom(t, alice, { type: 'PUBLIC' });
      const other = await createRoom(t, bob, { type: 'PUBLIC' });
      const newName = uniqueName('Renamed ');
      const res = await api()
        .put(`/api/v1/rooms/${room.id}`)
        .set(bearer(alice))
        .send({ name: newName, type: 'PRIVATE' })
        .expect(200);
      expect(res.body).toEqual({ ...room, name: newName, type: 'PRIVATE' });
      // Now private: bob is not a member any more able to see it.
      expectError(await api().get(`/api/v1/rooms/${room.id}`).set(bearer(bob)), 403);
      expectError(
        await api().put(`/api/v1/rooms/${room.id}`).set(bearer(bob)).send({ name: uniqueName() }),
        403,
      );
      expectError(
        await api()
          .put(`/api/v1/rooms/${room.id}`)
          .set(bearer(alice))
          .send({ name: other.name.toLowerCase() }),
        400,
        /already exists/,
      );
      expectError(
        await api().put(`/api/v1/rooms/${room.id}`).set(bearer(alice)).send({ type: 'DIRECT_MESSAGE' }),
        400,
      );
      expectError(await api().put(`/api/v1/rooms/${room.id}`).set(bearer(alice)).send({ name: '' }), 400);
      // Same name in another case is the room's own name, not a clash.
      await api()
        .put(`/api/v1/rooms/${room.id}`)
        .set(bearer(alice))
        .send({ name: newName.toUpperCase() })
        .expect(200);
      const byAdmin = await api()
        .put(`/api/v1/rooms/${room.id}`)
        .set(bearer(admin))
        .send({ type: 'PUBLIC' })
        .expect(200);
      expect(byAdmin.body).toEqual(expect.objectContaining({ type: 'PUBLIC', name: newName.toUpperCase() }));
      await api().get(`/api/v1/rooms/${room.id}`).set(bearer(bob)).expect(200);
      expectError(await api().put('/api/v1/rooms/999999').set(bearer(admin)).send({ name: 'x' }), 404);
    });
  });

  describe('DELETE /api/v1/rooms/{id}', () => {
    it('lets the creator delete (204), refuses others (403), and an admin may delete any room', async () => {
      const room = await createRoom(t, alice, { type: 'PUBLIC' });
      await addMembers(t, alice, room.id, bob);
      expectError(await api().delete(`/api/v1/rooms/${room.id}`).set(bearer(bob)), 403);
      await api().delete(`/api/v1/rooms/${room.id}`).set(bearer(alice)).expect(204);
      expectError(await api().get(`/api/v1/rooms/${room.id}`).set(bearer(alice)), 404);
      const bobRooms = await api().get(`/api/v1/rooms/user/${bob.id}`).set(bearer(bob)).expect(200);
      expect(bobRooms.body.map((r: { id: number }) => r.id)).not.toContain(room.id);
      expectError(await api().delete(`/api/v1/rooms/${room.id}`).set(bearer(alice)), 404);
      const other = await createRoom(t, bob, { type: 'PRIVATE' });
      await api().delete(`/api/v1/rooms/${other.id}`).set(bearer(admin)).expect(204);
    });
  });

  describe('members', () => {
    it('creator adds and removes members with the documented text bodies', async () => {
      const room = await createRoom(t, alice, { type: 'PRIVATE' });
      const add = await api()
        .post(`/api/v1/rooms/${room.id}/members/${bob.id}`)
        .set(bearer(alice))
        .expect(200);
      expect(add.text).toBe('User added to chat room successfully.');
      // Bob sees the room at once (the membership cache was invalidated).
      await api().get(`/api/v1/rooms/${room.id}`).set(bearer(bob)).expect(200);
      expectError(
        await api().post(`/api/v1/rooms/${room.id}/members/${bob.id}`).set(bearer(alice)),
        400,
        /already a member/,
      );
      const members = await api().get(`/api/v1/rooms/${room.id}/members`).set(bearer(bob)).expect(200);
      expect(members.body.map((m: { id: number }) => m.id)).toEqual([alice.id, bob.id]);
      const rm = await api()
        .delete(`/api/v1/rooms/${room.id}/members/${bob.id}`)
        .set(bearer(alice))
        .expect(200);
      expect(rm.text).toBe('User removed from chat room successfully.');
      expectError(await api().get(`/api/v1/rooms/${room.id}`).set(bearer(bob)), 403);
      expectError(
        await api().delete(`/api/v1/rooms/${room.id}/members/${bob.id}`).set(bearer(alice)),
        404,
        /not a member/,
      );
    });

    it('answers 404 for an unknown room or user, 403 for a non-creator adding or removing others', async () => {
      const room = await createRoom(t, alice, { type: 'PUBLIC' });
      expectError(await api().post(`/api/v1/rooms/999999/members/${bob.id}`).set(bearer(alice)), 404);
      expectError(await api().post(`/api/v1/rooms/${room.id}/members/999999`).set(bearer(alice)), 404);
      expectError(await api().post(`/api/v1/rooms/${room.id}/members/${carol.id}`).set(bearer(bob)), 403);
      await addMembers(t, alice, room.id, carol);
      expectError(await api().delete(`/api/v1/rooms/${room.id}/members/${carol.id}`).set(bearer(bob)), 403);
      expectError(await api().delete(`/api/v1/rooms/999999/members/${carol.id}`).set(bearer(alice)), 404);
    });

    it('lets a user join a PUBLIC room and leave any room, but not join a PRIVATE one', async () => {
      const pub = await createRoom(t, alice, { type: 'PUBLIC' });
      const priv = await createRoom(t, alice, { type: 'PRIVATE' });
      const join = await api().post(`/api/v1/rooms/${pub.id}/members/${carol.id}`).set(bearer(carol));
      expect([join.status, join.text]).toEqual([200, 'User added to chat room successfully.']);
      expectError(await api().post(`/api/v1/rooms/${priv.id}/members/${carol.id}`).set(bearer(carol)), 403);
      await addMembers(t, alice, priv.id, carol);
      await api().delete(`/api/v1/rooms/${priv.id}/members/${carol.id}`).set(bearer(carol)).expect(200);
      await api().delete(`/api/v1/rooms/${pub.id}/members/${carol.id}`).set(bearer(carol)).expect(200);
      expect(
        (await api().get(`/api/v1/rooms/user/${carol.id}`).set(bearer(carol))).body.map(
          (r: { id: number }) => r.id,
        ),
      ).not.toEqual(expect.arrayContaining([pub.id]));
      // An admin manages any room.
      await api().post(`/api/v1/rooms/${priv.id}/members/${carol.id}`).set(bearer(admin)).expect(200);
      await api().delete(`/api/v1/rooms/${priv.id}/members/${carol.id}`).set(bearer(admin)).expect(200);
    });
  });

  describe('direct-message rooms', () => {
    it('finds or creates the one DM room of two users (201 then 200, same room from either side)', async () => {
      const [u1, u2, stranger] = await Promise.all([createUser(t), createUser(t), createUser(t)]);
      const first = await api().post(`/api/v1/rooms/direct/${u2.id}`).set(bearer(u1)).expect(201);
      expect(first.body).toEqual(
        expect.objectContaining({
          type: 'DIRECT_MESSAGE',
          memberCount: 2,
          creator: { id: u1.id, username: u1.username },
        }),
      );
      const again = await api().post(`/api/v1/rooms/direct/${u2.id}`).set(bearer(u1)).expect(200);
      const reverse = await api().post(`/api/v1/rooms/direct/${u1.id}`).set(bearer(u2)).expect(200);
      const viaCreate = await api()
        .post('/api/v1/rooms')
        .set(bearer(u2))
        .send({ type: 'DIRECT_MESSAGE', memberId: String(u1.id) })
        .expect(200);
      expect([again.body.id, reverse.body.id, viaCreate.body.id]).toEqual([
        first.body.id,
        first.body.id,
        first.body.id,
      ]);
      // Private to the two.
      expectError(await api().get(`/api/v1/rooms/${first.body.id}`).set(bearer(stranger)), 403);
      expect(
        (await api().get('/api/v1/rooms').set(bearer(stranger))).body.map((r: { id: number }) => r.id),
      ).not.toContain(first.body.id);
      await api().get(`/api/v1/rooms/${first.body.id}`).set(bearer(u2)).expect(200);
      // Exactly two users: nobody is added to it.
      expectError(
        await api().post(`/api/v1/rooms/${first.body.id}/members/${stranger.id}`).set(bearer(u1)),
        400,
      );
      // A user who left is back in it when it is opened again.
      await api().delete(`/api/v1/rooms/${first.body.id}/members/${u2.id}`).set(bearer(u2)).expect(200);
      const reopened = await api().post(`/api/v1/rooms/direct/${u2.id}`).set(bearer(u1)).expect(200);
      expect(reopened.body).toEqual(expect.objectContaining({ id: first.body.id, memberCount: 2 }));
    });

    it('never duplicates the DM room under concurrent calls', async () => {
      const [u1, u2] = await Promise.all([createUser(t), createUser(t)]);
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          i % 2
            ? api().post(`/api/v1/rooms/direct/${u1.id}`).set(bearer(u2))
            : api().post(`/api/v1/rooms/direct/${u2.id}`).set(bearer(u1)),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
      expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
      const rooms = await api().get(`/api/v1/rooms/user/${u1.id}`).set(bearer(u1)).expect(200);
      expect(rooms.body.filter((r: { type: string }) => r.type === 'DIRECT_MESSAGE')).toHaveLength(1);
    });

    it('refuses a DM with oneself (400), with an unknown user (404), and DIRECT_MESSAGE without memberId (400)', async () => {
      expectError(await api().post(`/api/v1/rooms/direct/${alice.id}`).set(bearer(alice)), 400);
      expectError(await api().post('/api/v1/rooms/direct/999999').set(bearer(alice)), 404);
      expectError(
        await api()
          .post('/api/v1/rooms')
          .set(bearer(alice))
          .send({ type: 'DIRECT_MESSAGE', memberId: 999999 }),
        404,
      );
      expectError(
        await api().post('/api/v1/rooms').set(bearer(alice)).send({ type: 'DIRECT_MESSAGE' }),
        400,
        /memberId/,
      );
      expectError(await api().post('/api/v1/rooms/direct/abc').set(bearer(alice)), 400);
    });
  });

  describe('deleting a user', () => {
    it('keeps the rooms it created (creator null) and drops its memberships', async () => {
      const doomed = await createUser(t);
      const room = await createRoom(t, doomed, { type: 'PRIVATE' });
      await addMembers(t, doomed, room.id, bob);
      const joined = await createRoom(t, alice, { type: 'PUBLIC' });
      await api().post(`/api/v1/rooms/${joined.id}/members/${doomed.id}`).set(bearer(doomed)).expect(200);
      await api().delete(`/api/v1/users/${doomed.id}`).set(bearer(admin)).expect(204);
      const kept = await api().get(`/api/v1/rooms/${room.id}`).set(bearer(bob)).expect(200);
      expect(kept.body).toEqual(expect.objectContaining({ id: room.id, creator: null, memberCount: 1 }));
      const members = await api().get(`/api/v1/rooms/${joined.id}/members`).set(bearer(alice)).expect(200);
      expect(members.body.map((m: { id: number }) => m.id)).toEqual([alice.id]);
      // Nobody is the creator now: only an admin manages the room.
      expectError(await api().delete(`/api/v1/rooms/${room.id}`).set(bearer(bob)), 403);
      await api().delete(`/api/v1/rooms/${room.id}`).set(bearer(admin)).expect(204);
    });
  });
});
