import request from 'supertest';
import { DataSource } from 'typeorm';
import { DomainEvents } from '../apps/chat-server/src/common/events/domain-events';
import { ReadStateRepository } from '../apps/chat-server/src/read-state/read-state.repository';
import {
  AppDestination,
  appDestination,
  RoomTopic,
  UserQueue,
  userQueue,
} from '../apps/chat-server/src/common/realtime/destinations';
import { createRoom } from './factories/rooms';
import { adminUser, bearer, createUser, TestUser } from './factories/users';
import { eventually } from './helpers/eventually';
import { expectError } from './helpers/expect-error';
import { StompTestClient } from './helpers/stomp-client';
import { startTestApp, TestApp } from './helpers/test-app';

/** EXTENSIONS.md §1 (read state) and §2 (mentions) on v1 REST, basic REST and STOMP. */
describe('read state and mentions', () => {
  let t: TestApp;
  let admin: TestUser;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let stranger: TestUser;
  const clients: StompTestClient[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    admin = await adminUser(t);
    [alice, bob, carol, stranger] = await Promise.all([
      createUser(t),
      createUser(t),
      createUser(t),
      createUser(t),
    ]);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  afterAll(() => t.close());

  const api = () => request(t.url);
  const send = async (u: TestUser, roomId: number, content: string) =>
    (await api().post(`/api/v1/messages/room/${roomId}`).set(bearer(u)).send({ content }).expect(201)).body;
  const read = (u: TestUser, roomId: number, body: object = {}) =>
    api().put(`/api/v1/rooms/${roomId}/read`).set(bearer(u)).send(body);
  const unread = async (u: TestUser) =>
    (await api().get('/api/v1/rooms/unread').set(bearer(u)).expect(200)).body;
  const unreadOf = async (u: TestUser, roomId: number) =>
    (await unread(u)).find((i: { roomId: number }) => i.roomId === roomId);
  const notifications = async (u: TestUser) =>
    (await api().get('/api/v1/notifications?size=100').set(bearer(u)).expect(200)).body;
  const stomp = async (u: TestUser) => {
    const c = await StompTestClient.connect(t.url, u.token);
    clients.push(c);
    return c;
  };

  describe('markers and counts', () => {
    it('a newcomer has nothing unread; messages of others count, own ones do not; a send moves the sender marker', async () => {
      const room = await createRoom(t, alice, { members: [bob] });
      const m1 = await send(alice, room.id, 'one');
      const m2 = await send(alice, room.id, 'two');
      await api().post(`/api/v1/rooms/${room.id}/members/${carol.id}`).set(bearer(alice)).expect(200);
      expect(await unreadOf(carol, room.id)).toEqual({
        roomId: room.id,
        unreadCount: 0,
        mentionCount: 0,
        lastReadMessageId: m2.id,
        lastMessageId: m2.id,
      });
      expect(await unreadOf(bob, room.id)).toMatchObject({ unreadCount: 2, lastReadMessageId: null });
      expect(await unreadOf(alice, room.id)).toMatchObject({ unreadCount: 0, lastReadMessageId: m2.id });
      const m3 = await send(bob, room.id, 'three');
      expect(await unreadOf(bob, room.id)).toMatchObject({ unreadCount: 0, lastReadMessageId: m3.id });
      expect(await unreadOf(alice, room.id)).toMatchObject({ unreadCount: 1, lastMessageId: m3.id });
      expect(await unreadOf(carol, room.id)).toMatchObject({ unreadCount: 1 });
      expect(m1.id).toBeLessThan(m2.id);
    });

    it('concurrent sends of several users (one writer batch) move each sender marker to its own newest message', async () => {
      const room = await createRoom(t, alice, { members: [bob, carol] });
      const sent = await Promise.all(
        [alice, bob, carol, alice, bob, carol].map((u, i) => send(u, room.id, `burst ${i}`)),
      );
      const newestOf = (u: TestUser) =>
        Math.max(...sent.filter((m) => m.sender.id === u.id).map((m: { id: number }) => m.id));
      for (const u of [alice, bob, carol]) {
        const item = await unreadOf(u, room.id);
        expect(item.lastReadMessageId).toBe(newestOf(u));
        expect(item.unreadCount).toBe(sent.filter((m) => m.sender.id !== u.id && m.id > newestOf(u)).length);
      }
    });

    it('GET /rooms/unread lists every room of the caller by room id, and nothing else (401 without a token)', async () => {
      const me = await createUser(t);
      const r1 = await createRoom(t, me);
      const r2 = await createRoom(t, alice, { members: [me] });
      await createRoom(t, alice); // not mine
      const items = await unread(me);
      expect(items.map((i: { roomId: number }) => i.roomId)).toEqual([r1.id, r2.id].sort((a, b) => a - b));
      expectError(await api().get('/api/v1/rooms/unread'), 401);
    });

    it('PUT read: newest by default, a given message, an older id changes nothing; the same on the basic surface', async () => {
      const room = await createRoom(t, alice, { members: [bob] });
      const ids = [];
      for (let i = 0; i < 4; i++) ids.push((await send(alice, room.id, `m${i}`)).id);
      const mid = await read(bob, room.id, { messageId: ids[1] }).expect(200);
      expect(mid.body).toEqual({
        roomId: room.id,
        lastReadMessageId: ids[1],
        unreadCount: 2,
        mentionCount: 0,
      });
      const older = await read(bob, room.id, { messageId: ids[0] }).expect(200);
      expect(older.body).toEqual(mid.body);
      const basic = await api()
        .put(`/api/messages/${room.id}/read`)
        .set(bearer(bob))
        .send({ messageId: String(ids[2]) })
        .expect(200);
      expect(basic.body).toEqual({
        roomId: room.id,
        lastReadMessageId: ids[2],
        unreadCount: 1,
        mentionCount: 0,
      });
      const all = await read(bob, room.id).expect(200);
      expect(all.body).toEqual({
        roomId: room.id,
        lastReadMessageId: ids[3],
        unreadCount: 0,
        mentionCount: 0,
      });
      const empty = await createRoom(t, alice);
      expect((await read(alice, empty.id).expect(200)).body).toEqual({
        roomId: empty.id,
        lastReadMessageId: null,
        unreadCount: 0,
        mentionCount: 0,
      });
    });

    it('PUT read refusals: 403 not a member (admins too), 404 unknown room or message of another room, 400 bad input, 401', async () => {
      const room = await createRoom(t, alice, { type: 'PUBLIC', members: [bob] });
      const other = await createRoom(t, alice);
      const foreign = await send(alice, other.id, 'elsewhere');
      for (const path of [`/api/v1/rooms/${room.id}/read`, `/api/messages/${room.id}/read`]) {
        expectError(await api().put(path).set(bearer(stranger)).send({}), 403);
        expectError(await api().put(path).set(bearer(admin)).send({}), 403);
        // The membership decides first, though the message is looked up alongside it: a stranger
        // learns nothing about message ids, existing or not.
        const known = await api().put(path).set(bearer(stranger)).send({ messageId: foreign.id });
        const unknown = await api().put(path).set(bearer(stranger)).send({ messageId: 999999999 });
        expectError(known, 403);
        expectError(unknown, 403);
        expect(known.body.message).toBe(unknown.body.message);
        expectError(await api().put(path).set(bearer(bob)).send({ messageId: foreign.id }), 404);
        expectError(await api().put(path).set(bearer(bob)).send({ messageId: 999999999 }), 404);
        for (const body of [
          { messageId: 'abc' },
          { messageId: 0 },
          { messageId: -1 },
          { messageId: 1.5 },
          { x: 1 },
        ])
          expectError(await api().put(path).set(bearer(bob)).send(body), 400);
        expectError(await api().put(path).send({}), 401);
      }
      expectError(await read(bob, 999999999), 404);
      expectError(await api().put(`/api/messages/999999999/read`).set(bearer(bob)).send({}), 404);
      expectError(await api().put('/api/v1/rooms/abc/read').set(bearer(bob)).send({}), 400);
    });

    it('counts are exact up to 999 and reported as 999 above; deleted messages do not count', async () => {
      const room = await createRoom(t, alice, { members: [bob] });
      const first = await send(alice, room.id, 'first');
      await read(bob, room.id).expect(200);
      const ds = t.app.get(DataSource);
      const insert = async (n: number) => {
        const rows = Array.from({ length: n }, () => '(?, ?, ?, ?)').join(', ');
        const params = Array.from({ length: n }, () => [
          room.id,
          alice.id,
          'bulk',
          '2026-01-01 00:00:00.000',
        ]).flat();
        await ds.query(`INSERT INTO messages (room_id, sender_id, content, sent_at) VALUES ${rows}`, params);
      };
      await insert(998);
      const last = await send(alice, room.id, 'the 999th');
      expect(await unreadOf(bob, room.id)).toMatchObject({ unreadCount: 999, lastMessageId: last.id });
      await api().delete(`/api/v1/messages/${last.id}`).set(bearer(alice)).expect(204);
      expect(await unreadOf(bob, room.id)).toMatchObject({ unreadCount: 998 });
      await insert(5);
      expect(await unreadOf(bob, room.id)).toMatchObject({ unreadCount: 999 });
      expect(first.id).toBeGreaterThan(0);
    });
  });

  describe('the coalesced recount after sends, at scale', () => {
    it('looks up 1,200 memberships at once (the markers of a busy second): the members, exactly', async () => {
      const rooms = await Promise.all([createRoom(t, alice, { members: [bob] }), createRoom(t, carol)]);
      const m = await send(bob, rooms[0].id, 'moves my marker');
      const members = [
        { userId: alice.id, roomId: rooms[0].id },
        { userId: bob.id, roomId: rooms[0].id },
        { userId: carol.id, roomId: rooms[1].id },
      ];
      // 1,197 pairs that are no membership around them: the statement must stay an index lookup
      // per pair (the OR form scanned room_members on MariaDB and SQLite refused it past ~500)
      const strangers = Array.from({ length: 1197 }, (_, i) => ({
        userId: stranger.id,
        roomId: 1_000_000 + i,
      }));
      const markers = await t.app
        .get(ReadStateRepository)
        .markers([...strangers.slice(0, 600), ...members, ...strangers.slice(600)]);
      expect(markers.sort((a, b) => a.userId - b.userId)).toEqual(
        [
          { userId: alice.id, roomId: rooms[0].id, lastReadMessageId: null },
          { userId: bob.id, roomId: rooms[0].id, lastReadMessageId: m.id },
          { userId: carol.id, roomId: rooms[1].id, lastReadMessageId: null },
        ].sort((a, b) => a.userId - b.userId),
      );
    });
  });

  describe('readers', () => {
    it('lists members other than the sender who were members then and read it; 403 stranger, admins 200, 404', async () => {
      const room = await createRoom(t, alice, { members: [bob, carol] });
      const m = await send(alice, room.id, 'who read me?');
      await read(bob, room.id).expect(200);
      const late = await createUser(t);
      await api().post(`/api/v1/rooms/${room.id}/members/${late.id}`).set(bearer(alice)).expect(200);
      const res = await api().get(`/api/v1/messages/${m.id}/readers`).set(bearer(carol)).expect(200);
      expect(res.body).toEqual([{ userId: bob.id, username: bob.username, lastReadMessageId: m.id }]);
      await api().get(`/api/v1/messages/${m.id}/readers`).set(bearer(admin)).expect(200);
      expectError(await api().get(`/api/v1/messages/${m.id}/readers`).set(bearer(stranger)), 403);
      expectError(await api().get('/api/v1/messages/999999999/readers').set(bearer(alice)), 404);
      expectError(await api().get('/api/v1/messages/abc/readers').set(bearer(alice)), 400);
      expectError(await api().get(`/api/v1/messages/${m.id}/readers`), 401);
    });
  });

  describe('mentions', () => {
    let room: { id: number };
    beforeAll(async () => {
      room = await createRoom(t, alice, { members: [bob, carol] });
    });

    it('resolves @names of members in order, case-insensitively, with trailing . and - dropped; the view is the same everywhere', async () => {
      const m = await send(
        alice,
        room.id,
        `hi @${carol.username.toUpperCase()}, and @${bob.username}. @${carol.username}`,
      );
      expect(m.mentions).toEqual([
        { id: carol.id, username: carol.username },
        { id: bob.id, username: bob.username },
      ]);
      const history = await api().get(`/api/v1/messages/room/${room.id}?size=1`).set(bearer(bob)).expect(200);
      expect(history.body).toEqual([m]);
      const plain = await send(alice, room.id, 'no mention here');
      expect(plain.mentions).toEqual([]);
    });

    it('x@name, the sender itself and names that are not members mention nobody, without revealing who exists', async () => {
      const none = await send(alice, room.id, `mail x@${bob.username}.com, me @${alice.username}`);
      expect(none.mentions).toEqual([]);
      const before = (await notifications(stranger)).length;
      const outsider = await send(alice, room.id, `hey @${stranger.username}`);
      const ghost = await send(alice, room.id, 'hey @nobody_by_that_name');
      expect(outsider.mentions).toEqual([]);
      expect(ghost.mentions).toEqual([]);
      expect(Object.keys(outsider).sort()).toEqual(Object.keys(ghost).sort());
      expect((await notifications(stranger)).length).toBe(before);
    });

    it('a member of a private room cannot be pinged from outside it', async () => {
      const secret = await createRoom(t, carol, { members: [bob] });
      const open = await createRoom(t, stranger, { type: 'PUBLIC' });
      const m = await send(stranger, open.id, `@${bob.username} @${carol.username}`);
      expect(m.mentions).toEqual([]);
      expect((await unreadOf(bob, secret.id)).mentionCount).toBe(0);
    });

    it('at most 50 users per message, whatever the message holds (200 names)', async () => {
      const owner = await createUser(t);
      const big = await createRoom(t, owner);
      const members: TestUser[] = [];
      for (let i = 0; i < 55; i++) {
        const u = await createUser(t);
        members.push(u);
        await api().post(`/api/v1/rooms/${big.id}/members/${u.id}`).set(bearer(owner)).expect(200);
      }
      const names = [
        ...members.map((u) => `@${u.username}`),
        ...Array.from({ length: 145 }, (_, i) => `@ghost${i}`),
      ];
      const m = await send(owner, big.id, names.join(' '));
      expect(m.mentions).toEqual(members.slice(0, 50).map((u) => ({ id: u.id, username: u.username })));
      expect((await unreadOf(members[0], big.id)).mentionCount).toBe(1);
      expect((await unreadOf(members[54], big.id)).mentionCount).toBe(0);
    });

    it('notifies MENTION with messageId, counts mentions, and reading the room reads those notifications', async () => {
      await read(carol, room.id).expect(200);
      const m = await send(bob, room.id, `@${carol.username} look`);
      await send(bob, room.id, 'no ping');
      expect(await unreadOf(carol, room.id)).toMatchObject({ unreadCount: 2, mentionCount: 1 });
      let mention: { id: number; read: boolean } | undefined;
      await eventually(async () => {
        mention = (await notifications(carol)).find(
          (n: { type: string; messageId: number }) => n.type === 'MENTION' && n.messageId === m.id,
        );
        return !!mention;
      }, 'the MENTION notification');
      expect(mention).toMatchObject({ roomId: room.id, read: false });
      const res = await read(carol, room.id, { messageId: m.id }).expect(200);
      expect(res.body).toMatchObject({ unreadCount: 1, mentionCount: 0 });
      await eventually(
        async () =>
          (await notifications(carol)).find((n: { id: number }) => n.id === mention!.id).read === true,
        'the notification to be read',
      );
    });

    it('a notification about a message the user already read is born read (another device was reading)', async () => {
      const m = await send(bob, room.id, 'seen on the phone first');
      await read(carol, room.id, { messageId: m.id }).expect(200);
      // The MENTION listener running only now, after the marker passed the message.
      t.app.get(DomainEvents).emit('message.created', {
        message: { ...m, mentions: [{ id: carol.id, username: carol.username }] },
        room: { id: room.id, type: 'PRIVATE' as never },
      });
      let found: { read: boolean } | undefined;
      await eventually(async () => {
        found = (await notifications(carol)).find(
          (n: { type: string; messageId: number }) => n.type === 'MENTION' && n.messageId === m.id,
        );
        return !!found;
      }, 'the late MENTION notification');
      expect(found!.read).toBe(true);
    });

    it('a direct message notifies DIRECT_MESSAGE with messageId and no MENTION', async () => {
      const dm = (await api().post(`/api/v1/rooms/direct/${bob.id}`).set(bearer(carol)).expect(201)).body;
      const m = await send(carol, dm.id, `@${bob.username} hi`);
      expect(m.mentions).toEqual([{ id: bob.id, username: bob.username }]);
      await eventually(
        async () =>
          (await notifications(bob)).some(
            (n: { type: string; messageId: number }) => n.type === 'DIRECT_MESSAGE' && n.messageId === m.id,
          ),
        'the DIRECT_MESSAGE notification',
      );
      const mentions = (await notifications(bob)).filter(
        (n: { type: string; messageId: number }) => n.type === 'MENTION' && n.messageId === m.id,
      );
      expect(mentions).toEqual([]);
    });

    it('an edit that adds a mention notifies the newly mentioned users only; counts follow the content', async () => {
      const [dave, erin] = [await createUser(t), await createUser(t)];
      const here = await createRoom(t, alice, { members: [bob, dave, erin] });
      const mentionsOf = async (u: TestUser, id: number) =>
        (await notifications(u)).filter(
          (n: { type: string; messageId: number }) => n.type === 'MENTION' && n.messageId === id,
        );
      const m = await send(alice, here.id, `@${bob.username} first`);
      await eventually(async () => (await mentionsOf(bob, m.id)).length === 1, "bob's MENTION");
      const tab = await stomp(dave);
      await tab.subscribeConfirmed(userQueue(UserQueue.read));
      const edit = (content: string) =>
        api().patch(`/api/v1/messages/${m.id}`).set(bearer(alice)).send({ content }).expect(200);

      const added = await edit(`@${bob.username} and @${dave.username} and @nobody_such`);
      expect(added.body.mentions).toEqual([
        { id: bob.id, username: bob.username },
        { id: dave.id, username: dave.username },
      ]);
      await eventually(async () => (await mentionsOf(dave, m.id)).length === 1, "dave's MENTION");
      expect(await unreadOf(dave, here.id)).toMatchObject({ mentionCount: 1 });
      // dave's devices learn the new count without reading anything.
      const pushes = () =>
        tab.bodies(userQueue(UserQueue.read)).filter((p: { roomId: number }) => p.roomId === here.id);
      await tab.until(() => pushes().length >= 1, "dave's recount on /user/queue/read");
      expect(pushes()[0]).toMatchObject({ roomId: here.id, unreadCount: 1, mentionCount: 1 });

      // The basic surface's edit, removing bob and adding erin: erin is told, bob's count drops.
      await api()
        .put(`/api/messages/${m.id}`)
        .set(bearer(alice))
        .send({ content: `@${dave.username} @${erin.username}` })
        .expect(200);
      await eventually(async () => (await mentionsOf(erin, m.id)).length === 1, "erin's MENTION");
      expect(await unreadOf(bob, here.id)).toMatchObject({ mentionCount: 0 });
      expect(await unreadOf(erin, here.id)).toMatchObject({ mentionCount: 1 });
      // Mentioning bob again later is a new mention (he was not mentioned by the text before it).
      await edit(`@${dave.username} @${erin.username} @${bob.username}`);
      await eventually(async () => (await mentionsOf(bob, m.id)).length === 2, "bob's second MENTION");
      // Nobody already mentioned was told twice.
      expect(await mentionsOf(dave, m.id)).toHaveLength(1);
      expect(await mentionsOf(erin, m.id)).toHaveLength(1);
      const history = await api()
        .get(`/api/v1/messages/room/${here.id}?size=1`)
        .set(bearer(dave))
        .expect(200);
      expect(history.body[0].mentions.map((u: { id: number }) => u.id)).toEqual([dave.id, erin.id, bob.id]);
    });

    it('a mention the edited text still makes stays, even when that user has left the room since', async () => {
      const [dave, erin] = [await createUser(t), await createUser(t)];
      const here = await createRoom(t, alice, { members: [dave, erin] });
      const m = await send(alice, here.id, `@${dave.username} bring the slides`);
      await api().delete(`/api/v1/rooms/${here.id}/members/${dave.id}`).set(bearer(alice)).expect(200);
      const res = await api()
        .patch(`/api/v1/messages/${m.id}`)
        .set(bearer(alice))
        .send({ content: `@${dave.username} bring the slides, @${erin.username} the coffee` })
        .expect(200);
      expect(res.body.mentions).toEqual([
        { id: dave.id, username: dave.username },
        { id: erin.id, username: erin.username },
      ]);
      // A DM edit adds no MENTION: the DIRECT_MESSAGE notification already told.
      const dm = (await api().post(`/api/v1/rooms/direct/${bob.id}`).set(bearer(erin)).expect(201)).body;
      const d = await send(erin, dm.id, 'hello');
      await api()
        .patch(`/api/v1/messages/${d.id}`)
        .set(bearer(erin))
        .send({ content: `hello @${bob.username}` })
        .expect(200);
      await eventually(
        async () =>
          (await notifications(bob)).some(
            (n: { type: string; messageId: number }) => n.type === 'DIRECT_MESSAGE' && n.messageId === d.id,
          ),
        'the DIRECT_MESSAGE notification',
      );
      // A later MENTION elsewhere is the marker that the edit's listeners have run.
      const marker = await send(alice, here.id, `@${erin.username} marker`);
      await eventually(
        async () =>
          (await notifications(erin)).some(
            (n: { type: string; messageId: number }) => n.type === 'MENTION' && n.messageId === marker.id,
          ),
        'the marker MENTION',
      );
      expect(
        (await notifications(bob)).filter(
          (n: { type: string; messageId: number }) => n.type === 'MENTION' && n.messageId === d.id,
        ),
      ).toEqual([]);
    });
  });

  describe('live (STOMP)', () => {
    it('/app/chat.read moves the marker; every session of the user gets /user/queue/read; members get READ', async () => {
      const room = await createRoom(t, alice, { members: [bob] });
      const m = await send(alice, room.id, 'read me');
      const [phone, laptop, watcher] = await Promise.all([stomp(bob), stomp(bob), stomp(alice)]);
      await Promise.all([
        phone.subscribeConfirmed(userQueue(UserQueue.read)),
        laptop.subscribeConfirmed(userQueue(UserQueue.read)),
        watcher.subscribeConfirmed(RoomTopic.events(room.id)),
      ]);
      await phone.sendConfirmed(appDestination(AppDestination.read), { roomId: room.id });
      const expected = { roomId: room.id, lastReadMessageId: m.id, unreadCount: 0, mentionCount: 0 };
      expect(await laptop.waitForMessages(userQueue(UserQueue.read), 1)).toEqual([expected]);
      expect(await phone.waitForMessages(userQueue(UserQueue.read), 1)).toEqual([expected]);
      await watcher.until(
        () => watcher.bodies(RoomTopic.events(room.id)).some((e) => e.type === 'READ' && e.userId === bob.id),
        'a READ receipt',
      );
      expect(watcher.bodies(RoomTopic.events(room.id)).find((e) => e.type === 'READ')).toEqual({
        type: 'READ',
        roomId: room.id,
        userId: bob.id,
        lastReadMessageId: m.id,
      });
      expect(await unreadOf(bob, room.id)).toMatchObject({ lastReadMessageId: m.id, unreadCount: 0 });
    });

    it('a REST read reaches the STOMP sessions at once; a send reaches them too (coalesced)', async () => {
      const room = await createRoom(t, alice, { members: [bob] });
      const m = await send(alice, room.id, 'x');
      const tab = await stomp(bob);
      await tab.subscribeConfirmed(userQueue(UserQueue.read));
      // Bob's sends in earlier tests may still push their coalesced marker moves (other rooms):
      // only this room's pushes are looked at.
      const pushesHere = () =>
        tab.bodies(userQueue(UserQueue.read)).filter((p: { roomId: number }) => p.roomId === room.id);
      await read(bob, room.id).expect(200);
      await tab.until(() => pushesHere().length >= 1, 'the read on /user/queue/read');
      expect(pushesHere()).toEqual([
        { roomId: room.id, lastReadMessageId: m.id, unreadCount: 0, mentionCount: 0 },
      ]);
      const mine = await send(bob, room.id, 'from another device');
      await tab.until(() => pushesHere().length >= 2, 'the send on /user/queue/read');
      expect(pushesHere()[1]).toEqual({
        roomId: room.id,
        lastReadMessageId: mine.id,
        unreadCount: 0,
        mentionCount: 0,
      });
    });

    it('/app/chat.read refusals go to /user/queue/errors (400, 403, 404) and the session stays', async () => {
      const room = await createRoom(t, alice);
      const c = await stomp(stranger);
      await c.subscribeConfirmed(userQueue(UserQueue.errors));
      c.send(appDestination(AppDestination.read), { roomId: room.id });
      c.send(appDestination(AppDestination.read), { roomId: 999999999 });
      c.send(appDestination(AppDestination.read), { roomId: 'x' });
      c.send(appDestination(AppDestination.read), { roomId: room.id, messageId: -3 });
      const mine = await createRoom(t, stranger);
      c.send(appDestination(AppDestination.read), { roomId: mine.id, messageId: 999999999 });
      const errors = await c.waitForMessages(userQueue(UserQueue.errors), 5);
      expect(errors.map((e) => e.status)).toEqual([403, 404, 400, 400, 404]);
      expect(c.closed).toBe(false);
    });
  });
});
