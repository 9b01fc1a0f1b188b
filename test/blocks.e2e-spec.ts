import request from 'supertest';
import { adminUser, bearer, createUser, TestUser } from './factories/users';
import { createRoom } from './factories/rooms';
import { eventually } from './helpers/eventually';
import { expectError } from './helpers/expect-error';
import { startTestApp, TestApp } from './helpers/test-app';

/** `/api/v1/users/me/blocks` and what a block stops (docs/API-DECISIONS.md, "Blocking"). */
describe('blocking users', () => {
  let t: TestApp;
  let admin: TestUser;
  const api = () => request(t.url);

  beforeAll(async () => {
    t = await startTestApp();
    admin = await adminUser(t);
  });
  afterAll(() => t.close());

  const block = (who: TestUser, id: number | string) =>
    api().put(`/api/v1/users/me/blocks/${id}`).set(bearer(who));
  const unblock = (who: TestUser, id: number | string) =>
    api().delete(`/api/v1/users/me/blocks/${id}`).set(bearer(who));
  const notifications = async (who: TestUser) =>
    (await api().get('/api/v1/notifications').set(bearer(who)).expect(200)).body as Array<{
      type: string;
      sender: { id: number | null; username: string } | null;
      message: string;
    }>;

  it('blocks, lists and unblocks, idempotently; never oneself, never an unknown user', async () => {
    const [alice, bob, carol] = [await createUser(t), await createUser(t), await createUser(t)];
    const first = await block(alice, bob.id).expect(200);
    expect(first.body).toEqual({ id: bob.id, username: bob.username, blockedAt: expect.any(String) });
    expect((await block(alice, bob.id).expect(200)).body).toEqual(first.body);
    await block(alice, carol.id).expect(200);
    const list = await api().get('/api/v1/users/me/blocks').set(bearer(alice)).expect(200);
    expect(list.body.map((b: { id: number }) => b.id)).toEqual([bob.id, carol.id]);
    for (const item of list.body) expect(Object.keys(item).sort()).toEqual(['blockedAt', 'id', 'username']);
    expect((await api().get('/api/v1/users/me/blocks').set(bearer(bob)).expect(200)).body).toEqual([]);
    await unblock(alice, bob.id).expect(204);
    await unblock(alice, bob.id).expect(204);
    const after = await api().get('/api/v1/users/me/blocks').set(bearer(alice)).expect(200);
    expect(after.body.map((b: { id: number }) => b.id)).toEqual([carol.id]);

    expectError(await block(alice, alice.id), 400, 'You cannot block yourself');
    expectError(await block(alice, 2_000_000_000), 404);
    expectError(await unblock(alice, 2_000_000_000), 404);
    expectError(await block(alice, 'abc'), 400);
    expectError(await unblock(alice, '0'), 400);
    expectError(await api().put(`/api/v1/users/me/blocks/${bob.id}`), 401);
    expectError(await api().delete(`/api/v1/users/me/blocks/${bob.id}`), 401);
    expectError(await api().get('/api/v1/users/me/blocks'), 401);
  });

  it('a blocked user cannot open a direct message with the blocker, over v1 or basic; the blocker can', async () => {
    const [alice, mallory] = [await createUser(t), await createUser(t)];
    await block(alice, mallory.id).expect(200);
    const refused = await api().post(`/api/v1/rooms/direct/${alice.id}`).set(bearer(mallory));
    expectError(refused, 403, 'You cannot open a direct message with this user');
    expect(JSON.stringify(refused.body)).not.toMatch(/block/i);
    expectError(
      await api()
        .post('/api/v1/rooms')
        .set(bearer(mallory))
        .send({ type: 'DIRECT_MESSAGE', memberId: alice.id }),
      403,
    );
    expectError(
      await api()
        .post('/api/messages')
        .set(bearer(mallory))
        .send({ senderId: mallory.id, receiverId: alice.id, content: 'hi' }),
      403,
    );
    // The blocker may still write first, and an admin is never refused.
    await api().post(`/api/v1/rooms/direct/${mallory.id}`).set(bearer(alice)).expect(201);
    await block(admin, mallory.id).expect(200);
    const other = await createUser(t);
    await block(other, admin.id).expect(200);
    await api().post(`/api/v1/rooms/direct/${other.id}`).set(bearer(admin)).expect(201);
    // Unblocked, it works again.
    await unblock(alice, mallory.id).expect(204);
    await api().post(`/api/v1/rooms/direct/${alice.id}`).set(bearer(mallory)).expect(200);
  });

  it('a blocked user gets the stranger refusal on notify, and causes no mention or DM notification', async () => {
    const [alice, mallory, stranger] = [await createUser(t), await createUser(t), await createUser(t)];
    const room = await createRoom(t, alice, { type: 'PUBLIC', members: [mallory] });
    const dm = (await api().post(`/api/v1/rooms/direct/${alice.id}`).set(bearer(mallory)).expect(201)).body;
    await block(alice, mallory.id).expect(200);

    const asStranger = await api()
      .post('/api/v1/notifications')
      .set(bearer(stranger))
      .send({ userId: alice.id, message: 'hello' });
    const asBlocked = await api()
      .post('/api/v1/notifications')
      .set(bearer(mallory))
      .send({ userId: alice.id, message: 'hello' });
    expectError(asStranger, 403);
    expectError(asBlocked, 403);
    expect(asBlocked.body.message).toBe(asStranger.body.message);
    expect(asBlocked.headers['content-length']).toBe(asStranger.headers['content-length']);

    const before = (await notifications(alice)).length;
    await api()
      .post(`/api/v1/messages/room/${room.id}`)
      .set(bearer(mallory))
      .send({ content: `@${alice.username} look` })
      .expect(201);
    await api()
      .post(`/api/v1/messages/room/${dm.id}`)
      .set(bearer(mallory))
      .send({ content: 'psst' })
      .expect(201);
    // Someone else's mention still notifies: the block is about mallory only.
    const carol = await createUser(t);
    await api().post(`/api/v1/rooms/${room.id}/members/${carol.id}`).set(bearer(carol)).expect(200);
    await api()
      .post(`/api/v1/messages/room/${room.id}`)
      .set(bearer(carol))
      .send({ content: `@${alice.username} hi` })
      .expect(201);
    let after = await notifications(alice);
    await eventually(async () => (after = await notifications(alice)).length !== before, "carol's MENTION");
    expect(after.length - before).toBe(1);
    expect(after[0]).toEqual(
      expect.objectContaining({ type: 'MENTION', sender: { id: carol.id, username: carol.username } }),
    );
    expect(after.some((n) => n.sender?.id === mallory.id)).toBe(false);
  });

  it('notifications carry their sender; a deleted sender shows as [deleted]', async () => {
    const [alice, bob] = [await createUser(t), await createUser(t)];
    await createRoom(t, alice, { members: [bob] });
    const sent = await api()
      .post('/api/v1/notifications')
      .set(bearer(bob))
      .send({ userId: alice.id, message: 'ping' })
      .expect(201);
    expect(sent.body.sender).toEqual({ id: bob.id, username: bob.username });
    // bob's invite is written after the add-member request answered.
    let invite: Awaited<ReturnType<typeof notifications>>[number] | undefined;
    await eventually(
      async () => !!(invite = (await notifications(bob)).find((n) => n.type === 'ROOM_INVITE')),
      "bob's ROOM_INVITE",
    );
    expect(invite?.sender).toEqual({ id: alice.id, username: alice.username });
    await api().delete(`/api/v1/users/${bob.id}`).set(bearer(admin)).expect(204);
    const [ping] = await notifications(alice);
    expect(ping).toEqual(
      expect.objectContaining({ message: 'ping', sender: { id: null, username: '[deleted]' } }),
    );
  });
});
