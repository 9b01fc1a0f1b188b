import { Logger } from '@nestjs/common';
import { fakeBroker, fakeRegistry } from '../../test/fake-broker';
import { FakeConnection, settle } from '../../test/fake-connection';
import { StompError } from '../stomp.error';
import type { StompAuthenticator, StompAuthorizer, StompDisconnectedEvent } from '../stomp.interfaces';
import type { StompModuleOptions } from '../stomp.options';

type Handler = (body: string) => Promise<void>;

function setup(options: StompModuleOptions = {}) {
  const handlers = new Map<string, Handler>();
  const registry = fakeRegistry(
    (path) => {
      const fn = handlers.get(path);
      return fn && { invoke: fn };
    },
    (call) => [call.frame.body.toString()],
  );
  const handshakes: Record<string, unknown>[] = [];
  /** While set, authentications (`slow:` tokens) and SUBSCRIBE checks wait for it. */
  const gates: { auth?: Promise<void>; subscribe?: Promise<void> } = {};
  /** Destinations the authorizer refuses from now on. */
  const denied = new Set<string>();
  const authenticator: StompAuthenticator = {
    async authenticate({ headers, httpHeaders }) {
      handshakes.push({ ...httpHeaders });
      let token = headers.passcode;
      if (!token) throw new Error('Unauthorized');
      if (token.startsWith('slow:')) {
        await gates.auth;
        token = token.slice(5);
      }
      // `cred:<user>:<credential id>:<generation>`
      const cred = /^cred:(\w+):(\w+):(\d+)$/.exec(token);
      if (cred)
        return { id: cred[1], name: cred[1], credential: { id: cred[2], generation: Number(cred[3]) } };
      if (token === 'expired') return { id: 'u', name: 'u', expiresAt: Date.now() - 1 };
      if (token.startsWith('short:'))
        return { id: token.slice(6), name: 'short', expiresAt: Date.now() + 100 };
      return { id: token, name: `name-${token}` };
    },
  };
  const authorizer: StompAuthorizer = {
    canSubscribe: async (_s, destination) => {
      // Decided first, answered when the gate opens: like a check that read the database, then waited.
      const allowed = !destination.includes('secret') && !denied.has(destination);
      await gates.subscribe;
      return allowed;
    },
  };
  const broker = fakeBroker(options, registry, authenticator, authorizer);
  const disconnected: StompDisconnectedEvent[] = [];
  broker.events.on('disconnected', (e) => void disconnected.push(e));
  const open = () => {
    const connection = new FakeConnection();
    const session = broker.openSession(connection);
    return { connection, session };
  };
  const connect = async (user = 'alice', extra = '') => {
    const client = open();
    client.connection.receive(`CONNECT\naccept-version:1.1,1.2\npasscode:${user}\n${extra}\n\0`);
    await settle();
    expect(client.connection.commands()).toEqual(['CONNECTED']);
    return client;
  };
  return { broker, handlers, open, connect, disconnected, handshakes, gates, denied };
}

describe('StompSession', () => {
  let ctx: ReturnType<typeof setup>;
  beforeAll(() => Logger.overrideLogger(false));
  afterEach(() => {
    ctx?.broker.onApplicationShutdown();
    jest.useRealTimers();
  });

  describe('CONNECT', () => {
    beforeEach(() => (ctx = setup()));

    it('negotiates the highest common version and answers CONNECTED', async () => {
      const { connection, session } = await ctx.connect('alice');
      const connected = connection.last('CONNECTED')!;
      expect(connected.headers).toMatchObject({
        version: '1.2',
        'heart-beat': '0,0',
        session: session.id,
        server: 'nest-stomp/1.0',
        'user-name': 'name-alice',
      });
      expect(session.principal).toEqual({ id: 'alice', name: 'name-alice' });
    });

    it('accepts STOMP like CONNECT and defaults to 1.0 without accept-version', async () => {
      const { connection, session } = ctx.open();
      connection.receive('STOMP\npasscode:bob\n\n\0');
      await settle();
      expect(connection.last()?.headers.version).toBe('1.0');
      expect(session.version).toBe('1.0');
    });

    it('refuses unsupported versions with the supported list, then closes', async () => {
      const { connection } = ctx.open();
      connection.receive('CONNECT\naccept-version:2.0\npasscode:a\n\n\0');
      await settle();
      const error = connection.last('ERROR')!;
      expect(error.headers.version).toBe('1.2,1.1,1.0');
      expect(connection.closedWith?.code).toBe(1002);
    });

    it('answers any frame before CONNECT with ERROR and closes', async () => {
      const { connection } = ctx.open();
      connection.receive('SEND\ndestination:/app/x\n\n\0');
      await settle();
      expect(connection.commands()).toEqual(['ERROR']);
      expect(connection.last()?.headers.message).toMatch(/Expected CONNECT/);
      expect(connection.closedWith).toBeDefined();
    });

    it('refuses failed authentication with the error message', async () => {
      const { connection } = ctx.open();
      connection.receive('CONNECT\naccept-version:1.2\n\n\0');
      await settle();
      expect(connection.last('ERROR')?.headers.message).toBe('Unauthorized');
      expect(connection.closedWith).toBeDefined();
      expect(ctx.disconnected).toHaveLength(0);
    });

    it('refuses an already expired principal', async () => {
      const { connection } = ctx.open();
      connection.receive('CONNECT\naccept-version:1.2\npasscode:expired\n\n\0');
      await settle();
      expect(connection.last('ERROR')?.headers.message).toBe('Token expired');
    });

    it('rejects a second CONNECT and unknown commands', async () => {
      const a = await ctx.connect();
      a.connection.receive('CONNECT\naccept-version:1.2\npasscode:alice\n\n\0');
      await settle();
      expect(a.connection.last('ERROR')?.headers.message).toBe('Already connected');
      const b = await ctx.connect();
      b.connection.receive('FOO\n\n\0');
      await settle();
      expect(b.connection.last('ERROR')?.headers.message).toBe('Unknown command FOO');
      expect(ctx.disconnected.map((e) => e.reason)).toEqual(['protocol-error', 'protocol-error']);
    });

    it('answers a malformed frame with ERROR and closes', async () => {
      const { connection } = await ctx.connect();
      connection.receive('SEND\nbad header line\n\n\0');
      await settle();
      expect(connection.last('ERROR')?.headers.message).toMatch(/without ":"/);
      expect(connection.closedWith?.code).toBe(1002);
    });
  });

  describe('frames', () => {
    beforeEach(() => (ctx = setup()));

    it('sends RECEIPT for SEND only after the handler resolved', async () => {
      let release!: () => void;
      ctx.handlers.set('slow', () => new Promise<void>((resolve) => (release = resolve)));
      const { connection } = await ctx.connect();
      connection.receive('SEND\ndestination:/app/slow\nreceipt:r1\n\nhi\0');
      await settle();
      expect(connection.last('RECEIPT')).toBeUndefined();
      release();
      await settle();
      expect(connection.last('RECEIPT')?.headers['receipt-id']).toBe('r1');
    });

    it('reports handler failures on /user/queue/errors with the receipt id and sends no RECEIPT', async () => {
      ctx.handlers.set('fail', async () => {
        throw new StompError(403, 'Not a member');
      });
      const { connection } = await ctx.connect();
      connection.receive('SUBSCRIBE\nid:e\ndestination:/user/queue/errors\n\n\0');
      connection.receive('SEND\ndestination:/app/fail\nreceipt:r9\n\n{}\0');
      await settle();
      expect(connection.last('RECEIPT')).toBeUndefined();
      const message = connection.last('MESSAGE')!;
      expect(message.headers).toMatchObject({
        destination: '/user/queue/errors',
        'receipt-id': 'r9',
        subscription: 'e',
      });
      expect(JSON.parse(message.body.toString())).toEqual({
        status: 403,
        message: 'Not a member',
        destination: '/app/fail',
        receiptId: 'r9',
      });
      expect(connection.closedWith).toBeUndefined();
    });

    it('hides unexpected handler errors behind a 500', async () => {
      ctx.handlers.set('crash', async () => {
        throw new TypeError('secret internals');
      });
      const { connection } = await ctx.connect();
      connection.receive(
        'SUBSCRIBE\nid:e\ndestination:/user/queue/errors\n\n\0SEND\ndestination:/app/crash\n\n\0',
      );
      await settle();
      const body = JSON.parse(connection.last('MESSAGE')!.body.toString());
      expect(body).toEqual({ status: 500, message: 'Internal server error', destination: '/app/crash' });
      expect(connection.closedWith).toBeUndefined();
    });

    it('processes one session frames strictly in order', async () => {
      const order: string[] = [];
      ctx.handlers.set('log', async (body) => {
        if (body === '1') await new Promise((resolve) => setTimeout(resolve, 20));
        order.push(body);
      });
      const { connection } = await ctx.connect();
      connection.receive('SEND\ndestination:/app/log\n\n1\0SEND\ndestination:/app/log\n\n2\0');
      connection.receive('SEND\ndestination:/app/log\nreceipt:last\n\n3\0');
      for (let i = 0; i < 50 && !connection.last('RECEIPT'); i++) await new Promise((r) => setTimeout(r, 10));
      expect(order).toEqual(['1', '2', '3']);
    });

    it('treats SEND to broker and user destinations as a security error', async () => {
      for (const destination of ['/topic/rooms/1', '/user/queue/x', '/queue/a']) {
        const { connection } = await ctx.connect();
        connection.receive(`SEND\ndestination:${destination}\n\nforged\0`);
        await settle();
        expect(connection.last('ERROR')?.headers.message).toMatch(/may not send/);
        expect(connection.closedWith?.code).toBe(1008);
      }
      expect(ctx.disconnected.map((e) => e.reason)).toEqual(['forbidden', 'forbidden', 'forbidden']);
    });

    it('answers a handler-less application destination with 404 on the error queue', async () => {
      const { connection } = await ctx.connect();
      connection.receive(
        'SUBSCRIBE\nid:e\ndestination:/user/queue/errors\n\n\0SEND\ndestination:/app/none\n\n\0',
      );
      await settle();
      expect(JSON.parse(connection.last('MESSAGE')!.body.toString()).status).toBe(404);
    });

    it('requires headers and enforces the subscription cap', async () => {
      const a = await ctx.connect();
      a.connection.receive('SUBSCRIBE\ndestination:/topic/a\n\n\0');
      await settle();
      expect(a.connection.last('ERROR')?.headers.message).toBe('Missing id header in SUBSCRIBE');
      ctx.broker.onApplicationShutdown();
      ctx = setup({ limits: { maxSubscriptionsPerSession: 2 } });
      const b = await ctx.connect();
      b.connection.receive(
        'SUBSCRIBE\nid:1\ndestination:/topic/a\n\n\0SUBSCRIBE\nid:2\ndestination:/topic/b\n\n\0SUBSCRIBE\nid:3\ndestination:/topic/c\n\n\0',
      );
      await settle();
      expect(b.connection.last('ERROR')?.headers.message).toMatch(/Too many subscriptions/);
    });

    it('closes on a forbidden SUBSCRIBE', async () => {
      const { connection } = await ctx.connect();
      connection.receive('SUBSCRIBE\nid:1\ndestination:/topic/secret\nreceipt:s\n\n\0');
      await settle();
      const error = connection.last('ERROR')!;
      expect(error.headers.message).toBe('Forbidden to subscribe to /topic/secret');
      expect(error.headers['receipt-id']).toBe('s');
      expect(connection.closedWith?.code).toBe(1008);
      expect(ctx.broker.stats().subscriptions).toBe(0);
    });

    it('delivers broadcasts with subscription ids and honours UNSUBSCRIBE', async () => {
      const a = await ctx.connect('alice');
      const b = await ctx.connect('bob');
      a.connection.receive('SUBSCRIBE\nid:sub-0\ndestination:/topic/r\nreceipt:1\n\n\0');
      b.connection.receive('SUBSCRIBE\nid:x\ndestination:/topic/r\n\n\0');
      await settle();
      expect(a.connection.last('RECEIPT')?.headers['receipt-id']).toBe('1');
      await ctx.broker.publish('/topic/r', { hello: 'world' });
      const ma = a.connection.last('MESSAGE')!;
      const mb = b.connection.last('MESSAGE')!;
      expect(ma.headers).toMatchObject({
        destination: '/topic/r',
        subscription: 'sub-0',
        'content-type': 'application/json',
      });
      expect(mb.headers.subscription).toBe('x');
      expect(ma.headers['message-id']).toBeTruthy();
      expect(JSON.parse(ma.body.toString())).toEqual({ hello: 'world' });
      a.connection.receive('UNSUBSCRIBE\nid:sub-0\nreceipt:u\n\n\0');
      await settle();
      await ctx.broker.publish('/topic/r', 'second');
      expect(a.connection.frames.filter((f) => f.command === 'MESSAGE')).toHaveLength(1);
      expect(b.connection.last('MESSAGE')?.body.toString()).toBe('second');
    });

    it('DISCONNECT with receipt answers RECEIPT then closes normally', async () => {
      const { connection } = await ctx.connect();
      connection.receive('DISCONNECT\nreceipt:bye\n\n\0');
      await settle();
      expect(connection.last()?.command).toBe('RECEIPT');
      expect(connection.closedWith?.code).toBe(1000);
      expect(ctx.disconnected[0].reason).toBe('client-disconnect');
    });
  });

  describe('acks and transactions', () => {
    beforeEach(() => (ctx = setup()));

    it('client mode acks cumulatively, client-individual one by one, NACK is reported', async () => {
      const { connection, session } = await ctx.connect();
      const nacks: string[] = [];
      ctx.broker.events.on('nack', (e) => void nacks.push(e.messageId));
      connection.receive('SUBSCRIBE\nid:c\ndestination:/topic/c\nack:client\n\n\0');
      connection.receive('SUBSCRIBE\nid:i\ndestination:/topic/i\nack:client-individual\n\n\0');
      await settle();
      for (let n = 0; n < 3; n++) {
        await ctx.broker.publish('/topic/c', `c${n}`);
        await ctx.broker.publish('/topic/i', `i${n}`);
      }
      const messages = connection.frames.filter((f) => f.command === 'MESSAGE');
      const acksOf = (sub: string) =>
        messages.filter((m) => m.headers.subscription === sub).map((m) => m.headers.ack);
      const [c0, c1, c2] = acksOf('c');
      const [i0, i1, i2] = acksOf('i');
      expect(c0).toBeTruthy();
      connection.receive(`ACK\nid:${c1}\n\n\0ACK\nid:${i1}\nreceipt:a\n\n\0NACK\nid:${i2}\n\n\0`);
      await settle();
      expect(connection.last('RECEIPT')?.headers['receipt-id']).toBe('a');
      expect([...session.subscriptions.get('c')!.unacked]).toEqual([c2.split('@')[0]]);
      expect([...session.subscriptions.get('i')!.unacked]).toEqual([i0.split('@')[0]]);
      expect(nacks).toEqual([i2.split('@')[0]]);
    });

    it('holds transactional SENDs and ACKs until COMMIT and drops them on ABORT', async () => {
      const seen: string[] = [];
      ctx.handlers.set('t', async (body) => void seen.push(body));
      const { connection } = await ctx.connect();
      connection.receive('BEGIN\ntransaction:tx1\nreceipt:b\n\n\0');
      connection.receive('SEND\ndestination:/app/t\ntransaction:tx1\nreceipt:s1\n\none\0');
      connection.receive('SEND\ndestination:/app/t\ntransaction:tx1\n\ntwo\0');
      await settle();
      expect(seen).toEqual([]);
      expect(connection.frames.map((f) => f.headers['receipt-id']).filter(Boolean)).toEqual(['b']);
      connection.receive('COMMIT\ntransaction:tx1\nreceipt:c\n\n\0');
      await settle();
      expect(seen).toEqual(['one', 'two']);
      expect(connection.frames.map((f) => f.headers['receipt-id']).filter(Boolean)).toEqual(['b', 's1', 'c']);
      connection.receive('BEGIN\ntransaction:tx2\n\n\0SEND\ndestination:/app/t\ntransaction:tx2\n\nthree\0');
      connection.receive('ABORT\ntransaction:tx2\nreceipt:ab\n\n\0');
      await settle();
      expect(seen).toEqual(['one', 'two']);
      expect(connection.last('RECEIPT')?.headers['receipt-id']).toBe('ab');
      connection.receive('COMMIT\ntransaction:tx2\n\n\0');
      await settle();
      expect(connection.last('ERROR')?.headers.message).toBe('Unknown transaction tx2');
    });

    it('aborts open transactions when the transport closes', async () => {
      const seen: string[] = [];
      ctx.handlers.set('t', async (body) => void seen.push(body));
      const { connection, session } = await ctx.connect();
      connection.receive('BEGIN\ntransaction:tx\n\n\0SEND\ndestination:/app/t\ntransaction:tx\n\nlost\0');
      await settle();
      expect(session.openTransactions).toBe(1);
      connection.drop();
      await settle();
      expect(session.openTransactions).toBe(0);
      expect(seen).toEqual([]);
      expect(ctx.disconnected[0].reason).toBe('transport-closed');
    });
  });

  describe('user destinations and control operations', () => {
    beforeEach(() => (ctx = setup()));

    it('sends to every session of a user, or to one session', async () => {
      const a1 = await ctx.connect('alice');
      const a2 = await ctx.connect('alice');
      const b = await ctx.connect('bob');
      for (const c of [a1, a2, b])
        c.connection.receive('SUBSCRIBE\nid:n\ndestination:/user/queue/notifications\n\n\0');
      await settle();
      await ctx.broker.sendToUser('alice', '/queue/notifications', { n: 1 });
      expect(a1.connection.last('MESSAGE')?.headers.destination).toBe('/user/queue/notifications');
      expect(JSON.parse(a2.connection.last('MESSAGE')!.body.toString())).toEqual({ n: 1 });
      expect(b.connection.last('MESSAGE')).toBeUndefined();
      await ctx.broker.sendToSession(a2.session.id, '/user/queue/notifications', 'only-a2');
      expect(a2.connection.last('MESSAGE')?.body.toString()).toBe('only-a2');
      expect(a1.connection.frames.filter((f) => f.command === 'MESSAGE')).toHaveLength(1);
    });

    it('revokes matching subscriptions with a 403 notice', async () => {
      const a = await ctx.connect('alice');
      a.connection.receive(
        'SUBSCRIBE\nid:e\ndestination:/user/queue/errors\n\n\0SUBSCRIBE\nid:r\ndestination:/topic/rooms/5\n\n\0' +
          'SUBSCRIBE\nid:t\ndestination:/topic/rooms/5/typing\n\n\0SUBSCRIBE\nid:o\ndestination:/topic/rooms/50\n\n\0',
      );
      await settle();
      await ctx.broker.revokeSubscriptions('alice', '/topic/rooms/5/**', 'Removed from room');
      expect([...a.session.subscriptions.keys()].sort()).toEqual(['e', 'o']);
      const notices = a.connection.frames
        .filter((f) => f.command === 'MESSAGE')
        .map((f) => JSON.parse(f.body.toString()));
      expect(notices).toEqual([
        { status: 403, message: 'Removed from room', destination: '/topic/rooms/5' },
        { status: 403, message: 'Removed from room', destination: '/topic/rooms/5/typing' },
      ]);
      await ctx.broker.publish('/topic/rooms/5', 'after');
      expect(a.connection.frames.filter((f) => f.command === 'MESSAGE')).toHaveLength(2);
    });

    it('disconnects every session of a user with an ERROR', async () => {
      const a1 = await ctx.connect('alice');
      const a2 = await ctx.connect('alice');
      const b = await ctx.connect('bob');
      await ctx.broker.disconnectUser('alice', 'Account deleted');
      expect(a1.connection.last('ERROR')?.headers.message).toBe('Account deleted');
      expect(a2.connection.closedWith).toBeDefined();
      expect(b.connection.closedWith).toBeUndefined();
      expect(ctx.broker.getUserSessions('alice')).toHaveLength(0);
      expect(ctx.broker.stats().sessions).toBe(1);
    });

    it('closeAll sends a shutdown ERROR and closes with 1012', async () => {
      const a = await ctx.connect('alice');
      await ctx.broker.closeAll();
      expect(a.connection.last('ERROR')?.headers.message).toBe('Server shutting down');
      expect(a.connection.closedWith?.code).toBe(1012);
      expect(ctx.disconnected[0].reason).toBe('shutdown');
    });
  });

  describe('timers and backpressure', () => {
    it('sends heart-beats and drops a silent client', async () => {
      jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
      ctx = setup({ heartbeat: { outgoing: 100, incoming: 100, graceMs: 50 } });
      const { connection } = await ctx.connect('alice', 'heart-beat:100,100\n');
      expect(connection.last('CONNECTED')?.headers['heart-beat']).toBe('100,100');
      jest.advanceTimersByTime(220);
      expect(connection.heartbeats).toBeGreaterThanOrEqual(1);
      connection.receive('\n');
      jest.advanceTimersByTime(200);
      expect(connection.closedWith).toBeUndefined();
      jest.advanceTimersByTime(100);
      await settle();
      expect(connection.last('ERROR')?.headers.message).toBe('Heart-beat timeout');
      expect(ctx.disconnected[0].reason).toBe('heartbeat-timeout');
    });

    it('hands the handshake headers to the authenticator, then lets the connection forget them', async () => {
      ctx = setup();
      const { connection } = await ctx.connect('alice');
      expect(ctx.handshakes).toEqual([{ 'user-agent': 'fake' }]);
      expect(connection.httpHeaders).toEqual({});
    });

    it('shares one heart-beat timer per period between sessions and frees it with the last one', async () => {
      jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
      ctx = setup({ heartbeat: { outgoing: 100, incoming: 100, graceMs: 50 } });
      const a = await ctx.connect('a', 'heart-beat:100,100\n');
      const b = await ctx.connect('b', 'heart-beat:100,100\n');
      const c = await ctx.connect('c', 'heart-beat:300,300\n');
      expect(ctx.broker.heartbeatsOut.timers).toBe(2); // 100 ms (a, b) and 300 ms (c)
      expect(ctx.broker.heartbeatChecks.timers).toBe(2); // 50 ms and 150 ms
      // The first tick after CONNECTED finds a frame sent (CONNECTED itself); the second sends EOL.
      jest.advanceTimersByTime(200);
      expect([a, b].map((x) => x.connection.heartbeats)).toEqual([1, 1]);
      expect(c.connection.heartbeats).toBe(0);
      a.session.close('client-disconnect', 1000);
      b.session.close('client-disconnect', 1000);
      c.session.close('client-disconnect', 1000);
      expect(ctx.broker.heartbeatsOut.timers).toBe(0);
      expect(ctx.broker.heartbeatChecks.timers).toBe(0);
    });

    it('closes sockets that never CONNECT', async () => {
      jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
      ctx = setup({ connectTimeoutMs: 1000 });
      const { connection } = ctx.open();
      jest.advanceTimersByTime(1001);
      expect(connection.last('ERROR')?.headers.message).toBe('CONNECT timeout');
      expect(connection.closedWith).toBeDefined();
    });

    it('closes a session when its principal expires (checked by the broker sweep, within a second)', async () => {
      jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
      ctx = setup();
      const { connection } = await ctx.connect('short:carol');
      jest.advanceTimersByTime(50);
      expect(connection.last('ERROR')).toBeUndefined();
      jest.advanceTimersByTime(1000);
      expect(connection.last('ERROR')?.headers.message).toBe('Token expired');
      expect(ctx.disconnected[0].reason).toBe('expired');
    });

    it('closes a consumer over the outbound buffer limit with 4500', async () => {
      ctx = setup({ limits: { maxOutboundBufferBytes: 1000 } });
      const slow = await ctx.connect('slow');
      const fast = await ctx.connect('fast');
      for (const c of [slow, fast]) c.connection.receive('SUBSCRIBE\nid:1\ndestination:/topic/t\n\n\0');
      await settle();
      slow.connection.buffered = 5000;
      await ctx.broker.publish('/topic/t', 'x');
      expect(slow.connection.closedWith?.code).toBe(4500);
      await ctx.broker.publish('/topic/t', 'y');
      expect(fast.connection.frames.filter((f) => f.command === 'MESSAGE')).toHaveLength(2);
      expect(ctx.broker.stats().slowConsumerCloses).toBe(1);
    });

    it('closes a consumer that makes no write progress', async () => {
      ctx = setup({ limits: { slowConsumerTimeoutMs: 1000 } });
      const { connection, session } = await ctx.connect('stuck');
      connection.buffered = 10;
      const now = Date.now();
      session.checkDeadlines(now);
      session.checkDeadlines(now + 10);
      expect(connection.closedWith).toBeUndefined();
      session.checkDeadlines(now + 1100);
      expect(connection.closedWith?.code).toBe(4500);
    });
  });

  describe('bounds per user and per session', () => {
    const messages = (c: { connection: FakeConnection }) =>
      c.connection.frames.filter((f) => f.command === 'MESSAGE');

    it('refuses the newest session past maxSessionsPerUser and keeps the others; a close frees a slot', async () => {
      ctx = setup({ limits: { maxSessionsPerUser: 2 } });
      const first = await ctx.connect('alice');
      await ctx.connect('alice');
      const third = ctx.open();
      third.connection.receive('CONNECT\naccept-version:1.2\npasscode:alice\n\n\0');
      await settle();
      expect(third.connection.last('ERROR')?.headers.message).toBe('Too many sessions for this user (max 2)');
      expect(third.connection.closedWith?.code).toBe(1008);
      expect(ctx.broker.getUserSessions('alice')).toHaveLength(2);
      expect(first.connection.closedWith).toBeUndefined();
      expect(ctx.broker.stats().sessionsRefused).toBe(1);
      await ctx.connect('bob');
      first.connection.drop();
      await settle();
      await ctx.connect('alice');
      expect(ctx.broker.getUserSessions('alice')).toHaveLength(2);
    });

    it('subscribes a session to one destination once: a second SUBSCRIBE to it is an ERROR', async () => {
      ctx = setup();
      const a = await ctx.connect();
      a.connection.receive(
        'SUBSCRIBE\nid:1\ndestination:/topic/t\n\n\0SUBSCRIBE\nid:2\ndestination:/topic/t\n\n\0',
      );
      await settle();
      expect(a.connection.last('ERROR')?.headers.message).toBe(
        'Already subscribed to /topic/t (subscription 1)',
      );
      expect(a.connection.closedWith).toBeDefined();
      // Unsubscribing frees the destination; another session has its own.
      const b = await ctx.connect('bob');
      b.connection.receive(
        'SUBSCRIBE\nid:1\ndestination:/topic/t\n\n\0UNSUBSCRIBE\nid:1\n\n\0SUBSCRIBE\nid:2\ndestination:/topic/t\nreceipt:r\n\n\0',
      );
      await settle();
      expect(b.connection.last('RECEIPT')?.headers['receipt-id']).toBe('r');
      await ctx.broker.publish('/topic/t', 'once');
      expect(messages(b)).toHaveLength(1);
    });

    it('remembers at most maxUnackedPerSession ids, forgets the oldest, and releases them with the subscription', async () => {
      ctx = setup({ limits: { maxUnackedPerSession: 4 } });
      const { connection, session } = await ctx.connect();
      connection.receive(
        'SUBSCRIBE\nid:a\ndestination:/topic/a\nack:client-individual\n\n\0SUBSCRIBE\nid:b\ndestination:/topic/b\nack:client\n\n\0',
      );
      await settle();
      for (let n = 0; n < 10; n++) await ctx.broker.publish('/topic/a', `a${n}`);
      expect(session.unackedMessages).toBe(4);
      expect(ctx.broker.stats().unackedMessages).toBe(4);
      const acks = connection.frames.filter((f) => f.command === 'MESSAGE').map((f) => f.headers.ack);
      expect([...session.subscriptions.get('a')!.unacked]).toEqual(acks.slice(6).map((a) => a.split('@')[0]));
      // /topic/b's deliveries evict /topic/a's oldest while /topic/b has none of its own.
      await ctx.broker.publish('/topic/b', 'b0');
      expect(session.subscriptions.get('a')!.unacked.size).toBe(3);
      expect(session.unackedMessages).toBe(4);
      // An ACK of a forgotten id is ignored; of a remembered one settles it.
      connection.receive(`ACK\nid:${acks[0]}\nreceipt:old\n\n\0ACK\nid:${acks[9]}\nreceipt:new\n\n\0`);
      await settle();
      expect(connection.last('RECEIPT')?.headers['receipt-id']).toBe('new');
      expect(session.unackedMessages).toBe(3);
      connection.receive('UNSUBSCRIBE\nid:a\n\n\0');
      await settle();
      expect(session.unackedMessages).toBe(1);
      connection.drop();
      await settle();
      expect(ctx.broker.stats().unackedMessages).toBe(0);
    });

    it('NACK settles the message like an ACK, with its receipt, and nothing is redelivered', async () => {
      ctx = setup();
      const { connection, session } = await ctx.connect();
      const nacks: string[] = [];
      ctx.broker.events.on('nack', (e) => void nacks.push(e.messageId));
      connection.receive('SUBSCRIBE\nid:i\ndestination:/topic/i\nack:client-individual\n\n\0');
      await settle();
      await ctx.broker.publish('/topic/i', 'only once');
      const ack = connection.last('MESSAGE')!.headers.ack;
      connection.receive(`NACK\nid:${ack}\nreceipt:n\n\n\0`);
      await settle(30);
      expect(connection.last()?.command).toBe('RECEIPT');
      expect(messages({ connection })).toHaveLength(1);
      expect(session.unackedMessages).toBe(0);
      expect(nacks).toEqual([ack.split('@')[0]]);
    });

    it('closes a session whose unprocessed frames pass maxPendingBytes', async () => {
      ctx = setup({ limits: { maxPendingBytes: 1000 } });
      let release!: () => void;
      ctx.handlers.set('slow', () => new Promise<void>((resolve) => (release = resolve)));
      const { connection } = await ctx.connect();
      connection.receive('SEND\ndestination:/app/slow\n\n\0');
      await settle();
      connection.receive(`SEND\ndestination:/app/slow\n\n${'x'.repeat(600)}\0`);
      await settle();
      expect(connection.closedWith).toBeUndefined();
      connection.receive(`SEND\ndestination:/app/slow\n\n${'y'.repeat(600)}\0`);
      await settle();
      expect(connection.last('ERROR')?.headers.message).toBe('Too many unprocessed frames');
      release();
    });
  });

  describe('transactions within a budget', () => {
    it('refuses BEGIN when transactions are off, and too many open ones', async () => {
      ctx = setup({ limits: { maxTransactionsPerSession: 0 } });
      const off = await ctx.connect();
      off.connection.receive('BEGIN\ntransaction:t\n\n\0');
      await settle();
      expect(off.connection.last('ERROR')?.headers.message).toBe('Transactions are not supported');
      ctx.broker.onApplicationShutdown();
      ctx = setup({ limits: { maxTransactionsPerSession: 2 } });
      const two = await ctx.connect();
      two.connection.receive(
        'BEGIN\ntransaction:a\n\n\0BEGIN\ntransaction:b\n\n\0BEGIN\ntransaction:c\n\n\0',
      );
      await settle();
      expect(two.connection.last('ERROR')?.headers.message).toBe('Too many open transactions (max 2)');
    });

    it('closes a session whose transactions would hold more than maxTransactionBytes; commit and abort free the budget', async () => {
      ctx = setup({ limits: { maxTransactionBytes: 1000 } });
      const seen: string[] = [];
      ctx.handlers.set('t', async (body) => void seen.push(body));
      const { connection, session } = await ctx.connect();
      const send = (tx: string, body: string) =>
        connection.receive(`SEND\ndestination:/app/t\ntransaction:${tx}\n\n${body}\0`);
      connection.receive('BEGIN\ntransaction:a\n\n\0');
      send('a', 'x'.repeat(700));
      connection.receive('COMMIT\ntransaction:a\nreceipt:c\n\n\0BEGIN\ntransaction:b\n\n\0');
      send('b', 'y'.repeat(700));
      connection.receive('ABORT\ntransaction:b\n\n\0BEGIN\ntransaction:c\n\n\0');
      send('c', 'z'.repeat(400));
      await settle();
      expect(connection.closedWith).toBeUndefined();
      expect(session.transactionBytes).toBeGreaterThan(400);
      expect(seen).toEqual(['x'.repeat(700)]);
      send('c', 'w'.repeat(600));
      await settle();
      expect(connection.last('ERROR')?.headers.message).toBe(
        'Transactions hold too much (max 1000 bytes per session): commit or abort first',
      );
      expect(seen).toHaveLength(1);
    });

    it('checks a SEND before holding it: a forged broadcast closes at once, an invalid one is refused and not held', async () => {
      ctx = setup();
      const seen: string[] = [];
      ctx.handlers.set('t', async (body) => void seen.push(body));
      const a = await ctx.connect();
      a.connection.receive(
        'SUBSCRIBE\nid:e\ndestination:/user/queue/errors\n\n\0BEGIN\ntransaction:tx\n\n\0',
      );
      a.connection.receive('SEND\ndestination:/app/nowhere\ntransaction:tx\nreceipt:r1\n\nlost\0');
      a.connection.receive('SEND\ndestination:/app/t\ntransaction:tx\n\nkept\0');
      await settle();
      const error = a.connection.last('MESSAGE')!;
      expect(error.headers['receipt-id']).toBe('r1');
      expect(JSON.parse(error.body.toString())).toMatchObject({ status: 404, destination: '/app/nowhere' });
      a.connection.receive('COMMIT\ntransaction:tx\nreceipt:c\n\n\0');
      await settle();
      expect(seen).toEqual(['kept']);
      expect(a.connection.last('RECEIPT')?.headers['receipt-id']).toBe('c');
      const b = await ctx.connect('bob');
      b.connection.receive(
        'BEGIN\ntransaction:tx\n\n\0SEND\ndestination:/topic/forged\ntransaction:tx\n\nx\0',
      );
      await settle();
      expect(b.connection.last('ERROR')?.headers.message).toBe(
        'Clients may not send to broker destination /topic/forged',
      );
      expect(b.connection.closedWith?.code).toBe(1008);
    });
  });

  describe('credentials and access that change while sessions live', () => {
    it('ends only the sessions of a revoked credential id, or of generations below a number', async () => {
      ctx = setup();
      const old1 = await ctx.connect('cred:alice:t1:1');
      const other = await ctx.connect('cred:alice:t2:1');
      const fresh = await ctx.connect('cred:alice:t3:2');
      const bob = await ctx.connect('cred:bob:t1:1');
      await ctx.broker.disconnectUser('alice', 'Token revoked', { credentialId: 't1' });
      expect(old1.connection.last('ERROR')?.headers.message).toBe('Token revoked');
      expect(other.connection.closedWith).toBeUndefined();
      expect(bob.connection.closedWith).toBeUndefined();
      await ctx.broker.disconnectUser('alice', 'Password changed', { generationBelow: 2 });
      expect(other.connection.last('ERROR')?.headers.message).toBe('Password changed');
      expect(other.connection.closedWith?.code).toBe(1008);
      expect(fresh.connection.closedWith).toBeUndefined();
      expect(ctx.broker.getUserSessions('alice')).toHaveLength(1);
    });

    it('refuses a CONNECT authenticated with a credential revoked while it was being authenticated', async () => {
      ctx = setup();
      let release!: () => void;
      ctx.gates.auth = new Promise<void>((resolve) => (release = resolve));
      const late = ctx.open();
      late.connection.receive('CONNECT\naccept-version:1.2\npasscode:slow:cred:alice:t1:1\n\n\0');
      await settle();
      await ctx.broker.disconnectUser('alice', 'Token revoked', { generationBelow: 2 });
      release();
      await settle();
      expect(late.connection.commands()).toEqual(['ERROR']);
      expect(late.connection.last('ERROR')?.headers.message).toBe('Token revoked');
      // A credential of the new generation connects.
      ctx.gates.auth = undefined;
      await ctx.connect('cred:alice:t2:2');
    });

    it("re-authorizes a user's subscriptions: those refused now are removed with a notice, the others stay", async () => {
      ctx = setup();
      const a = await ctx.connect('alice');
      const b = await ctx.connect('bob');
      a.connection.receive(
        'SUBSCRIBE\nid:e\ndestination:/user/queue/errors\n\n\0SUBSCRIBE\nid:1\ndestination:/topic/rooms/1\n\n\0' +
          'SUBSCRIBE\nid:2\ndestination:/topic/rooms/2\n\n\0',
      );
      b.connection.receive('SUBSCRIBE\nid:1\ndestination:/topic/rooms/1\n\n\0');
      await settle();
      ctx.denied.add('/topic/rooms/1');
      await ctx.broker.reauthorize('alice', 'Your roles changed');
      await settle();
      expect([...a.session.subscriptions.keys()].sort()).toEqual(['2', 'e']);
      expect(JSON.parse(a.connection.last('MESSAGE')!.body.toString())).toEqual({
        status: 403,
        message: 'Your roles changed',
        destination: '/topic/rooms/1',
      });
      expect([...b.session.subscriptions.keys()]).toEqual(['1']);
    });

    it('checks a SUBSCRIBE again when access changed while its check ran', async () => {
      ctx = setup();
      const a = await ctx.connect('alice');
      let release!: () => void;
      ctx.gates.subscribe = new Promise<void>((resolve) => (release = resolve));
      a.connection.receive('SUBSCRIBE\nid:1\ndestination:/topic/rooms/7\nreceipt:s\n\n\0');
      await settle();
      // The check under way read the old access; the revocation lands before it answers.
      ctx.denied.add('/topic/rooms/7');
      await ctx.broker.revokeSubscriptions('alice', '/topic/rooms/7/**');
      release();
      ctx.gates.subscribe = undefined;
      await settle();
      expect(a.connection.last('ERROR')?.headers.message).toBe('Forbidden to subscribe to /topic/rooms/7');
      expect(ctx.broker.stats().subscriptions).toBe(0);
    });
  });

  it('speaks STOMP 1.0: ids default to the destination and headers are not escaped', async () => {
    ctx = setup();
    const { connection } = ctx.open();
    connection.receive('CONNECT\npasscode:old\n\n\0SUBSCRIBE\ndestination:/topic/v\n\n\0');
    await settle();
    await ctx.broker.publish('/topic/v', 'x', { note: 'a:b' });
    const message = connection.last('MESSAGE')!;
    expect(message.headers.subscription).toBe('/topic/v');
    expect(message.headers.note).toBe('a:b');
  });
});
