import request from 'supertest';
import { createHmac } from 'node:crypto';
import { createRoom, TestRoom } from './factories/rooms';
import { adminUser, bearer, createUser, TestUser } from './factories/users';
import { connectFrame, RawStompSocket, StompTestClient, StompTransport } from './helpers/stomp-client';
import { startTestApp, TestApp, TEST_JWT_SECRET } from './helpers/test-app';

const SEND = '/app/chat.sendMessage';
const topic = (room: { id: number }) => `/topic/rooms/${room.id}`;

describe('real-time chat over STOMP (SockJS and WebSocket)', () => {
  let t: TestApp;
  const clients: StompTestClient[] = [];
  const connect = async (
    user: { token: string } | undefined,
    transport: StompTransport = 'websocket',
    headers?: Record<string, string>,
  ) => {
    const c = await StompTestClient.connect(t.url, user?.token, { transport, connectHeaders: headers });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  afterAll(() => t.close());

  async function pair(): Promise<{ alice: TestUser; bob: TestUser; room: TestRoom }> {
    const [alice, bob] = [await createUser(t), await createUser(t)];
    const room = await createRoom(t, alice, { members: [bob] });
    return { alice, bob, room };
  }

  it.each<StompTransport>(['websocket', 'sockjs', 'xhr-streaming'])(
    'two members chat over %s: both receive the documented payload, the RECEIPT follows the commit, history returns the same',
    async (transport) => {
      const { alice, bob, room } = await pair();
      const a = await connect(alice, transport);
      const b = await connect(bob, transport);
      await a.subscribeConfirmed(topic(room));
      await b.subscribeConfirmed(topic(room));

      await a.sendConfirmed(SEND, { roomId: room.id, content: 'Hello from Alice <b>&</b> 🎉' });
      // The RECEIPT means committed: history already has it.
      const history = await request(t.url)
        .get(`/api/v1/messages/room/${room.id}`)
        .set(bearer(bob))
        .expect(200);
      expect(history.body).toHaveLength(1);

      const [toAlice] = await a.waitForMessages(topic(room), 1);
      const [toBob] = await b.waitForMessages(topic(room), 1);
      expect(toBob).toEqual({
        id: expect.any(Number),
        roomId: room.id,
        sender: { id: alice.id, username: alice.username, email: alice.email },
        content: 'Hello from Alice <b>&</b> 🎉',
        sentAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        mentions: [],
        editedAt: null,
        parentId: null,
        replyCount: 0,
        lastReplyAt: null,
        reactions: [],
        attachments: [],
      });
      expect(toAlice).toEqual(toBob);
      expect(history.body[0]).toEqual(toBob);

      await b.sendConfirmed(SEND, { roomId: room.id, content: 'Hi Alice' });
      expect((await a.waitForMessages(topic(room), 2))[1]).toEqual(
        expect.objectContaining({ content: 'Hi Alice', sender: expect.objectContaining({ id: bob.id }) }),
      );
    },
  );

  it('live traffic shows in /metrics: sessions, subscriptions, deliveries, fan-out time, persisted messages', async () => {
    const { alice, bob, room } = await pair();
    const a = await connect(alice);
    const b = await connect(bob);
    await b.subscribeConfirmed(topic(room));
    await a.sendConfirmed(SEND, { roomId: room.id, content: 'counted' });
    await b.waitForMessages(topic(room), 1);
    const metrics = (await request(t.url).get('/metrics').expect(200)).text;
    const value = (series: string) =>
      Number(new RegExp(`^${series}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(metrics)?.[1] ?? NaN);
    expect(value('stomp_sessions')).toBeGreaterThanOrEqual(2);
    expect(value('stomp_subscriptions')).toBeGreaterThanOrEqual(1);
    expect(value('stomp_messages_out_total')).toBeGreaterThanOrEqual(1);
    expect(value('stomp_fanout_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(value('chat_messages_total')).toBeGreaterThanOrEqual(1);
  });

  it('a message sent over REST is broadcast the same way', async () => {
    const { alice, bob, room } = await pair();
    const b = await connect(bob);
    await b.subscribeConfirmed(topic(room));
    const res = await request(t.url)
      .post(`/api/v1/messages/room/${room.id}`)
      .set(bearer(alice))
      .send({ content: 'over REST' })
      .expect(201);
    const [live] = await b.waitForMessages(topic(room), 1);
    expect(live).toEqual(res.body);
  });

  describe('CONNECT authentication', () => {
    it('accepts the JWT as X-Auth-Token, Authorization: Bearer or passcode', async () => {
      const u = await createUser(t);
      await connect(u, 'websocket', { 'X-Auth-Token': u.token });
      await connect(u, 'websocket', { Authorization: `Bearer ${u.token}` });
      await connect(u, 'sockjs', { login: u.username, passcode: u.token });
    });

    it.each([
      ['no token', {}],
      ['a malformed token', { 'X-Auth-Token': 'garbage' }],
      [
        'a token signed with another key',
        { 'X-Auth-Token': 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIiwiZXhwIjo5OTk5OTk5OTk5fQ.x' },
      ],
    ])('refuses %s with ERROR "Unauthorized" and closes', async (_what, headers) => {
      const err = await StompTestClient.connect(t.url, undefined, { connectHeaders: headers }).catch(
        (e) => e,
      );
      expect(err).toBeInstanceOf(Error);
      expect(err.frame?.headers?.message).toBe('Unauthorized');
    });

    it('closes a session with an ERROR when its token expires', async () => {
      const u = await createUser(t);
      const claims = JSON.parse(Buffer.from(u.token.split('.')[1], 'base64url').toString());
      const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ ...claims, exp: Math.floor(Date.now() / 1000) + 2 })}`;
      const shortLived = `${unsigned}.${createHmac('sha256', TEST_JWT_SECRET).update(unsigned).digest('base64url')}`;
      const c = await connect({ token: shortLived });
      await c.waitClosed(8000);
      expect(c.errors.map((e) => e.headers.message).join(' ')).toMatch(/expired/i);
    });

    it('closes the sessions of a deleted user at once', async () => {
      const u = await createUser(t);
      const admin = await adminUser(t);
      const c = await connect(u);
      await request(t.url).delete(`/api/v1/users/${u.id}`).set(bearer(admin)).expect(204);
      await c.waitClosed();
      expect(c.errors[0]?.headers.message).toMatch(/deleted/i);
    });
  });

  describe('subscriptions', () => {
    it('refuses a non-member subscribing to a private room topic (ERROR, then close)', async () => {
      const { room } = await pair();
      const stranger = await createUser(t);
      for (const dest of [topic(room), `${topic(room)}/typing`, `${topic(room)}/events`]) {
        const c = await connect(stranger);
        c.subscribe(dest);
        await c.waitClosed();
        expect(c.errors[0]?.headers.message).toBeDefined();
      }
    });

    it('refuses a non-member of a PUBLIC room too (live messages are for members), but admins may listen', async () => {
      const alice = await createUser(t);
      const room = await createRoom(t, alice, { type: 'PUBLIC' });
      const stranger = await createUser(t);
      const c = await connect(stranger);
      c.subscribe(topic(room));
      await c.waitClosed();
      const admin = await adminUser(t);
      const a = await connect(admin);
      await a.subscribeConfirmed(topic(room));
      expect(a.closed).toBe(false);
    });

    it('refuses unknown destinations', async () => {
      const u = await createUser(t);
      const c = await connect(u);
      c.subscribe('/topic/something-else');
      await c.waitClosed();
    });

    it("ends a removed member's live subscription at once: no further message reaches it", async () => {
      const { alice, bob, room } = await pair();
      const a = await connect(alice);
      const b = await connect(bob);
      await a.subscribeConfirmed(topic(room));
      await b.subscribeConfirmed(topic(room));
      await b.subscribeConfirmed('/user/queue/errors');
      await request(t.url)
        .delete(`/api/v1/rooms/${room.id}/members/${bob.id}`)
        .set(bearer(alice))
        .expect(200);
      await b.waitForMessages('/user/queue/errors', 1);
      await a.sendConfirmed(SEND, { roomId: room.id, content: 'after removal' });
      await a.waitForMessages(topic(room), 1);
      // bob is still connected (same socket) and proves the server processed later frames.
      await b.sendConfirmed('/app/chat.addUser', {});
      expect(b.received.get(topic(room))).toHaveLength(0);
      expect(b.closed).toBe(false);
    });
  });

  describe('forged and refused SENDs', () => {
    it.each(['/topic/rooms/1', '/user/queue/notifications'])(
      'SEND to %s is a security error: ERROR, then close',
      async (dest) => {
        const { alice, room } = await pair();
        const c = await connect(alice);
        c.send(dest.replace('/1', `/${room.id}`), { id: 1, content: 'forged' });
        await c.waitClosed();
        expect(c.errors).toHaveLength(1);
      },
    );

    it('application errors go to /user/queue/errors and the connection stays', async () => {
      const { alice, room } = await pair();
      const stranger = await createUser(t);
      const c = await connect(stranger);
      await c.subscribeConfirmed('/user/queue/errors');
      c.send(SEND, { roomId: room.id, content: 'not a member' });
      c.send(SEND, { roomId: 999999, content: 'no such room' });
      c.send(SEND, { roomId: room.id, content: '   ' });
      c.send(SEND, { roomId: 'abc', content: 'bad id' });
      c.send(SEND, '{not json');
      const errors = await c.waitForMessages('/user/queue/errors', 5);
      expect(errors.map((e) => e.status)).toEqual([403, 404, 400, 400, 400]);
      for (const e of errors)
        expect(e).toEqual(expect.objectContaining({ message: expect.any(String), destination: SEND }));
      expect(c.closed).toBe(false);
      const a = await connect(alice);
      await a.sendConfirmed(SEND, { roomId: room.id, content: 'still fine' });
    });

    it('a failed SEND gets no RECEIPT; its error names the receipt', async () => {
      const { room } = await pair();
      const stranger = await createUser(t);
      const c = await connect(stranger);
      await c.subscribeConfirmed('/user/queue/errors');
      c.send(SEND, { roomId: room.id, content: 'nope' }, { receipt: 'r-fail' });
      const [error] = await c.waitForMessages('/user/queue/errors', 1);
      expect(error.status).toBe(403);
      expect(c.received.get('/user/queue/errors')![0].headers['receipt-id']).toBe('r-fail');
    });

    it('content over 4000 characters is refused (400) and nothing is stored', async () => {
      const { alice, room } = await pair();
      const c = await connect(alice);
      await c.subscribeConfirmed('/user/queue/errors');
      c.send(SEND, { roomId: room.id, content: 'x'.repeat(4001) });
      expect((await c.waitForMessages('/user/queue/errors', 1))[0].status).toBe(400);
      const history = await request(t.url)
        .get(`/api/v1/messages/room/${room.id}`)
        .set(bearer(alice))
        .expect(200);
      expect(history.body).toHaveLength(0);
    });
  });

  it('clientMessageId makes a retried send idempotent: one message, one broadcast', async () => {
    const { alice, bob, room } = await pair();
    const a = await connect(alice);
    const b = await connect(bob);
    await b.subscribeConfirmed(topic(room));
    await a.sendConfirmed(SEND, { roomId: room.id, content: 'once', clientMessageId: 'c-1' });
    await a.sendConfirmed(SEND, { roomId: room.id, content: 'once', clientMessageId: 'c-1' });
    await a.sendConfirmed(SEND, { roomId: room.id, content: 'marker' });
    const live = await b.waitForMessages(topic(room), 2);
    expect(live.map((m) => m.content)).toEqual(['once', 'marker']);
    const history = await request(t.url).get(`/api/v1/messages/room/${room.id}`).set(bearer(bob)).expect(200);
    expect(history.body.map((m: { content: string }) => m.content)).toEqual(['once', 'marker']);
  });

  it('typing indicators reach members on /typing, throttled per user and room', async () => {
    const { alice, bob, room } = await pair();
    const a = await connect(alice);
    const b = await connect(bob);
    await b.subscribeConfirmed(`${topic(room)}/typing`);
    for (let i = 0; i < 5; i++) a.send('/app/chat.typing', { roomId: room.id });
    await a.sendConfirmed('/app/chat.typing', { roomId: room.id, typing: false });
    const typing = await b.waitForMessages(`${topic(room)}/typing`, 2);
    expect(typing).toEqual([
      { roomId: room.id, userId: alice.id, username: alice.username, typing: true },
      { roomId: room.id, userId: alice.id, username: alice.username, typing: false },
    ]);
  });

  it('deleting a message is seen live on /events', async () => {
    const { alice, bob, room } = await pair();
    const b = await connect(bob);
    await b.subscribeConfirmed(`${topic(room)}/events`);
    const msg = await request(t.url)
      .post(`/api/v1/messages/room/${room.id}`)
      .set(bearer(alice))
      .send({ content: 'oops' })
      .expect(201);
    await request(t.url).delete(`/api/v1/messages/${msg.body.id}`).set(bearer(alice)).expect(204);
    // The send's READ receipt may share the topic: wait for the deletion itself.
    const deleted = { type: 'MESSAGE_DELETED', roomId: room.id, messageId: msg.body.id };
    await b.until(
      () => b.bodies(`${topic(room)}/events`).some((e) => e.type === 'MESSAGE_DELETED'),
      'MESSAGE_DELETED',
    );
    expect(b.bodies(`${topic(room)}/events`)).toContainEqual(deleted);
  });

  describe('protocol errors from a raw socket', () => {
    it('a frame over the size limit gets an ERROR and the connection closes', async () => {
      const u = await createUser(t);
      const raw = await RawStompSocket.open(t.url);
      raw.send(connectFrame(u.token));
      await raw.until(() => !!raw.frame('CONNECTED'), 'CONNECTED');
      raw.send(`SEND\ndestination:${SEND}\ncontent-type:application/json\n\n${'x'.repeat(70_000)}\0`);
      await raw.until(() => raw.closed, 'close');
      expect(raw.frame('ERROR')).toBeDefined();
    });

    it('a malformed frame gets an ERROR and the connection closes', async () => {
      const u = await createUser(t);
      const raw = await RawStompSocket.open(t.url);
      raw.send(connectFrame(u.token));
      await raw.until(() => !!raw.frame('CONNECTED'), 'CONNECTED');
      raw.send('BOGUS\n\n\0');
      await raw.until(() => raw.closed, 'close');
      expect(raw.frame('ERROR')).toBeDefined();
    });

    it('a frame before CONNECT gets an ERROR and the connection closes', async () => {
      const raw = await RawStompSocket.open(t.url);
      raw.send(`SUBSCRIBE\nid:0\ndestination:/topic/status\n\n\0`);
      await raw.until(() => raw.closed, 'close');
      expect(raw.frame('ERROR')).toBeDefined();
    });
  });
});
