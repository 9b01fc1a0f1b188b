import request from 'supertest';
import { DataSource } from 'typeorm';
import { AttachmentsCleanup } from '../apps/chat-server/src/attachments/attachments-cleanup';
import { DomainEvents } from '../apps/chat-server/src/common/events/domain-events';
import { ReadStateLive } from '../apps/chat-server/src/read-state/read-state-live';
import {
  AppDestination,
  appDestination,
  RoomTopic,
} from '../apps/chat-server/src/common/realtime/destinations';
import { createRoom } from './factories/rooms';
import { adminUser, bearer, createUser, TestUser } from './factories/users';
import { eventually } from './helpers/eventually';
import { expectError } from './helpers/expect-error';
import { StompTestClient } from './helpers/stomp-client';
import { startTestApp, TestApp } from './helpers/test-app';

/** EXTENSIONS.md §3 (editing), §4 (reactions), §5 (replies and threads), on every surface. */
describe('edits, reactions and threads', () => {
  let t: TestApp;
  let admin: TestUser;
  let alice: TestUser; // creates the rooms
  let bob: TestUser;
  let carol: TestUser;
  let stranger: TestUser;
  let roomId: number;
  const events: { name: string; payload: any }[] = [];
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
    roomId = (await createRoom(t, alice, { type: 'PRIVATE', members: [bob, carol] })).id;
    const bus = t.app.get(DomainEvents);
    for (const name of [
      'message.edited',
      'reaction.added',
      'reaction.removed',
      'thread.updated',
      'message.deleted',
    ] as const)
      bus.on(name, (payload: unknown) => void events.push({ name, payload }));
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.client.deactivate()));
  });
  afterAll(() => t.close());

  const api = () => request(t.url);
  const send = async (u: TestUser, body: object, room = roomId) =>
    (await api().post(`/api/v1/messages/room/${room}`).set(bearer(u)).send(body).expect(201)).body;
  const patch = (u: TestUser | undefined, id: number | string, body: object) => {
    const r = api().patch(`/api/v1/messages/${id}`);
    return (u ? r.set(bearer(u)) : r).send(body);
  };
  const react = (
    u: TestUser | undefined,
    id: number | string,
    emojiPath: string,
    method: 'put' | 'delete' = 'put',
  ) => {
    const r = api()[method](`/api/v1/messages/${id}/reactions/${emojiPath}`);
    return u ? r.set(bearer(u)) : r;
  };
  const enc = encodeURIComponent;
  const history = async (u: TestUser, query = '', room = roomId) =>
    (await api().get(`/api/v1/messages/room/${room}${query}`).set(bearer(u)).expect(200)).body;
  const replies = (u: TestUser, id: number | string, query = '') =>
    api().get(`/api/v1/messages/${id}/replies${query}`).set(bearer(u));
  const find = async (id: number) =>
    (await history(alice, '?size=100')).find((m: { id: number }) => m.id === id);
  const connect = async (u: TestUser) => {
    const c = await StompTestClient.connect(t.url, u.token);
    clients.push(c);
    return c;
  };
  const named = (name: string) => events.filter((e) => e.name === name).map((e) => e.payload);

  describe('editing (v1 PATCH, basic PUT)', () => {
    it('lets the sender edit: 200 with the view, editedAt set, history shows it, one MESSAGE_EDITED event', async () => {
      const m = await send(bob, { content: 'helo' });
      expect(m.editedAt).toBeNull();
      events.length = 0;
      const res = await patch(bob, m.id, { content: 'hello' }).expect(200);
      expect(res.body).toEqual({ ...m, content: 'hello', editedAt: expect.stringMatching(/^\d{4}-.*Z$/) });
      expect(await find(m.id)).toEqual(res.body);
      expect(named('message.edited')).toEqual([
        {
          message: res.body,
          previousContent: 'helo',
          room: { id: roomId, type: 'PRIVATE' },
          mentionsAdded: [],
          mentionsRemoved: [],
        },
      ]);
      // the same content again changes nothing: no event, editedAt kept
      events.length = 0;
      const again = await patch(bob, m.id, { content: 'hello' }).expect(200);
      expect(again.body).toEqual(res.body);
      expect(named('message.edited')).toEqual([]);
      // basic surface: PUT /api/messages/:messageId
      const basic = await api()
        .put(`/api/messages/${m.id}`)
        .set(bearer(bob))
        .send({ content: 'hello!' })
        .expect(200);
      expect(basic.body).toEqual(
        expect.objectContaining({ id: m.id, content: 'hello!', editedAt: expect.any(String) }),
      );
    });

    it('refuses everyone but the sender (403): an admin, the room creator, a stranger, and the sender once it left', async () => {
      const m = await send(carol, { content: 'mine' });
      expectError(await patch(admin, m.id, { content: 'admin words' }), 403);
      expectError(await patch(alice, m.id, { content: 'creator words' }), 403);
      expectError(await patch(stranger, m.id, { content: 'stranger words' }), 403);
      expectError(await api().put(`/api/messages/${m.id}`).set(bearer(alice)).send({ content: 'x' }), 403);
      const room = await createRoom(t, alice, { members: [carol] });
      const left = await send(carol, { content: 'before leaving' }, room.id);
      await api().delete(`/api/v1/rooms/${room.id}/members/${carol.id}`).set(bearer(carol)).expect(200);
      expectError(await patch(carol, left.id, { content: 'after leaving' }), 403);
      expect((await history(alice, '', room.id)).map((x: { content: string }) => x.content)).toEqual([
        'before leaving',
      ]);
      expect((await find(m.id)).content).toBe('mine');
    });

    it('refuses invalid content (400), unknown or deleted messages (404), a malformed id (400), no token (401)', async () => {
      const m = await send(bob, { content: 'to edit' });
      for (const body of [
        { content: '' },
        { content: '   ' },
        { content: 'x'.repeat(4001) },
        { content: 7 },
        {},
        { content: 'a', x: 1 },
      ])
        expectError(await patch(bob, m.id, body), 400);
      expectError(await patch(bob, 999999999, { content: 'x' }), 404);
      expectError(await patch(bob, 'abc', { content: 'x' }), 400);
      expectError(await patch(undefined, m.id, { content: 'x' }), 401);
      await api().delete(`/api/v1/messages/${m.id}`).set(bearer(bob)).expect(204);
      expectError(await patch(bob, m.id, { content: 'x' }), 404);
      expectError(await api().put(`/api/messages/${m.id}`).set(bearer(bob)).send({ content: 'x' }), 404);
    });
  });

  describe('reactions (v1 PUT / DELETE)', () => {
    it('adds and removes, idempotently; one item per emoji in order of first use; ❤ and ❤️ are one', async () => {
      const m = await send(alice, { content: 'react to me' });
      events.length = 0;
      const one = await react(bob, m.id, enc('👍')).expect(200);
      expect(one.body).toEqual({
        messageId: m.id,
        reactions: [{ emoji: '👍', count: 1, userIds: [bob.id] }],
      });
      await react(carol, m.id, enc('❤️')).expect(200);
      await react(bob, m.id, enc('❤')).expect(200);
      await react(carol, m.id, enc('👍')).expect(200);
      const shortcode = await react(carol, m.id, ':heart:').expect(200);
      expect(shortcode.body.reactions).toEqual([
        { emoji: '👍', count: 2, userIds: [bob.id, carol.id] },
        { emoji: '❤', count: 2, userIds: [carol.id, bob.id] },
        { emoji: ':heart:', count: 1, userIds: [carol.id] },
      ]);
      // idempotent: the same reaction again changes nothing and tells nobody
      const before = events.length;
      expect((await react(bob, m.id, enc('👍')).expect(200)).body).toEqual(shortcode.body);
      expect(events.length).toBe(before);
      expect(named('reaction.added')).toEqual([
        { roomId, messageId: m.id, emoji: '👍', userId: bob.id, count: 1 },
        { roomId, messageId: m.id, emoji: '❤', userId: carol.id, count: 1 },
        { roomId, messageId: m.id, emoji: '❤', userId: bob.id, count: 2 },
        { roomId, messageId: m.id, emoji: '👍', userId: carol.id, count: 2 },
        { roomId, messageId: m.id, emoji: ':heart:', userId: carol.id, count: 1 },
      ]);
      expect((await find(m.id)).reactions).toEqual(shortcode.body.reactions);
      // remove: the last holder's removal drops the emoji from the list; a second DELETE is a no-op
      const removed = await react(carol, m.id, ':heart:', 'delete').expect(200);
      expect(removed.body.reactions.map((r: { emoji: string }) => r.emoji)).toEqual(['👍', '❤']);
      await react(carol, m.id, ':heart:', 'delete').expect(200);
      await react(bob, m.id, enc('❤️'), 'delete').expect(200);
      expect(named('reaction.removed')).toEqual([
        { roomId, messageId: m.id, emoji: ':heart:', userId: carol.id, count: 0 },
        { roomId, messageId: m.id, emoji: '❤', userId: bob.id, count: 1 },
      ]);
      expect((await find(m.id)).reactions).toEqual([
        { emoji: '👍', count: 2, userIds: [bob.id, carol.id] },
        { emoji: '❤', count: 1, userIds: [carol.id] },
      ]);
    });

    it('is for members and admins (admins need not be members); others 403, unknown 404, no token 401', async () => {
      const m = await send(alice, { content: 'who may react' });
      await react(admin, m.id, enc('🎉')).expect(200);
      expectError(await react(stranger, m.id, enc('🎉')), 403);
      expectError(await react(stranger, m.id, enc('🎉'), 'delete'), 403);
      expectError(await react(bob, 999999999, enc('🎉')), 404);
      expectError(await react(bob, 999999999, enc('🎉'), 'delete'), 404);
      expectError(await react(undefined, m.id, enc('🎉')), 401);
      expectError(await react(bob, 'abc', enc('🎉')), 400);
    });

    it.each([
      ['two emojis', enc('👍👍')],
      ['text', 'ok'],
      ['a letter', 'a'],
      ['a 33-byte shortcode name', `:${'a'.repeat(33)}:`],
      ['an upper-case shortcode', ':Heart:'],
      ['a trailing zero-width joiner', enc('👍\u200D')],
      ['a doubled zero-width joiner', enc('👍\u200D\u200D👍')],
      ['zero-width joiners gluing emojis past 32 bytes', enc(Array(6).fill('👨').join('\u200D'))],
      ['an encoded slash', '%2F'],
      ['a double-encoded emoji', '%25F0%259F%2591%258D'],
      ['a broken percent-encoding', '%E2%9D'],
      ['a NUL byte', '%00'],
      ['an emoji with a NUL byte', enc('👍\u0000')],
      ['a path-traversal attempt', '..%2F..%2Fusers'],
    ])('refuses %s (400)', async (_name, path) => {
      const m = await send(alice, { content: 'bad emoji' });
      expectError(await react(bob, m.id, path), 400);
      expect((await find(m.id)).reactions).toEqual([]);
    });

    it('refuses a 51st distinct emoji (400); a reaction to one of the 50 is still fine', async () => {
      const m = await send(alice, { content: 'many emojis' });
      for (let i = 0; i < 50; i++) await react(bob, m.id, `:e${i}:`).expect(200);
      expectError(await react(bob, m.id, ':e50:'), 400, /50/);
      await react(carol, m.id, ':e7:').expect(200);
      const item = (await find(m.id)).reactions;
      expect(item).toHaveLength(50);
      expect(item[7]).toEqual({ emoji: ':e7:', count: 2, userIds: [bob.id, carol.id] });
    });

    it('lists at most the first 100 user ids of a reaction, with the exact count', async () => {
      const m = await send(alice, { content: 'popular' });
      const db = t.app.get(DataSource);
      const ids: number[] = [];
      for (let i = 0; i < 101; i++) {
        const name = `fan${i}_${m.id}`;
        await db.query(
          'INSERT INTO users (username, username_key, email, email_key, password_hash, roles, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
          [name, name, `${name}@x.io`, `${name}@x.io`, 'h', 'ROLE_USER', '2026-01-01 00:00:00'],
        );
        ids.push(Number((await db.query('SELECT id FROM users WHERE username_key = ?', [name]))[0].id));
      }
      await db.query('UPDATE messages SET has_reactions = 1 WHERE id = ?', [m.id]);
      for (const id of ids)
        await db.query(
          "INSERT INTO message_reactions (message_id, user_id, emoji, created_at) VALUES (?, ?, '👍', '2026-01-01 00:00:00')",
          [m.id, id],
        );
      expect((await find(m.id)).reactions).toEqual([{ emoji: '👍', count: 101, userIds: ids.slice(0, 100) }]);
    });
  });

  describe('replies and threads', () => {
    it('sends replies on every surface; a reply to a reply joins the root; the root counts them', async () => {
      const root = await send(alice, { content: 'root' });
      events.length = 0;
      const r1 = await send(bob, { content: 'first reply', parentId: root.id });
      expect(r1).toEqual(expect.objectContaining({ parentId: root.id, replyCount: 0, lastReplyAt: null }));
      const r2 = await send(carol, { content: 'reply to a reply', parentId: r1.id });
      expect(r2.parentId).toBe(root.id);
      const basic = await api()
        .post('/api/messages')
        .set(bearer(alice))
        .send({
          senderId: alice.id,
          receiverId: roomId,
          receiverType: 'group',
          content: 'basic reply',
          parentId: root.id,
        })
        .expect(201);
      expect(basic.body).toEqual(expect.objectContaining({ parentId: root.id, editedAt: null }));
      const c = await connect(bob);
      await c.sendConfirmed(appDestination(AppDestination.sendMessage), {
        roomId,
        content: 'stomp reply',
        parentId: root.id,
      });
      const stored = await find(root.id);
      expect(stored.replyCount).toBe(4);
      const thread = (await replies(alice, root.id).expect(200)).body;
      expect(thread.map((m: { content: string }) => m.content)).toEqual([
        'first reply',
        'reply to a reply',
        'basic reply',
        'stomp reply',
      ]);
      expect(stored.lastReplyAt).toBe(thread[3].sentAt);
      expect(named('thread.updated').map((e) => [e.rootId, e.replyCount])).toEqual([
        [root.id, 1],
        [root.id, 2],
        [root.id, 3],
        [root.id, 4],
      ]);
      // history shows replies too; topLevel=true leaves them out
      const all = await history(alice, '?size=5');
      expect(all.map((m: { id: number }) => m.id)).toEqual(expect.arrayContaining([root.id, r1.id, r2.id]));
      const top = await history(alice, '?size=100&topLevel=true');
      expect(top.every((m: { parentId: number | null }) => m.parentId === null)).toBe(true);
      expect(top.map((m: { id: number }) => m.id)).toContain(root.id);
      expectError(await api().get(`/api/v1/messages/room/${roomId}?topLevel=yes`).set(bearer(alice)), 400);
    });

    it('makes a retried reply idempotent with clientMessageId: 200 with the original, counted once', async () => {
      const root = await send(alice, { content: 'idempotent thread' });
      const body = { content: 'once', parentId: root.id, clientMessageId: `reply-${root.id}` };
      const post = () => api().post(`/api/v1/messages/room/${roomId}`).set(bearer(bob)).send(body);
      const first = await post().expect(201);
      const again = await post().expect(200);
      expect(again.body).toEqual(first.body);
      expect((await find(root.id)).replyCount).toBe(1);
    });

    it('pages replies with before/after/size; refuses page, a reply id (400), strangers (403), unknown (404)', async () => {
      const root = await send(alice, { content: 'paged root' });
      const ids: number[] = [];
      for (let i = 0; i < 5; i++) ids.push((await send(bob, { content: `r${i}`, parentId: root.id })).id);
      const ofPage = async (q: string) =>
        (await replies(carol, root.id, q).expect(200)).body.map((m: { id: number }) => m.id);
      expect(await ofPage('?size=2')).toEqual(ids.slice(3));
      expect(await ofPage(`?before=${ids[3]}&size=2`)).toEqual(ids.slice(1, 3));
      expect(await ofPage(`?after=${ids[0]}&size=2`)).toEqual(ids.slice(1, 3));
      expect(await ofPage('')).toEqual(ids);
      await replies(admin, root.id).expect(200);
      for (const q of ['?page=0', '?size=0', '?size=101', `?before=${ids[1]}&after=${ids[0]}`, '?x=1'])
        expectError(await replies(carol, root.id, q), 400);
      expectError(await replies(carol, ids[0]), 400);
      expectError(await replies(stranger, root.id), 403);
      expectError(await replies(carol, 999999999), 404);
    });

    it('refuses a parentId of another room: 400 when the caller sees that room, 404 (like an unknown id) when not', async () => {
      const elsewhere = await createRoom(t, stranger, { type: 'PRIVATE' });
      const hidden = await send(stranger, { content: 'secret' }, elsewhere.id);
      const visible = await createRoom(t, alice, { members: [bob] });
      const seen = await send(alice, { content: 'seen' }, visible.id);
      const post = (body: object) =>
        api().post(`/api/v1/messages/room/${roomId}`).set(bearer(bob)).send(body);
      const unknown = await post({ content: 'x', parentId: 999999999 });
      const secret = await post({ content: 'x', parentId: hidden.id });
      expectError(unknown, 404);
      expectError(secret, 404);
      expect(secret.body.message.replace(String(hidden.id), 'N')).toBe(
        unknown.body.message.replace('999999999', 'N'),
      );
      expectError(await post({ content: 'x', parentId: seen.id }), 400);
      for (const parentId of ['abc', 0, -1, 1.5, true])
        expectError(await post({ content: 'x', parentId }), 400);
      // a stranger to the target room is refused before the parent is looked at
      expectError(
        await api()
          .post(`/api/v1/messages/room/${roomId}`)
          .set(bearer(stranger))
          .send({ content: 'x', parentId: hidden.id }),
        403,
      );
    });

    it('notifies (REPLY) the root author and earlier repliers still in the room, never the sender', async () => {
      const room = await createRoom(t, alice, { members: [bob, carol] });
      const root = await send(alice, { content: 'thread' }, room.id);
      await send(carol, { content: 'carol replies', parentId: root.id }, room.id);
      await api().delete(`/api/v1/rooms/${room.id}/members/${carol.id}`).set(bearer(carol)).expect(200);
      const reply = await send(bob, { content: 'bob replies', parentId: root.id }, room.id);
      await send(bob, { content: 'bob again', parentId: root.id }, room.id);
      const replyNotes = async (u: TestUser) =>
        (await api().get('/api/v1/notifications?size=100').set(bearer(u)).expect(200)).body.filter(
          (n: { type: string; roomId: number }) => n.type === 'REPLY' && n.roomId === room.id,
        );
      let aliceNotes: { type: string }[] = [];
      await eventually(
        async () => (aliceNotes = await replyNotes(alice)).length === 3,
        "alice's REPLY notifications",
      );
      expect(aliceNotes[0]).toEqual(
        expect.objectContaining({
          type: 'REPLY',
          roomId: room.id,
          message: `${bob.username} replied in a thread`,
        }),
      );
      expect(await replyNotes(bob)).toHaveLength(0); // carol's reply came before bob's first: bob is told of none of his own
      expect(await replyNotes(carol)).toHaveLength(0); // carol left before bob replied
      expect(reply.parentId).toBe(root.id);
    });

    it('deleting a reply recounts the root (THREAD_UPDATED); deleting a root takes its replies (one MESSAGE_DELETED)', async () => {
      const root = await send(alice, { content: 'to delete' });
      const r1 = await send(bob, { content: 'a', parentId: root.id });
      const r2 = await send(carol, { content: 'b', parentId: root.id });
      await react(bob, r2.id, enc('👍')).expect(200);
      events.length = 0;
      await api().delete(`/api/v1/messages/${r2.id}`).set(bearer(carol)).expect(204);
      expect(named('thread.updated')).toEqual([
        { roomId, rootId: root.id, replyCount: 1, lastReplyAt: r1.sentAt, reply: null },
      ]);
      expect(await find(root.id)).toEqual(expect.objectContaining({ replyCount: 1, lastReplyAt: r1.sentAt }));
      events.length = 0;
      await api().delete(`/api/v1/messages/${root.id}`).set(bearer(alice)).expect(204);
      expect(named('message.deleted')).toEqual([{ roomId, messageId: root.id }]);
      expect(await find(r1.id)).toBeUndefined();
      const db = t.app.get(DataSource);
      expect(
        Number((await db.query('SELECT COUNT(*) AS c FROM messages WHERE parent_id = ?', [root.id]))[0].c),
      ).toBe(0);
      expect(
        Number(
          (await db.query('SELECT COUNT(*) AS c FROM message_reactions WHERE message_id = ?', [r2.id]))[0].c,
        ),
      ).toBe(0);
      expectError(await replies(alice, root.id), 404);
    });
  });

  describe('STOMP /app/chat.editMessage and /app/chat.react, live events', () => {
    it('edits and reacts live: MESSAGE_EDITED, REACTION_ADDED / REMOVED, THREAD_UPDATED on the events topic', async () => {
      const m = await send(bob, { content: 'live' });
      const watcher = await connect(carol);
      await watcher.subscribeConfirmed(RoomTopic.events(roomId));
      await watcher.subscribeConfirmed(RoomTopic.messages(roomId));
      const c = await connect(bob);
      await c.sendConfirmed(appDestination(AppDestination.editMessage), {
        messageId: m.id,
        content: 'live!',
      });
      await c.sendConfirmed(appDestination(AppDestination.react), { messageId: m.id, emoji: '🚀' });
      await c.sendConfirmed(appDestination(AppDestination.react), {
        messageId: m.id,
        emoji: '🚀',
        remove: true,
      });
      const reply = await send(alice, { content: 'live reply', parentId: m.id });
      // The events topic also carries READ receipts (a send moves its sender's marker): the
      // events of this test are the others.
      const changes = () =>
        watcher.bodies(RoomTopic.events(roomId)).filter((e: { type: string }) => e.type !== 'READ');
      await watcher.until(() => changes().length >= 4, 'the four change events');
      const live = changes();
      const edited = await find(m.id);
      expect(live).toEqual([
        { type: 'MESSAGE_EDITED', roomId, message: { ...edited, replyCount: 0, lastReplyAt: null } },
        { type: 'REACTION_ADDED', roomId, messageId: m.id, emoji: '🚀', userId: bob.id, count: 1 },
        { type: 'REACTION_REMOVED', roomId, messageId: m.id, emoji: '🚀', userId: bob.id, count: 0 },
        { type: 'THREAD_UPDATED', roomId, messageId: m.id, replyCount: 1, lastReplyAt: reply.sentAt },
      ]);
      expect((await watcher.waitForMessages(RoomTopic.messages(roomId), 1)).at(-1)).toEqual(reply);
    });

    it('sends refusals to /user/queue/errors: 403 not the sender / not a member, 400 bad emoji, 404 unknown', async () => {
      const m = await send(bob, { content: 'stomp refusals' });
      const c = await connect(alice);
      await c.subscribeConfirmed('/user/queue/errors');
      c.send(appDestination(AppDestination.editMessage), { messageId: m.id, content: 'not mine' });
      c.send(appDestination(AppDestination.react), { messageId: m.id, emoji: 'ok' });
      c.send(appDestination(AppDestination.react), { messageId: 999999999, emoji: '👍' });
      c.send(appDestination(AppDestination.editMessage), { messageId: m.id, content: '' });
      c.send(appDestination(AppDestination.react), { messageId: m.id, emoji: '👍', remove: 'yes' });
      const s = await connect(stranger);
      await s.subscribeConfirmed('/user/queue/errors');
      s.send(appDestination(AppDestination.react), { messageId: m.id, emoji: '👍' });
      const errors = await c.waitForMessages('/user/queue/errors', 5);
      expect(errors.map((e) => e.status)).toEqual([403, 400, 404, 400, 400]);
      expect((await s.waitForMessages('/user/queue/errors', 1))[0].status).toBe(403);
      expect((await find(m.id)).content).toBe('stomp refusals');
    });
  });

  describe('cost: a history page costs the same number of queries whatever it holds', () => {
    /**
     * The counter sees every query of the instance: first let the background work the sends
     * started finish (the coalesced read-state push recounts a second after a send; the
     * attachment cleanup sweeps).
     */
    const quiet = async () => {
      await t.app.get(ReadStateLive).settle();
      await t.app.get(AttachmentsCleanup).sweepSoon();
    };

    it('page of 1 and page of 50, with mentions, reactions, threads and attachments on every message: the same count', async () => {
      const room = await createRoom(t, alice, { members: [bob] });
      const attach = async () => {
        const res = await api()
          .post(`/api/v1/rooms/${room.id}/attachments`)
          .set(bearer(alice))
          .attach('file', Buffer.from('file'), 'f.txt')
          .expect(201);
        return res.body.id as number;
      };
      for (let i = 0; i < 30; i++) {
        const m = await send(
          alice,
          { content: `m${i} @${bob.username}`, attachmentIds: [await attach(), await attach()] },
          room.id,
        );
        await react(bob, m.id, enc('👍')).expect(200);
        await send(bob, { content: `r${i}`, parentId: m.id }, room.id);
        await react(alice, m.id, ':ok:').expect(200);
      }
      await quiet();
      const count = await countQueries(t.app.get(DataSource));
      const queriesOf = async (query: string) => {
        await history(bob, query, room.id); // warm the membership cache
        count.reset();
        const body = await history(bob, query, room.id);
        return { n: count.selects(), sql: count.sql(), body };
      };
      const one = await queriesOf('?size=1&topLevel=true');
      const fifty = await queriesOf('?size=50');
      const top = await queriesOf('?size=50&topLevel=true');
      count.restore();
      expect(one.body).toHaveLength(1);
      expect(fifty.body).toHaveLength(50);
      expect(top.body.every((m: { reactions: unknown[] }) => m.reactions.length === 2)).toBe(true);
      expect(top.body.every((m: { mentions: unknown[] }) => m.mentions.length === 1)).toBe(true);
      expect(top.body.every((m: { attachments: unknown[] }) => m.attachments.length === 2)).toBe(true);
      // the page, then the page's mentions, its reactions and its attachments (the SQL is listed
      // so that a failure says which query was extra)
      expect(one.sql).toHaveLength(4);
      expect(fifty.sql).toHaveLength(one.n);
      expect(top.sql).toHaveLength(one.n);
    });

    it('a page of plain messages (no mention, reaction or attachment) costs its one SELECT', async () => {
      const room = await createRoom(t, alice, { members: [bob] });
      for (let i = 0; i < 20; i++)
        await send(alice, { content: `plain ${i}, mail me at a.b (at) c` }, room.id);
      await quiet();
      await history(bob, '?size=50', room.id); // warm the membership cache
      const count = await countQueries(t.app.get(DataSource));
      const body = await history(bob, '?size=50', room.id);
      const sql = count.sql();
      count.restore();
      expect(body).toHaveLength(20);
      expect(
        body.every(
          (m: { mentions: unknown[]; attachments: unknown[] }) => !m.mentions.length && !m.attachments.length,
        ),
      ).toBe(true);
      expect(sql).toHaveLength(1);
    });
  });

  describe('races', () => {
    it('many users reacting with the same emoji at once: one row each, the count right', async () => {
      const users = await Promise.all(Array.from({ length: 8 }, () => createUser(t)));
      const room = await createRoom(t, alice, { members: users });
      const m = await send(alice, { content: 'race' }, room.id);
      const results = await Promise.all(users.map((u) => react(u, m.id, enc('🔥'))));
      expect(results.map((r) => r.status)).toEqual(users.map(() => 200));
      expect((await find2(room.id, m.id)).reactions).toEqual([
        { emoji: '🔥', count: 8, userIds: expect.arrayContaining(users.map((u) => u.id)) },
      ]);
    });

    it('the same user reacting many times at once: one row, all 200', async () => {
      const m = await send(alice, { content: 'twice' });
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => react(bob, m.id, enc(i % 2 ? '👍' : '👍️'))),
      );
      expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
      const db = t.app.get(DataSource);
      expect(
        Number(
          (await db.query('SELECT COUNT(*) AS c FROM message_reactions WHERE message_id = ?', [m.id]))[0].c,
        ),
      ).toBe(1);
      expect((await find(m.id)).reactions).toEqual([{ emoji: '👍', count: 1, userIds: [bob.id] }]);
    });

    it('an edit racing a delete: no 500, the message is gone afterwards', async () => {
      for (let i = 0; i < 5; i++) {
        const m = await send(bob, { content: `edit-vs-delete ${i}` });
        const [edit, del] = await Promise.all([
          patch(bob, m.id, { content: `edited ${i}` }),
          api().delete(`/api/v1/messages/${m.id}`).set(bearer(bob)),
        ]);
        expect([200, 404]).toContain(edit.status);
        expect(del.status).toBe(204);
        expect(await find(m.id)).toBeUndefined();
      }
    });

    it('replies racing their root deletion: 201 or 404, never a 500, no orphan reply, right counts', async () => {
      const db = t.app.get(DataSource);
      for (let i = 0; i < 3; i++) {
        const root = await send(alice, { content: `root ${i}` });
        const outcomes = await Promise.all([
          ...Array.from({ length: 4 }, (_, k) =>
            api()
              .post(`/api/v1/messages/room/${roomId}`)
              .set(bearer(bob))
              .send({ content: `r${k}`, parentId: root.id }),
          ),
          api().delete(`/api/v1/messages/${root.id}`).set(bearer(alice)),
        ]);
        const del = outcomes.pop()!;
        expect(del.status).toBe(204);
        for (const o of outcomes) expect([201, 404]).toContain(o.status);
        expect(
          Number((await db.query('SELECT COUNT(*) AS c FROM messages WHERE parent_id = ?', [root.id]))[0].c),
        ).toBe(0);
      }
      // concurrent replies to a live root: every one counted
      const root = await send(alice, { content: 'busy thread' });
      const sent = await Promise.all(
        Array.from({ length: 10 }, (_, k) =>
          send(k % 2 ? bob : carol, { content: `c${k}`, parentId: root.id }),
        ),
      );
      const stored = await find(root.id);
      expect(stored.replyCount).toBe(10);
      expect(stored.lastReplyAt).toBe(
        sent
          .map((m) => m.sentAt)
          .sort()
          .at(-1),
      );
      // deleting replies concurrently: the count follows
      await Promise.all(
        sent.slice(0, 6).map((m) => api().delete(`/api/v1/messages/${m.id}`).set(bearer(alice)).expect(204)),
      );
      expect((await find(root.id)).replyCount).toBe(4);
    });
  });

  const find2 = async (room: number, id: number) =>
    (await history(alice, '?size=100', room)).find((m: { id: number }) => m.id === id);
});

/**
 * Counts the SELECT statements the app runs, by wrapping the query runners the DataSource hands
 * out (every query goes through one: SQLite's single runner, or a pooled MySQL runner per call).
 */
async function countQueries(dataSource: DataSource) {
  let selects: string[] = [];
  const wrapped = new WeakSet<object>();
  const original = dataSource.driver.createQueryRunner.bind(dataSource.driver);
  const spy = jest.spyOn(dataSource.driver, 'createQueryRunner').mockImplementation((mode) => {
    const runner = original(mode);
    if (wrapped.has(runner)) return runner;
    wrapped.add(runner);
    const query = runner.query.bind(runner);
    runner.query = ((sql: string, ...rest: unknown[]) => {
      if (/^\s*SELECT/i.test(sql)) selects.push(sql);
      return (query as (...a: unknown[]) => unknown)(sql, ...rest);
    }) as typeof runner.query;
    return runner;
  });
  // SQLite hands out one runner created before the spy: wrap it too
  dataSource.createQueryRunner();
  return {
    reset: () => void (selects = []),
    selects: () => selects.length,
    sql: () => [...selects],
    restore: () => spy.mockRestore(),
  };
}
