import { ClientKind, RawClient, TestApp, TestStompClient, eventually, startApp } from '../test/harness';

/** Closes `pipe.gate` of the test app's handlers; the returned function opens it. */
function closeGate(t: TestApp): () => void {
  let open!: () => void;
  t.handlers.pipe.gate = new Promise<void>((resolve) => (open = resolve));
  return open;
}

const body = (n: number) => (n % 7 === 3 ? `fail-${n}` : `m-${n}`);

describe('pipelined SENDs over real clients', () => {
  let t: TestApp;
  const clients: TestStompClient[] = [];
  const raws: RawClient[] = [];

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    for (const r of raws.splice(0)) r.terminate();
    t.handlers.pipe.steps.length = 0;
    t.handlers.pipe.maxActive = 0;
    t.handlers.pipe.gate = Promise.resolve();
  });

  describe('with the default limit (32 frames in flight)', () => {
    beforeAll(async () => {
      t = await startApp();
    });
    afterAll(() => t.close());

    it.each<ClientKind>(['ws', 'sockjs-websocket'])(
      'runs them together and answers in frame order: RECEIPTs, errors and the ordered steps (%s)',
      async (kind) => {
        const c = new TestStompClient(t, kind, 'user:pipe');
        clients.push(c);
        await c.connect();
        await c.subscribed('/user/queue/errors');
        const answers: string[] = [];
        const open = closeGate(t);
        const count = 40;
        for (let n = 0; n < count; n++) {
          c.client.watchForReceipt(`r${n}`, () => void answers.push(`RECEIPT r${n}`));
          c.client.publish({ destination: '/app/pipe.send', body: body(n), headers: { receipt: `r${n}` } });
        }
        await eventually(() => t.handlers.pipe.active === 32, '32 handlers running');
        open();
        const failures = Array.from({ length: count }, (_, n) => n).filter((n) => body(n).startsWith('fail'));
        await c.waitForMessages('/user/queue/errors', failures.length);
        await eventually(() => answers.length === count - failures.length, 'every RECEIPT');
        const errors = (c.messages.get('/user/queue/errors') ?? []).map(
          (m) => `ERROR ${m.headers['receipt-id']}`,
        );
        // Each kind in frame order; the errors carry the receipt they answer, in its place.
        expect(answers).toEqual(
          Array.from({ length: count }, (_, n) => n)
            .filter((n) => !body(n).startsWith('fail'))
            .map((n) => `RECEIPT r${n}`),
        );
        expect(errors).toEqual(failures.map((n) => `ERROR r${n}`));
        expect(t.handlers.pipe.steps).toEqual(
          Array.from({ length: count }, (_, n) => body(n)).filter((b) => !b.startsWith('fail')),
        );
        expect(t.handlers.pipe.maxActive).toBe(32);
      },
    );
  });

  describe('with limits.maxFramesInFlight = 4', () => {
    beforeAll(async () => {
      t = await startApp({ limits: { maxFramesInFlight: 4 } });
    });
    afterAll(() => t.close());

    it('stops reading the socket at the limit: a client far ahead is slowed by TCP, not cut off', async () => {
      const r = new RawClient(t.wsUrl);
      raws.push(r);
      await r.connect('user:flood');
      const open = closeGate(t);
      const framesBefore = t.broker.stats().framesIn;
      // 5000 frames of 4 KB (20 MB): far more than the kernel's socket buffers hold, and 5x the
      // 1000 queued frames after which a session that kept reading would be closed.
      const padding = 'x'.repeat(4000);
      const count = 5000;
      for (let n = 0; n < count; n++)
        r.send(`SEND\ndestination:/app/pipe.send\nreceipt:r${n}\n\nm-${n}-${padding}\0`);
      // The server's side of the socket stops reading once 4 frames are in flight.
      const session = t.broker.getUserSessions('flood')[0] as unknown as {
        connection: { ws: { isPaused: boolean } };
      };
      await eventually(() => session.connection.ws.isPaused, 'the server to stop reading', 10_000);
      expect(t.handlers.pipe.active).toBe(4);
      expect(t.broker.stats().framesIn - framesBefore).toBeLessThan(1000);
      open();
      await eventually(
        () => r.frames.filter((f) => f.command === 'RECEIPT').length === count,
        'every RECEIPT',
        60_000,
      );
      const receipts = r.frames.filter((f) => f.command === 'RECEIPT').map((f) => f.headers['receipt-id']);
      expect(receipts).toEqual(Array.from({ length: count }, (_, n) => `r${n}`));
      expect(r.frames.some((f) => f.command === 'ERROR')).toBe(false);
      expect(t.handlers.pipe.maxActive).toBe(4);
      expect(t.handlers.pipe.steps.map((s) => s.slice(0, s.lastIndexOf('-')))).toEqual(
        Array.from({ length: count }, (_, n) => `m-${n}`),
      );
    });
  });
});
