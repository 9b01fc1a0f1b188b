import request from 'supertest';
import { adminUser, bearer, createUser, TestUser, uniqueName } from './factories/users';
import { expectError } from './helpers/expect-error';
import { startTestApp, TestApp } from './helpers/test-app';

describe('basic groups (PRIVATE) and channels (PUBLIC)', () => {
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
  const ids = (list: { id: number }[]) => list.map((r) => r.id);

  describe.each([
    ['groups', 'PRIVATE', 'channels'],
    ['channels', 'PUBLIC', 'groups'],
  ])('/api/%s', (kind, type, otherKind) => {
    it('creates with members given as strings or numbers (201): the creator plus members, in one room', async () => {
      const name = uniqueName(kind);
      const res = await api()
        .post(`/api/${kind}`)
        .set(bearer(alice))
        .send({ name, members: [String(bob.id), carol.id] })
        .expect(201);
      expect(res.body).toEqual({
        id: expect.any(Number),
        name,
        type,
        creator: { id: alice.id, username: alice.username },
        createdAt: expect.any(String),
        memberCount: 3,
        members: [
          { id: alice.id, username: alice.username },
          { id: bob.id, username: bob.username },
          { id: carol.id, username: carol.username },
        ].sort((a, b) => a.id - b.id),
      });
      // The same room on the v1 surface.
      const v1 = await api().get(`/api/v1/rooms/${res.body.id}`).set(bearer(bob)).expect(200);
      expect(v1.body).toEqual(expect.objectContaining({ id: res.body.id, type, memberCount: 3 }));
      const got = await api().get(`/api/${kind}/${res.body.id}`).set(bearer(carol)).expect(200);
      expect(got.body).toEqual(res.body);
    });

    it('creates nothing when a member id is unknown (400), and refuses invalid input (400)', async () => {
      const name = uniqueName(kind);
      expectError(
        await api()
          .post(`/api/${kind}`)
          .set(bearer(alice))
          .send({ name, members: [bob.id, 999999] }),
        400,
        /members/,
      );
      const mine = await api().get(`/api/${kind}`).set(bearer(bob)).expect(200);
      expect(mine.body.map((r: { name: string }) => r.name)).not.toContain(name);
      // The name is still free: nothing was created.
      await api().post(`/api/${kind}`).set(bearer(alice)).send({ name, members: [] }).expect(201);
      expectError(
        await api().post(`/api/${kind}`).set(bearer(alice)).send({ name: name.toUpperCase() }),
        400,
        /already exists/,
      );
      for (const body of [
        { members: [] },
        { name: '' },
        { name: 'x', members: 'abc' },
        { name: 'x', members: ['abc'] },
        { name: 'x', extra: 1 },
      ]) {
        expectError(await api().post(`/api/${kind}`).set(bearer(alice)).send(body), 400);
      }
      expectError(await api().post(`/api/${kind}`).send({ name: 'x' }), 401);
    });

    it('PUT /:id/members adds a non-member and removes a member, and says which', async () => {
      const room = (
        await api()
          .post(`/api/${kind}`)
          .set(bearer(alice))
          .send({ name: uniqueName(kind) })
          .expect(201)
      ).body;
      const added = await api()
        .put(`/api/${kind}/${room.id}/members`)
        .set(bearer(alice))
        .send({ memberId: String(bob.id) })
        .expect(200);
      expect(added.body).toEqual({
        message: 'Member added successfully.',
        action: 'added',
        roomId: room.id,
        memberId: bob.id,
        memberCount: 2,
      });
      await api().get(`/api/${kind}/${room.id}`).set(bearer(bob)).expect(200);
      const removed = await api()
        .put(`/api/${kind}/${room.id}/members`)
        .set(bearer(alice))
        .send({ memberId: bob.id })
        .expect(200);
      expect(removed.body).toEqual(expect.objectContaining({ action: 'removed', memberCount: 1 }));
      // Explicit actions: adding twice is a 400, removing a non-member a 404.
      await api()
        .put(`/api/${kind}/${room.id}/members`)
        .set(bearer(alice))
        .send({ memberId: bob.id, action: 'add' })
        .expect(200);
      expectError(
        await api()
          .put(`/api/${kind}/${room.id}/members`)
          .set(bearer(alice))
          .send({ memberId: bob.id, action: 'add' }),
        400,
      );
      expectError(
        await api()
          .put(`/api/${kind}/${room.id}/members`)
          .set(bearer(alice))
          .send({ memberId: carol.id, action: 'remove' }),
        404,
      );
      expectError(
        await api()
          .put(`/api/${kind}/${room.id}/members`)
          .set(bearer(alice))
          .send({ memberId: bob.id, action: 'toggle' }),
        400,
      );
      expectError(
        await api().put(`/api/${kind}/${room.id}/members`).set(bearer(alice)).send({ memberId: 999999 }),
        404,
      );
      expectError(await api().put(`/api/${kind}/${room.id}/members`).set(bearer(alice)).send({}), 400);
      expectError(
        await api().put(`/api/${kind}/999999/members`).set(bearer(alice)).send({ memberId: bob.id }),
        404,
      );
      // A member who is not the creator cannot manage others.
      expectError(
        await api().put(`/api/${kind}/${room.id}/members`).set(bearer(bob)).send({ memberId: carol.id }),
        403,
      );
      // Anyone leaves; an admin manages any.
      await api()
        .put(`/api/${kind}/${room.id}/members`)
        .set(bearer(bob))
        .send({ memberId: bob.id, action: 'remove' })
        .expect(200);
      await api()
        .put(`/api/${kind}/${room.id}/members`)
        .set(bearer(admin))
        .send({ memberId: carol.id })
        .expect(200);
    });

    it(`answers 404 for a ${otherKind.slice(0, -1)} id and for unknown ids, 400 for malformed ids`, async () => {
      const other = (
        await api()
          .post(`/api/${otherKind}`)
          .set(bearer(alice))
          .send({ name: uniqueName(otherKind) })
          .expect(201)
      ).body;
      expectError(await api().get(`/api/${kind}/${other.id}`).set(bearer(alice)), 404);
      expectError(
        await api().put(`/api/${kind}/${other.id}/members`).set(bearer(alice)).send({ memberId: bob.id }),
        404,
      );
      expectError(await api().get(`/api/${kind}/999999`).set(bearer(alice)), 404);
      expectError(await api().get(`/api/${kind}/abc`).set(bearer(alice)), 400);
    });

    it('GET / lists only the caller’s own', async () => {
      const dave = await createUser(t);
      const mine = (
        await api()
          .post(`/api/${kind}`)
          .set(bearer(alice))
          .send({ name: uniqueName(kind), members: [dave.id] })
          .expect(201)
      ).body;
      await api()
        .post(`/api/${kind}`)
        .set(bearer(alice))
        .send({ name: uniqueName(kind) })
        .expect(201);
      await api()
        .post(`/api/${otherKind}`)
        .set(bearer(alice))
        .send({ name: uniqueName(otherKind), members: [dave.id] })
        .expect(201);
      const list = await api().get(`/api/${kind}`).set(bearer(dave)).expect(200);
      expect(ids(list.body)).toEqual([mine.id]);
      expect(list.body[0]).toEqual(expect.objectContaining({ type, memberCount: 2 }));
      expectError(await api().get(`/api/${kind}`), 401);
    });
  });

  it('a group is hidden from strangers (403); a channel is readable and joinable by anyone', async () => {
    const group = (
      await api()
        .post('/api/groups')
        .set(bearer(alice))
        .send({ name: uniqueName('g') })
        .expect(201)
    ).body;
    const channel = (
      await api()
        .post('/api/channels')
        .set(bearer(alice))
        .send({ name: uniqueName('c') })
        .expect(201)
    ).body;
    expectError(await api().get(`/api/groups/${group.id}`).set(bearer(carol)), 403);
    expectError(
      await api().put(`/api/groups/${group.id}/members`).set(bearer(carol)).send({ memberId: carol.id }),
      403,
    );
    await api().get(`/api/groups/${group.id}`).set(bearer(admin)).expect(200);
    await api().get(`/api/channels/${channel.id}`).set(bearer(carol)).expect(200);
    const join = await api()
      .put(`/api/channels/${channel.id}/members`)
      .set(bearer(carol))
      .send({ memberId: carol.id })
      .expect(200);
    expect(join.body.action).toBe('added');
    expect(ids((await api().get('/api/channels').set(bearer(carol))).body)).toContain(channel.id);
  });
});
