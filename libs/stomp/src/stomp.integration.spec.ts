import { IMessage } from '@stomp/stompjs';
import {
  ClientKind,
  RawClient,
  TestApp,
  TestStompClient,
  eventually,
  startApp,
  withTimeout,
} from '../test/harness';

describe('STOMP over the Fastify HTTP server (real clients)', () => {
  let t: TestApp;
  const clients: TestStompClient[] = [];
  const raws: RawClient[] = [];

  const client = async (kind: ClientKind, token = 'user:alice'): Promise<TestStompClient> => {
    const c = new TestStompClient(t, kind, token);
    clients.push(c);
    await c.connect();
    return c;
  };
  const raw = (protocols?: string[]): RawClient => {
    const r = new RawClient(t.wsUrl, protocols);
    raws.push(r);
    return r;
  };

  beforeAll(async () => {
    t = await startApp();
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    for (const r of raws.splice(0)) r.terminate();
  });

  afterAll(async () => {
    await t.close();
  });

  it('still serves REST routes through Fastify next to the STOMP endpoints', async () => {
    const response = await fetch(`${t.baseUrl}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    const info = await fetch(`${t.sockjsUrl}/info`);
    expect(info.status).toBe(200);
    expect(await info.json()).toMatchObject({ websocket: true });
    const missing = await fetch(`${t.baseUrl}/nope`);
    expect(missing.status).toBe(404);
  });

  it.each<ClientKind>(['ws', 'sockjs-websocket', 'sockjs-xhr-streaming'])(
    'SEND -> handler -> broadcast to every subscriber, sender included, RECEIPT after the handler (%s)',
    async (kind) => {
      const alice = await client(kind, 'user:alice');
      const bob = await client('ws', 'user:bob');
      await alice.subscribed('/topic/rooms/7');
      await bob.subscribed('/topic/rooms/7');
      const receipt = alice.receipt('send-1');
      alice.client.publish({
        destination: '/app/chat.sendMessage',
        body: JSON.stringify({ roomId: 7, content: `hello over ${kind}` }),
        headers: { receipt: 'send-1' },
      });
      await receipt;
      expect(t.handlers.received).toContainEqual({ user: 'alice', content: `hello over ${kind}` });
      const [toAlice] = await alice.waitForMessages('/topic/rooms/7', 1);
      const [toBob] = await bob.waitForMessages('/topic/rooms/7', 1);
      const expected = { roomId: 7, sender: 'alice', content: `hello over ${kind}` };
      expect(JSON.parse(toAlice.body)).toEqual(expected);
      expect(JSON.parse(toBob.body)).toEqual(expected);
      expect(toAlice.headers['content-type']).toBe('application/json');
      expect(toAlice.headers['message-id']).toBe(toBob.headers['message-id']);
    },
  );

  it('delivers awkward text byte for byte and in order on every transport (SockJS websocket frames are written directly)', async () => {
    const kinds: ClientKind[] = ['ws', 'sockjs-websocket', 'sockjs-xhr-streaming'];
    const receivers = await Promise.all(kinds.map((kind, i) => client(kind, `user:r${i}`)));
    for (const r of receivers) await r.subscribed('/topic/rooms/9');
    const sender = await client('ws', 'user:sender');
    const awkward = 'quote " backslash \\ newline \n tab \t sep \u2028\u2029 bom \ufeff emoji 😀 zw \u200d é';
    const count = 60;
    for (let i = 0; i < count; i++)
      sender.client.publish({
        destination: '/app/chat.sendMessage',
        body: JSON.stringify({ roomId: 9, content: `${i} ${awkward}` }),
      });
    for (const r of receivers) {
      const got = await r.waitForMessages('/topic/rooms/9', count);
      expect(got.map((m) => (JSON.parse(m.body) as { content: string }).content)).toEqual(
        Array.from({ length: count }, (_, i) => `${i} ${awkward}`),
      );
    }
  });

  it('negotiates the STOMP subprotocol and version over raw WebSocket', async () => {
    const r = raw(['v10.stomp', 'v12.stomp']);
    const connected = await r.connect('user:zed');
    expect(r.ws.protocol).toBe('v12.stomp');
    expect(connected.headers).toMatchObject({
      version: '1.2',
      'user-name': 'name-zed',
      server: 'nest-stomp/1.0',
    });
  });

  it('refuses CONNECT without a valid token with ERROR Unauthorized, then closes', async () => {
    const r = raw();
    await r.opened;
    r.send('CONNECT\naccept-version:1.2\n\n\0');
    const error = await r.next('ERROR');
    expect(error.headers.message).toBe('Unauthorized');
    await r.waitClosed();
  });

  it('delivers validation failures and handler errors to /user/queue/errors and keeps the connection', async () => {
    const alice = await client('ws');
    await alice.subscribed('/user/queue/errors');
    alice.client.publish({
      destination: '/app/chat.sendMessage',
      body: JSON.stringify({ roomId: 'x', content: '', extra: 1 }),
      headers: { receipt: 'bad-1' },
    });
    alice.client.publish({
      destination: '/app/chat.sendMessage',
      body: JSON.stringify({ roomId: 1, content: 'forbidden' }),
    });
    alice.client.publish({
      destination: '/app/chat.sendMessage',
      body: JSON.stringify({ roomId: 1, content: 'crash' }),
    });
    alice.client.publish({ destination: '/app/chat.sendMessage', body: '{not json' });
    const errors = await alice.waitForMessages('/user/queue/errors', 4);
    const [validation, forbidden, crash, malformed] = errors.map((m: IMessage) => JSON.parse(m.body));
    expect(validation).toMatchObject({
      status: 400,
      message: 'Validation failed',
      destination: '/app/chat.sendMessage',
      receiptId: 'bad-1',
    });
    expect(validation.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'content',
      'extra',
      'roomId',
    ]);
    expect(errors[0].headers['receipt-id']).toBe('bad-1');
    expect(forbidden).toEqual({ status: 403, message: 'Not a member', destination: '/app/chat.sendMessage' });
    expect(crash).toEqual({
      status: 500,
      message: 'Internal server error',
      destination: '/app/chat.sendMessage',
    });
    expect(malformed).toMatchObject({ status: 400, message: 'Malformed JSON payload' });
    expect(alice.client.connected).toBe(true);
    expect(alice.errors).toHaveLength(0);
  });

  it('routes {var} patterns and @SendToUser replies to the calling session only', async () => {
    const a1 = await client('ws', 'user:dora');
    const a2 = await client('sockjs-websocket', 'user:dora');
    await a1.subscribed('/user/queue/replies');
    await a2.subscribed('/user/queue/replies');
    a1.client.publish({ destination: '/app/echo.parrot', body: 'polly' });
    const [reply] = await a1.waitForMessages('/user/queue/replies', 1);
    expect(JSON.parse(reply.body)).toEqual({ name: 'parrot', text: 'polly' });
    expect(reply.headers.destination).toBe('/user/queue/replies');
    a1.client.publish({ destination: '/app/echo.again', body: 'twice' });
    await a1.waitForMessages('/user/queue/replies', 2);
    expect(a2.messages.get('/user/queue/replies')).toHaveLength(0);
  });

  it('sends user destinations to every session of the user across transports', async () => {
    const s1 = await client('ws', 'user:erin');
    const s2 = await client('sockjs-xhr-streaming', 'user:erin');
    const other = await client('ws', 'user:frank');
    for (const c of [s1, s2, other]) await c.subscribed('/user/queue/notifications');
    await t.broker.sendToUser('erin', '/queue/notifications', { text: 'hi erin' });
    expect(JSON.parse((await s1.waitForMessages('/user/queue/notifications', 1))[0].body)).toEqual({
      text: 'hi erin',
    });
    expect(JSON.parse((await s2.waitForMessages('/user/queue/notifications', 1))[0].body)).toEqual({
      text: 'hi erin',
    });
    await t.broker.sendToUser('frank', '/queue/notifications', { text: 'hi frank' });
    await other.waitForMessages('/user/queue/notifications', 1);
    expect(other.bodies('/user/queue/notifications')).toEqual([{ text: 'hi frank' }]);
    expect(s1.bodies('/user/queue/notifications')).toEqual([{ text: 'hi erin' }]);
  });

  it('refuses a SEND to /topic as a security error (ERROR, then close)', async () => {
    const r = raw();
    await r.connect('user:mallory');
    r.send('SEND\ndestination:/topic/rooms/1\n\n{"forged":true}\0');
    const error = await r.next('ERROR');
    expect(error.headers.message).toBe('Clients may not send to broker destination /topic/rooms/1');
    expect((await r.waitClosed()).code).toBe(1008);
  });

  it('closes on a forbidden SUBSCRIBE', async () => {
    const c = new TestStompClient(t, 'ws', 'user:gina');
    clients.push(c);
    await c.connect();
    c.subscribe('/topic/rooms/666');
    await eventually(() => c.errors.length > 0, 'ERROR frame');
    expect(c.errors[0].headers.message).toBe('Forbidden to subscribe to /topic/rooms/666');
    await eventually(() => c.closeCode !== undefined, 'close');
  });

  it('revokes live subscriptions and notifies the session', async () => {
    const h = await client('sockjs-websocket', 'user:hank');
    await h.subscribed('/user/queue/errors');
    await h.subscribed('/topic/rooms/9');
    await t.broker.publish('/topic/rooms/9', { n: 1 });
    await h.waitForMessages('/topic/rooms/9', 1);
    await t.broker.revokeSubscriptions('hank', '/topic/rooms/9/**', 'You were removed from the room');
    const [notice] = await h.waitForMessages('/user/queue/errors', 1);
    expect(JSON.parse(notice.body)).toEqual({
      status: 403,
      message: 'You were removed from the room',
      destination: '/topic/rooms/9',
    });
    await t.broker.publish('/topic/rooms/9', { n: 2 });
    await t.broker.sendToUser('hank', '/queue/errors', { marker: true });
    await h.waitForMessages('/user/queue/errors', 2);
    expect(h.bodies('/topic/rooms/9')).toEqual([{ n: 1 }]);
  });

  it('acks in client-individual mode and supports transactions with real clients', async () => {
    const c = await client('ws', 'user:ivy');
    await c.subscribed('/topic/acks', { ack: 'client-individual' });
    await t.broker.publish('/topic/acks', 'm1');
    const [message] = await c.waitForMessages('/topic/acks', 1);
    const session = t.broker.getUserSessions('ivy')[0] as unknown as {
      subscriptions: Map<string, { unacked: Set<string> }>;
    };
    const pending = () => [...session.subscriptions.values()].reduce((n, s) => n + s.unacked.size, 0);
    expect(pending()).toBe(1);
    const tx = c.client.begin();
    message.ack({ transaction: tx.id });
    c.client.publish({
      destination: '/app/chat.sendMessage',
      body: JSON.stringify({ roomId: 3, content: 'in tx' }),
      headers: { transaction: tx.id },
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(pending()).toBe(1);
    expect(t.handlers.received).not.toContainEqual({ user: 'ivy', content: 'in tx' });
    const committed = c.receipt('commit');
    c.client.commit(tx.id);
    c.client.publish({ destination: '/app/echo.x', headers: { receipt: 'commit' }, body: '' });
    await committed;
    expect(pending()).toBe(0);
    expect(t.handlers.received).toContainEqual({ user: 'ivy', content: 'in tx' });
  });

  it('disconnects every session of a user with an ERROR', async () => {
    const a = await client('ws', 'user:jack');
    const b = await client('sockjs-xhr-streaming', 'user:jack');
    await t.broker.disconnectUser('jack', 'Account deleted');
    await eventually(() => a.errors.length > 0 && b.errors.length > 0, 'ERROR on both sessions');
    expect(a.errors[0].headers.message).toBe('Account deleted');
    expect(b.errors[0].headers.message).toBe('Account deleted');
    await eventually(() => t.broker.getUserSessions('jack').length === 0, 'sessions gone');
    await eventually(() => a.closeCode !== undefined && b.closeCode !== undefined, 'both sockets closed');
    expect(a.closeCode).toBe(1008);
    expect(b.closeCode).toBe(1008);
  });

  it('emits connected and disconnected events', async () => {
    const events: string[] = [];
    const offConnected = t.broker.events.on(
      'connected',
      (e) => void events.push(`connected:${e.session.principal?.id}`),
    );
    const offDisconnected = t.broker.events.on(
      'disconnected',
      (e) => void events.push(`disconnected:${e.session.principal?.id}:${e.reason}`),
    );
    const c = await client('ws', 'user:kim');
    await c.close();
    await eventually(() => events.length === 2, 'both events');
    expect(events).toEqual(['connected:kim', 'disconnected:kim:client-disconnect']);
    offConnected();
    offDisconnected();
  });

  it('reports counters', async () => {
    const c = await client('ws', 'user:lou');
    await c.subscribed('/topic/stats');
    const before = t.broker.stats();
    await t.broker.publish('/topic/stats', 'x');
    await c.waitForMessages('/topic/stats', 1);
    const after = t.broker.stats();
    expect(after.messagesDelivered).toBe(before.messagesDelivered + 1);
    expect(after.sessions).toBeGreaterThanOrEqual(1);
    expect(after.subscriptions).toBeGreaterThanOrEqual(1);
    expect(after.framesIn).toBeGreaterThan(0);
  });

  it('closes sessions with an ERROR and code 1012 on shutdown', async () => {
    const other = await startApp();
    try {
      const c = new TestStompClient(other, 'ws', 'user:max');
      await c.connect();
      const r = new RawClient(other.wsUrl);
      await r.connect('user:nia');
      await other.close();
      const closed = await r.waitClosed();
      expect(closed.code).toBe(1012);
      expect(r.frames.find((f) => f.command === 'ERROR')?.headers.message).toBe('Server shutting down');
      await eventually(() => c.errors.length > 0, 'ERROR');
      expect(c.errors[0].headers.message).toBe('Server shutting down');
      await c.close();
    } finally {
      await withTimeout(other.app.close(), 'second close').catch(() => undefined);
    }
  });
});
