import { Socket } from 'node:net';
import { RawClient, TestApp, eventually, startApp } from '../test/harness';

describe('STOMP limits and abusive clients (raw WebSocket)', () => {
  let t: TestApp;
  const raws: RawClient[] = [];
  const raw = (protocols?: string[]): RawClient => {
    const r = new RawClient(t.wsUrl, protocols);
    raws.push(r);
    return r;
  };

  beforeAll(async () => {
    t = await startApp({
      heartbeat: { outgoing: 50, incoming: 50, graceMs: 50 },
      connectTimeoutMs: 300,
    });
  });

  afterEach(() => {
    for (const r of raws.splice(0)) r.terminate();
  });

  afterAll(async () => {
    await t.close();
  });

  it('answers a frame before CONNECT with ERROR and closes', async () => {
    const r = raw();
    await r.opened;
    r.send('SUBSCRIBE\nid:1\ndestination:/topic/a\n\n\0');
    expect((await r.next('ERROR')).headers.message).toBe('Expected CONNECT, got SUBSCRIBE');
    expect((await r.waitClosed()).code).toBe(1002);
  });

  it('answers malformed frames with ERROR and closes', async () => {
    for (const bad of ['SEND\nno-colon-here\n\n\0', 'bogus\n\n\0', 'SEND\nx:a\\tb\n\n\0', 'FROB\n\n\0']) {
      const r = raw();
      await r.connect();
      r.send(bad);
      const error = await r.next('ERROR');
      expect(error.headers.message).toBeTruthy();
      await r.waitClosed();
    }
  });

  it('refuses an oversized frame with ERROR and closes', async () => {
    const r = raw();
    await r.connect();
    r.send(`SEND\ndestination:/app/chat.sendMessage\n\n${'x'.repeat(70 * 1024)}\0`);
    expect((await r.next('ERROR')).headers.message).toBe('Frame exceeds 65536 bytes');
    await r.waitClosed();
  });

  it('refuses too many headers', async () => {
    const r = raw();
    await r.connect();
    const headers = Array.from({ length: 70 }, (_, i) => `h${i}:v`).join('\n');
    r.send(`SEND\ndestination:/app/x\n${headers}\n\n\0`);
    expect((await r.next('ERROR')).headers.message).toBe('More than 64 headers');
  });

  it('reassembles frames split across WebSocket messages and splits packed ones, NUL bodies included', async () => {
    const r = raw();
    await r.connect('user:split');
    r.send('SUBSCRIBE\nid:s\ndestinat');
    r.send(
      'ion:/topic/split\nreceipt:r1\n\n\0SUBSCRIBE\nid:t\ndestination:/user/queue/replies\nreceipt:r2\n\n\0\n\n',
    );
    await r.next('RECEIPT');
    await eventually(() => r.frames.filter((f) => f.command === 'RECEIPT').length === 2, 'both receipts');
    await t.broker.publish('/topic/split', Buffer.from([1, 0, 2, 0]));
    const message = await r.next('MESSAGE');
    expect(message.body).toEqual(Buffer.from([1, 0, 2, 0]));
    expect(message.headers['content-length']).toBe('4');
    const body = Buffer.from('a\0b');
    r.send(
      Buffer.concat([
        Buffer.from(`SEND\ndestination:/app/echo.nul\ncontent-length:${body.length}\n\n`),
        body,
        Buffer.from([0]),
      ]),
    );
    const reply = await r.next('MESSAGE', r.frames.indexOf(message) + 1);
    expect(JSON.parse(reply.body.toString())).toEqual({ name: 'nul', text: 'a\0b' });
  });

  it('accepts a WebSocket without a STOMP subprotocol', async () => {
    const r = raw([]);
    const connected = await r.connect();
    expect(connected.headers.version).toBe('1.2');
    expect(r.ws.protocol).toBe('');
  });

  it('closes sockets that never send CONNECT', async () => {
    const r = raw();
    await r.opened;
    expect((await r.next('ERROR')).headers.message).toBe('CONNECT timeout');
    await r.waitClosed();
  });

  it('sends heart-beats and drops a client that stops sending them', async () => {
    const r = raw();
    const connected = await r.connect('user:beat', 'heart-beat:50,50\n');
    expect(connected.headers['heart-beat']).toBe('50,50');
    // Beat while waiting for the server's beats, so a loaded machine cannot turn the silence
    // deadline into a race with the second server beat; then fall silent.
    const beating = setInterval(() => r.send('\n'), 20);
    try {
      await eventually(() => r.heartbeats >= 2, 'server heart-beats');
    } finally {
      clearInterval(beating);
    }
    expect((await r.next('ERROR')).headers.message).toBe('Heart-beat timeout');
    await r.waitClosed();
  });

  it('keeps a client that sends heart-beats', async () => {
    const r = raw();
    await r.connect('user:alive', 'heart-beat:50,0\n');
    const timer = setInterval(() => r.send('\n'), 25);
    try {
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(r.frames.find((f) => f.command === 'ERROR')).toBeUndefined();
      expect(r.ws.readyState).toBe(r.ws.OPEN);
    } finally {
      clearInterval(timer);
    }
  });

  it('closes a slow consumer with 4500 while other subscribers keep receiving', async () => {
    const slow = raw();
    const fast = raw();
    await slow.connect('user:slow');
    await fast.connect('user:fast');
    for (const r of [slow, fast]) r.send('SUBSCRIBE\nid:sub-0\ndestination:/topic/flood\nreceipt:ok\n\n\0');
    await slow.next('RECEIPT');
    await fast.next('RECEIPT');
    const socket = (slow.ws as unknown as { _socket: Socket })._socket;
    socket.pause();
    const before = t.broker.stats().slowConsumerCloses;
    const payload = 'x'.repeat(32 * 1024);
    let sent = 0;
    while (t.broker.stats().slowConsumerCloses === before) {
      if (sent >= 4000) throw new Error('slow consumer was never closed');
      await t.broker.publish('/topic/flood', payload);
      sent++;
      if (sent % 8 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await t.broker.publish('/topic/flood', 'after');
    socket.resume();
    const closed = await slow.waitClosed();
    expect(closed.code).toBe(4500);
    await eventually(
      () => fast.frames.filter((f) => f.command === 'MESSAGE').length === sent + 1,
      'every message at the fast consumer',
      15000,
    );
    expect(fast.frames[fast.frames.length - 1].body.toString()).toBe('after');
    expect(fast.ws.readyState).toBe(fast.ws.OPEN);
  });
});

describe('limits.maxConnectionsPerAddress', () => {
  let t: TestApp;
  const raws: RawClient[] = [];

  beforeAll(async () => {
    t = await startApp({ limits: { maxConnectionsPerAddress: 3 }, connectTimeoutMs: 60000 });
  });

  afterEach(() => {
    for (const r of raws.splice(0)) r.terminate();
  });

  afterAll(async () => {
    await t.close();
  });

  it('closes sockets past the cap with 1008 at once, connected or not, and frees a slot when one closes', async () => {
    const open = [new RawClient(t.wsUrl), new RawClient(t.wsUrl), new RawClient(t.wsUrl)];
    raws.push(...open);
    await open[0].connect('user:first');
    await Promise.all(open.map((r) => r.opened));
    const extra = new RawClient(t.wsUrl);
    raws.push(extra);
    const refused = await extra.waitClosed();
    expect(refused).toEqual({ code: 1008, reason: 'Too many connections from this address' });
    expect(t.broker.stats().connectionsRefused).toBe(1);

    // The established session is untouched.
    open[0].send('SUBSCRIBE\nid:s\ndestination:/topic/cap\nreceipt:r\n\n\0');
    await open[0].next('RECEIPT');
    await t.broker.publish('/topic/cap', 'still here');
    expect((await open[0].next('MESSAGE')).body.toString()).toBe('still here');

    open[1].terminate();
    await open[1].waitClosed();
    const next = new RawClient(t.wsUrl);
    raws.push(next);
    await expect(next.connect('user:next')).resolves.toMatchObject({ command: 'CONNECTED' });
  });
});
