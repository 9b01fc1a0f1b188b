import request from 'supertest';
import { DataSource } from 'typeorm';
import { DomainEvents } from '../apps/chat-server/src/common/events/domain-events';
import { Principal } from '../apps/chat-server/src/common/principal';
import { MessagesRepository } from '../apps/chat-server/src/messages/messages.repository';
import { MessagesService } from '../apps/chat-server/src/messages/messages.service';
import { UsersService } from '../apps/chat-server/src/users/users.service';
import { createRoom } from './factories/rooms';
import { adminUser, bearer, createUser, TestUser } from './factories/users';
import { expectError } from './helpers/expect-error';
import { startTestApp, TestApp } from './helpers/test-app';

describe('messages (v1 and basic)', () => {
  let t: TestApp;
  let admin: TestUser;
  let alice: TestUser;
  let bob: TestUser;
  let stranger: TestUser;
  let roomId: number;
  const events: { name: string; payload: any }[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    admin = await adminUser(t);
    [alice, bob, stranger] = await Promise.all([createUser(t), createUser(t), createUser(t)]);
    roomId = (await createRoom(t, alice, { type: 'PUBLIC', members: [bob] })).id;
    const bus = t.app.get(DomainEvents);
    bus.on('message.created', (payload) => void events.push({ name: 'message.created', payload }));
    bus.on('message.deleted', (payload) => void events.push({ name: 'message.deleted', payload }));
  });
  afterAll(() => t.close());

  const api = () => request(t.url);
  const principal = async (u: TestUser) => (await t.app.get(UsersService).getPrincipal(u.id)) as Principal;
  const post = (u: TestUser, room: number, body: object) =>
    api().post(`/api/v1/messages/room/${room}`).set(bearer(u)).send(body);
  const history = (u: TestUser, room: number, query = '') =>
    api().get(`/api/v1/messages/room/${room}${query}`).set(bearer(u));

  describe('POST /api/v1/messages/room/{roomId}', () => {
    it('sends (201) the MessageView, stored as sent, published once after it is persisted', async () => {
      events.length = 0;
      const content = '  <b>Hello</b> & welcome 👋  ';
      const res = await post(alice, roomId, { content }).expect(201);
      expect(res.body).toEqual({
        id: expect.any(Number),
        roomId,
        sender: { id: alice.id, username: alice.username, email: alice.email },
        content,
        sentAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        mentions: [],
        editedAt: null,
        parentId: null,
        replyCount: 0,
        lastReplyAt: null,
        reactions: [],
        attachments: [],
      });
      expect(events).toEqual([
        { name: 'message.created', payload: { message: res.body, room: { id: roomId, type: 'PUBLIC' } } },
      ]);
      const last = await history(bob, roomId, '?size=1').expect(200);
      expect(last.body).toEqual([res.body]);
    });

    it('refuses invalid content and clientMessageId (400), unknown fields (400), no token (401)', async () => {
      const cases: [object, string][] = [
        [{ content: '' }, 'content'],
        [{ content: ' \n\t ' }, 'content'],
        [{ content: 'x'.repeat(4001) }, 'content'],
        [{ content: 42 }, 'content'],
        [{}, 'content'],
        [{ content: 'hi', clientMessageId: '' }, 'clientMessageId'],
        [{ content: 'hi', clientMessageId: 'has space' }, 'clientMessageId'],
        [{ content: 'hi', clientMessageId: 'x'.repeat(65) }, 'clientMessageId'],
        [{ content: 'hi', roomId: 3 }, 'roomId'],
      ];
      for (const [body, field] of cases) {
        const res = await post(alice, roomId, body);
        expectError(res, 400);
        expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      }
      await post(alice, roomId, { content: ` ${'y'.repeat(4000)} ` }).expect(201);
      expectError(await api().post(`/api/v1/messages/room/${roomId}`).send({ content: 'hi' }), 401);
    });

    it('refuses a non-member even in a PUBLIC room (403), an unknown room (404), a malformed id (400); admins may post', async () => {
      expectError(await post(stranger, roomId, { content: 'hi' }), 403);
      expectError(await post(alice, 999999, { content: 'hi' }), 404);
      expectError(await post(alice, 0, { content: 'hi' }), 400);
      expectError(
        await api().post('/api/v1/messages/room/abc').set(bearer(alice)).send({ content: 'hi' }),
        400,
      );
      await post(admin, roomId, { content: 'from an admin' }).expect(201);
    });

    it('makes a retried send idempotent with clientMessageId: the original, published once, even concurrently', async () => {
      events.length = 0;
      const clientMessageId = `c-${Date.now()}:1`;
      const first = await post(bob, roomId, { content: 'once', clientMessageId }).expect(201);
      expect(first.body.clientMessageId).toBe(clientMessageId);
      const replay = await post(bob, roomId, { content: 'once', clientMessageId }).expect(200);
      expect(replay.body).toEqual(first.body);
      const concurrent = await Promise.all(
        Array.from({ length: 6 }, () =>
          post(bob, roomId, { content: 'race', clientMessageId: `${clientMessageId}-r` }),
        ),
      );
      expect(concurrent.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
      expect(new Set(concurrent.map((r) => r.body.id)).size).toBe(1);
      expect(events.filter((e) => e.name === 'message.created')).toHaveLength(2);
      // Another sender may use the same client id; the same sender in another room may not.
      await post(alice, roomId, { content: 'mine', clientMessageId }).expect(201);
      const other = await createRoom(t, bob, { type: 'PRIVATE' });
      expectError(await post(bob, other.id, { content: 'x', clientMessageId }), 409);
      const recent = await history(bob, roomId, '?size=10').expect(200);
      expect(
        recent.body.filter((m: { clientMessageId?: string }) => m.clientMessageId === clientMessageId),
      ).toHaveLength(2);
    });
  });

  describe('history', () => {
    let bigRoom: number;
    let ids: number[];
    beforeAll(async () => {
      bigRoom = (await createRoom(t, alice, { type: 'PRIVATE', members: [bob] })).id;
      const service = t.app.get(MessagesService);
      const [pa, pb] = [await principal(alice), await principal(bob)];
      ids = [];
      for (let i = 0; i < 260; i++)
        ids.push((await service.send(i % 2 ? pb : pa, bigRoom, `m${i}`)).message.id);
    });

    it('page 0 is the newest `size` messages, each page oldest to newest; default size 50', async () => {
      const page0 = await history(alice, bigRoom).expect(200);
      expect(page0.body.map((m: { id: number }) => m.id)).toEqual(ids.slice(-50));
      expect(page0.body[0]).toEqual(
        expect.objectContaining({
          roomId: bigRoom,
          content: 'm210',
          sender: expect.objectContaining({ id: alice.id }),
        }),
      );
      const page1 = await history(alice, bigRoom, '?page=1&size=100').expect(200);
      expect(page1.body.map((m: { id: number }) => m.id)).toEqual(ids.slice(60, 160));
      const page2 = await history(alice, bigRoom, '?page=2&size=100').expect(200);
      expect(page2.body.map((m: { id: number }) => m.id)).toEqual(ids.slice(0, 60));
      expect((await history(alice, bigRoom, '?page=3&size=100').expect(200)).body).toEqual([]);
    });

    it('keyset cursors: before and after return the n messages next to the cursor, oldest to newest', async () => {
      const before = await history(bob, bigRoom, `?before=${ids[200]}&size=10`).expect(200);
      expect(before.body.map((m: { id: number }) => m.id)).toEqual(ids.slice(190, 200));
      const after = await history(bob, bigRoom, `?after=${ids[200]}&size=10`).expect(200);
      expect(after.body.map((m: { id: number }) => m.id)).toEqual(ids.slice(201, 211));
      const tail = await history(bob, bigRoom, `?after=${ids[255]}&size=100`).expect(200);
      expect(tail.body.map((m: { id: number }) => m.id)).toEqual(ids.slice(256));
      const head = await history(bob, bigRoom, `?before=${ids[3]}`).expect(200);
      expect(head.body.map((m: { id: number }) => m.id)).toEqual(ids.slice(0, 3));
      // Walking back with cursors visits every message once.
      const seen: number[] = [];
      let cursor = '';
      for (;;) {
        const page = (await history(bob, bigRoom, `?size=100${cursor}`).expect(200)).body as { id: number }[];
        if (!page.length) break;
        seen.unshift(...page.map((m) => m.id));
        cursor = `&before=${page[0].id}`;
      }
      expect(seen).toEqual(ids);
    });

    it.each([
      '?size=0',
      '?size=101',
      '?size=abc',
      '?page=-1',
      '?page=1.5',
      '?before=1&after=2',
      '?page=1&before=5',
      '?before=abc',
      '?after=0',
      '?sort=asc',
    ])('refuses %s (400)', async (query) => {
      expectError(await history(alice, bigRoom, query), 400);
    });

    it('is for members and admins only, also in PUBLIC rooms (403), 404 for an unknown room, 401 without a token', async () => {
      expectError(await history(stranger, bigRoom), 403);
      expectError(await history(stranger, roomId), 403);
      expectError(await history(alice, 999999), 404);
      expectError(await api().get(`/api/v1/messages/room/${bigRoom}`), 401);
      expect((await history(admin, bigRoom, '?size=5').expect(200)).body).toHaveLength(5);
    });

    // CI runs the e2e suite with TEST_DATABASE_URL pointing at MariaDB, where this asserts the plan.
    (process.env.TEST_DATABASE_URL ? it : it.skip)(
      'uses a range scan of IDX_messages_room_id for the cursor query (MySQL/MariaDB)',
      async () => {
        const repo = t.app.get(MessagesRepository);
        for (const kind of ['before', 'after'] as const) {
          const plan: { key: string; type: string }[] = await t.app
            .get(DataSource)
            .query(
              `EXPLAIN ${repo.historySql(kind)}`,
              repo.historyParams(bigRoom, { kind, id: ids[200], size: 50 }),
            );
          const messagesRow = plan.find((row: any) => row.table === 'm');
          expect(messagesRow).toEqual(
            expect.objectContaining({ key: 'IDX_messages_room_id', type: 'range' }),
          );
        }
      },
    );
  });

  describe('DELETE /api/v1/messages/{id}', () => {
    it('lets the sender, the room creator and admins delete (204); others 403; unknown 404; malformed 400', async () => {
      const room = await createRoom(t, alice, { type: 'PUBLIC', members: [bob] });
      const carol = await createUser(t);
      await api().post(`/api/v1/rooms/${room.id}/members/${carol.id}`).set(bearer(carol)).expect(200);
      const [m1, m2, m3] = await Promise.all(
        ['a', 'b', 'c'].map(async (c) => (await post(bob, room.id, { content: c }).expect(201)).body),
      );
      events.length = 0;
      expectError(await api().delete(`/api/v1/messages/${m1.id}`).set(bearer(carol)), 403);
      await api().delete(`/api/v1/messages/${m1.id}`).set(bearer(bob)).expect(204);
      expect(events).toEqual([{ name: 'message.deleted', payload: { roomId: room.id, messageId: m1.id } }]);
      await api().delete(`/api/v1/messages/${m2.id}`).set(bearer(alice)).expect(204);
      await api().delete(`/api/v1/messages/${m3.id}`).set(bearer(admin)).expect(204);
      expect((await history(alice, room.id).expect(200)).body).toEqual([]);
      expectError(await api().delete(`/api/v1/messages/${m1.id}`).set(bearer(bob)), 404);
      expectError(await api().delete('/api/v1/messages/abc').set(bearer(bob)), 400);
      expectError(await api().delete(`/api/v1/messages/${m1.id}`), 401);
    });
  });

  describe('basic /api/messages', () => {
    it('sends to a user through their direct-message room (201), ids as strings or numbers', async () => {
      const res = await api()
        .post('/api/messages')
        .set(bearer(alice))
        .send({ senderId: String(alice.id), receiverId: String(bob.id), content: 'hi bob' })
        .expect(201);
      expect(res.body).toEqual({
        id: expect.any(Number),
        conversationId: expect.any(Number),
        senderId: alice.id,
        receiverId: bob.id,
        content: 'hi bob',
        sentAt: expect.any(String),
        editedAt: null,
        parentId: null,
        attachments: [],
      });
      const reply = await api()
        .post('/api/messages')
        .set(bearer(bob))
        .send({ senderId: bob.id, receiverId: alice.id, content: 'hi alice', receiverType: 'user' })
        .expect(201);
      expect(reply.body.conversationId).toBe(res.body.conversationId);
      const dm = await api().get(`/api/v1/rooms/${res.body.conversationId}`).set(bearer(bob)).expect(200);
      expect(dm.body).toEqual(expect.objectContaining({ type: 'DIRECT_MESSAGE', memberCount: 2 }));
      const conv = await api().get(`/api/messages/${res.body.conversationId}`).set(bearer(bob)).expect(200);
      expect(conv.body.map((m: { content: string }) => m.content)).toEqual(['hi bob', 'hi alice']);
      expectError(await api().get(`/api/messages/${res.body.conversationId}`).set(bearer(stranger)), 403);
      expectError(await api().get(`/api/messages/${res.body.conversationId}?size=500`).set(bearer(bob)), 400);
      expectError(await api().get('/api/messages/999999').set(bearer(bob)), 404);
    });

    it('refuses speaking for someone else (403, admins included), unknown receivers (404), oneself (400), bad input (400)', async () => {
      expectError(
        await api()
          .post('/api/messages')
          .set(bearer(alice))
          .send({ senderId: bob.id, receiverId: stranger.id, content: 'x' }),
        403,
      );
      expectError(
        await api()
          .post('/api/messages')
          .set(bearer(admin))
          .send({ senderId: bob.id, receiverId: alice.id, content: 'x' }),
        403,
      );
      expectError(
        await api()
          .post('/api/messages')
          .set(bearer(alice))
          .send({ senderId: alice.id, receiverId: 999999, content: 'x' }),
        404,
      );
      expectError(
        await api()
          .post('/api/messages')
          .set(bearer(alice))
          .send({ senderId: alice.id, receiverId: alice.id, content: 'x' }),
        400,
      );
      expectError(
        await api()
          .post('/api/messages')
          .set(bearer(alice))
          .send({ senderId: alice.id, receiverId: bob.id, content: '  ' }),
        400,
      );
      expectError(
        await api()
          .post('/api/messages')
          .set(bearer(alice))
          .send({ senderId: 'me', receiverId: bob.id, content: 'x' }),
        400,
      );
      expectError(
        await api()
          .post('/api/messages')
          .set(bearer(alice))
          .send({ senderId: alice.id, receiverId: bob.id, content: 'x', receiverType: 'room' }),
        400,
      );
      expectError(
        await api().post('/api/messages').send({ senderId: alice.id, receiverId: bob.id, content: 'x' }),
        401,
      );
    });

    it('addresses a group or channel with receiverType; the type must match (404) and membership is required (403)', async () => {
      const group = (
        await api()
          .post('/api/groups')
          .set(bearer(alice))
          .send({ name: `g${Date.now()}`, members: [bob.id] })
          .expect(201)
      ).body;
      const channel = (
        await api()
          .post('/api/channels')
          .set(bearer(alice))
          .send({ name: `c${Date.now()}` })
          .expect(201)
      ).body;
      const toGroup = await api()
        .post('/api/messages')
        .set(bearer(bob))
        .send({ senderId: bob.id, receiverId: group.id, receiverType: 'group', content: 'to group' })
        .expect(201);
      expect(toGroup.body).toEqual(
        expect.objectContaining({ conversationId: group.id, receiverId: group.id }),
      );
      expectError(
        await api()
          .post('/api/messages')
          .set(bearer(bob))
          .send({ senderId: bob.id, receiverId: group.id, receiverType: 'channel', content: 'x' }),
        404,
      );
      expectError(
        await api()
          .post('/api/messages')
          .set(bearer(bob))
          .send({ senderId: bob.id, receiverId: channel.id, receiverType: 'channel', content: 'x' }),
        403,
      );
      expectError(
        await api()
          .post('/api/messages')
          .set(bearer(stranger))
          .send({ senderId: stranger.id, receiverId: group.id, receiverType: 'group', content: 'x' }),
        403,
      );
      const del = await api().delete(`/api/messages/${toGroup.body.id}`).set(bearer(bob)).expect(200);
      expect(del.body).toEqual({ message: 'Message deleted successfully.' });
      expectError(await api().delete(`/api/messages/${toGroup.body.id}`).set(bearer(bob)), 404);
    });
  });

  describe('deleting rooms and users', () => {
    it('deleting a room deletes its messages; deleting a user keeps its messages with the deleted-user sender', async () => {
      const doomed = await createUser(t);
      const room = await createRoom(t, alice, { type: 'PUBLIC', members: [doomed] });
      const kept = await createRoom(t, doomed, { type: 'PRIVATE', members: [alice] });
      const m = (await post(doomed, room.id, { content: 'last words', clientMessageId: 'lw-1' }).expect(201))
        .body;
      await post(doomed, kept.id, { content: 'in my room' }).expect(201);
      await api().delete(`/api/users/${doomed.id}`).set(bearer(doomed)).expect(200);
      const after = await history(alice, room.id).expect(200);
      expect(after.body).toEqual([{ ...m, sender: { id: null, username: '[deleted]' } }]);
      const inKept = await history(alice, kept.id).expect(200);
      expect(inKept.body[0].sender).toEqual({ id: null, username: '[deleted]' });
      // Its membership went with it: it no longer counts, and the creator-less room is still usable.
      expect((await api().get(`/api/v1/rooms/${kept.id}`).set(bearer(alice)).expect(200)).body).toEqual(
        expect.objectContaining({ creator: null, memberCount: 1 }),
      );
      await post(alice, kept.id, { content: 'still here' }).expect(201);

      await api().delete(`/api/v1/rooms/${room.id}`).set(bearer(alice)).expect(204);
      expectError(await history(alice, room.id), 404);
      expectError(await api().delete(`/api/v1/messages/${m.id}`).set(bearer(admin)), 404);
    });
  });
});
