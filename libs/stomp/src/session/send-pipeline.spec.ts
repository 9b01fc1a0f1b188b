import { Logger } from '@nestjs/common';
import { fakeBroker, fakeRegistry } from '../../test/fake-broker';
import { FakeConnection, settle } from '../../test/fake-connection';
import { StompError } from '../stomp.error';
import type { StompAuthenticator, StompAuthorizer, StompFrameOrder } from '../stomp.interfaces';
import type { StompModuleOptions } from '../stomp.options';
import { IMMEDIATE_ORDER } from './send-pipeline';

type Handler = (body: string, order: StompFrameOrder) => Promise<void>;

interface Gate {
  promise: Promise<void>;
  open(): void;
  fail(error: unknown): void;
}

function gate(): Gate {
  let open!: () => void;
  let fail!: (error: unknown) => void;
  const promise = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

/** A broker over fake connections whose handlers are plain functions, pipelined or not. */
function setup(options: StompModuleOptions = {}) {
  const handlers = new Map<string, { fn: Handler; pipelined: boolean }>();
  const registry = fakeRegistry(
    (path) => {
      const entry = handlers.get(path);
      return entry && { invoke: entry.fn, pipelined: entry.pipelined };
    },
    (call) => [call.frame.body.toString(), call.order],
  );
  const authenticator: StompAuthenticator = {
    authenticate: async ({ headers }) => ({ id: headers.passcode, name: headers.passcode }),
  };
  const authorizer: StompAuthorizer = {
    canSubscribe: () => true,
    canSend: (_s, destination) => !destination.endsWith('denied'),
  };
  const broker = fakeBroker(options, registry, authenticator, authorizer);
  const connect = async (extra = '') => {
    const connection = new FakeConnection();
    const session = broker.openSession(connection);
    connection.receive(`CONNECT\naccept-version:1.2\npasscode:alice\n${extra}\n\0`);
    await settle();
    expect(connection.commands()).toEqual(['CONNECTED']);
    return { connection, session };
  };
  /** A pipelined handler whose call for body `b` waits for `gates.get(b)`; `started` lists the calls. */
  const gated = (path: string, pipelined = true) => {
    const gates = new Map<string, Gate>();
    const started: string[] = [];
    handlers.set(path, {
      pipelined,
      fn: async (body) => {
        started.push(body);
        const g = gate();
        gates.set(body, g);
        await g.promise;
      },
    });
    return { gates, started, open: (body: string) => gates.get(body)!.open() };
  };
  return { broker, handlers, connect, gated };
}

const send = (path: string, body: string, receipt = `r${body}`) =>
  `SEND\ndestination:/app/${path}\nreceipt:${receipt}\n\n${body}\0`;

/** What the client saw, in order: `RECEIPT <id>`, `ERROR-MESSAGE <receipt-id>`, `ERROR <message>`, ... */
const seen = (connection: FakeConnection): string[] =>
  connection.frames
    .filter((f) => f.command !== 'CONNECTED')
    .map((f) =>
      f.command === 'RECEIPT'
        ? `RECEIPT ${f.headers['receipt-id']}`
        : f.command === 'MESSAGE'
          ? `ERROR-MESSAGE ${f.headers['receipt-id']}`
          : `${f.command} ${f.headers.message}`,
    );

describe('pipelined SENDs', () => {
  let ctx: ReturnType<typeof setup>;
  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => (ctx = setup()));
  afterEach(() => {
    ctx.broker.onApplicationShutdown();
    jest.useRealTimers();
  });

  it('dispatches consecutive SENDs without waiting and answers them in frame order', async () => {
    const p = ctx.gated('p');
    const { connection } = await ctx.connect();
    connection.receive(send('p', '1') + send('p', '2') + send('p', '3'));
    await settle();
    expect(p.started).toEqual(['1', '2', '3']);
    p.open('3');
    await settle();
    expect(seen(connection)).toEqual([]);
    p.open('1');
    await settle();
    expect(seen(connection)).toEqual(['RECEIPT r1']);
    p.open('2');
    await settle();
    expect(seen(connection)).toEqual(['RECEIPT r1', 'RECEIPT r2', 'RECEIPT r3']);
  });

  it("answers an error in its frame's place, withholds its RECEIPT and goes on with the frames after it", async () => {
    const p = ctx.gated('p');
    const { connection } = await ctx.connect();
    connection.receive('SUBSCRIBE\nid:e\ndestination:/user/queue/errors\nreceipt:sub\n\n\0');
    await settle();
    connection.receive(send('p', '1') + send('p', '2') + send('p', '3'));
    await settle();
    p.gates.get('2')!.fail(new StompError(400, 'Bad 2'));
    p.open('3');
    await settle();
    expect(seen(connection)).toEqual(['RECEIPT sub']);
    p.open('1');
    await settle();
    expect(seen(connection)).toEqual(['RECEIPT sub', 'RECEIPT r1', 'ERROR-MESSAGE r2', 'RECEIPT r3']);
    const error = connection.frames.find((f) => f.command === 'MESSAGE')!;
    expect(JSON.parse(error.body.toString())).toEqual({
      status: 400,
      message: 'Bad 2',
      destination: '/app/p',
      receiptId: 'r2',
    });
    expect(connection.closedWith).toBeUndefined();
  });

  it('runs the ordered step of each frame in frame order; a frame that fails first passes its turn', async () => {
    const steps: string[] = [];
    const gates = new Map<string, Gate>();
    ctx.handlers.set('p', {
      pipelined: true,
      fn: async (body, order) => {
        if (body === 'bad') throw new StompError(400, 'bad');
        const g = gate();
        gates.set(body, g);
        await g.promise;
        await order.turn(() => void steps.push(body));
      },
    });
    const { connection } = await ctx.connect();
    connection.receive(send('p', 'a') + send('p', 'bad') + send('p', 'b') + send('p', 'c'));
    await settle();
    gates.get('c')!.open();
    gates.get('b')!.open();
    await settle();
    expect(steps).toEqual([]);
    gates.get('a')!.open();
    await settle();
    expect(steps).toEqual(['a', 'b', 'c']);
    expect(seen(connection)).toEqual(['RECEIPT ra', 'RECEIPT rb', 'RECEIPT rc']);
  });

  it('holds the turn until the promise of the ordered step settles, and hands back its result', async () => {
    const steps: string[] = [];
    const step1 = gate();
    const results: unknown[] = [];
    ctx.handlers.set('p', {
      pipelined: true,
      fn: async (body, order) => {
        results.push(
          await order.turn(async () => {
            if (body === '1') await step1.promise;
            steps.push(body);
            return `done ${body}`;
          }),
        );
      },
    });
    const { connection } = await ctx.connect();
    connection.receive(send('p', '1') + send('p', '2'));
    await settle();
    expect(steps).toEqual([]);
    step1.open();
    await settle();
    expect(steps).toEqual(['1', '2']);
    expect(results).toEqual(['done 1', 'done 2']);
  });

  it('previousDone() resolves once every earlier frame is answered', async () => {
    const p = ctx.gated('p');
    const seenWhenDone: string[][] = [];
    const { connection } = await ctx.connect();
    ctx.handlers.set('after', {
      pipelined: true,
      fn: async (_body, order) => {
        await order.previousDone();
        seenWhenDone.push(seen(connection));
      },
    });
    connection.receive(send('p', '1') + send('after', '2'));
    await settle();
    expect(seenWhenDone).toEqual([]);
    p.open('1');
    await settle();
    expect(seenWhenDone).toEqual([['RECEIPT r1']]);
    expect(seen(connection)).toEqual(['RECEIPT r1', 'RECEIPT r2']);
  });

  it('makes every other frame wait for the pipelined SENDs before it, and the SENDs after it wait for it', async () => {
    const p = ctx.gated('p');
    const alone = ctx.gated('alone', false);
    const { connection } = await ctx.connect();
    connection.receive(
      send('p', '1') +
        send('alone', 'x') +
        send('p', '2') +
        'SUBSCRIBE\nid:s\ndestination:/topic/t\nreceipt:sub\n\n\0',
    );
    await settle();
    expect([p.started, alone.started]).toEqual([['1'], []]);
    p.open('1');
    await settle();
    expect([p.started, alone.started]).toEqual([['1'], ['x']]);
    alone.open('x');
    await settle();
    expect(p.started).toEqual(['1', '2']);
    expect(ctx.broker.stats().subscriptions).toBe(0);
    p.open('2');
    await settle();
    expect(seen(connection)).toEqual(['RECEIPT r1', 'RECEIPT rx', 'RECEIPT r2', 'RECEIPT sub']);
    expect(ctx.broker.stats().subscriptions).toBe(1);
  });

  it("answers a DISCONNECT's RECEIPT after every earlier frame is done, then closes", async () => {
    const p = ctx.gated('p');
    const { connection } = await ctx.connect();
    connection.receive(send('p', '1') + send('p', '2') + 'DISCONNECT\nreceipt:bye\n\n\0');
    await settle();
    expect(connection.closedWith).toBeUndefined();
    p.open('2');
    await settle();
    expect(connection.closedWith).toBeUndefined();
    p.open('1');
    await settle();
    expect(seen(connection)).toEqual(['RECEIPT r1', 'RECEIPT r2', 'RECEIPT bye']);
    expect(connection.closedWith?.code).toBe(1000);
  });

  it('keeps at most limits.maxFramesInFlight frames in flight: stops reading at the limit, reads again below', async () => {
    ctx.broker.onApplicationShutdown();
    ctx = setup({ limits: { maxFramesInFlight: 2 } });
    const p = ctx.gated('p');
    const { connection } = await ctx.connect();
    connection.receive(send('p', '1'));
    await settle();
    expect(connection.paused).toBe(false);
    connection.receive(send('p', '2') + send('p', '3') + send('p', '4'));
    await settle();
    expect(p.started).toEqual(['1', '2']);
    expect(connection.paused).toBe(true);
    p.open('2');
    await settle();
    expect(p.started).toEqual(['1', '2']); // 2 is done, but not answered before 1
    p.open('1');
    await settle();
    expect(p.started).toEqual(['1', '2', '3', '4']);
    expect(connection.paused).toBe(true);
    p.open('3');
    p.open('4');
    await settle();
    expect(connection.paused).toBe(false);
    expect(seen(connection)).toEqual(['RECEIPT r1', 'RECEIPT r2', 'RECEIPT r3', 'RECEIPT r4']);
  });

  it('counts frames waiting behind a slow frame handled alone toward the limit too', async () => {
    ctx.broker.onApplicationShutdown();
    ctx = setup({ limits: { maxFramesInFlight: 3 } });
    const alone = ctx.gated('alone', false);
    const { connection } = await ctx.connect();
    connection.receive(send('alone', '1') + send('alone', '2'));
    await settle();
    expect(connection.paused).toBe(false);
    connection.receive(send('alone', '3'));
    await settle();
    expect(connection.paused).toBe(true);
    alone.open('1');
    await settle();
    expect(connection.paused).toBe(false);
  });

  it('does not hold the silence of a paused session against the client', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    ctx.broker.onApplicationShutdown();
    ctx = setup({ heartbeat: { outgoing: 0, incoming: 100, graceMs: 50 }, limits: { maxFramesInFlight: 1 } });
    const p = ctx.gated('p');
    const { connection } = await ctx.connect('heart-beat:100,0\n');
    connection.receive(send('p', '1'));
    await settle();
    expect(connection.paused).toBe(true);
    jest.advanceTimersByTime(2000);
    expect(connection.closedWith).toBeUndefined();
    p.open('1');
    await settle();
    expect(connection.paused).toBe(false);
    jest.advanceTimersByTime(200);
    expect(connection.closedWith).toBeUndefined();
    jest.advanceTimersByTime(200);
    await settle();
    expect(connection.last('ERROR')?.headers.message).toBe('Heart-beat timeout');
  });

  it('closes on a refused SEND only after the answers of the frames before it; no later frame runs', async () => {
    const p = ctx.gated('p');
    ctx.handlers.set('denied', { pipelined: true, fn: async () => undefined });
    const { connection } = await ctx.connect();
    connection.receive(send('p', '1') + send('denied', 'x') + send('p', '2'));
    await settle();
    expect(seen(connection)).toEqual([]);
    p.open('1');
    await settle();
    expect(seen(connection)).toEqual(['RECEIPT r1', 'ERROR Forbidden to send to /app/denied']);
    expect(connection.last('ERROR')?.headers['receipt-id']).toBe('rx');
    expect(connection.closedWith?.code).toBe(1008);
    expect(p.started).toEqual(['1']);
  });

  it('holds transactional SENDs until COMMIT and runs them one by one there', async () => {
    const p = ctx.gated('p');
    const { connection } = await ctx.connect();
    connection.receive(
      'BEGIN\ntransaction:t\n\n\0' +
        'SEND\ndestination:/app/p\ntransaction:t\nreceipt:r1\n\n1\0' +
        'SEND\ndestination:/app/p\ntransaction:t\nreceipt:r2\n\n2\0' +
        'COMMIT\ntransaction:t\nreceipt:c\n\n\0',
    );
    await settle();
    expect(p.started).toEqual(['1']);
    p.open('1');
    await settle();
    expect(p.started).toEqual(['1', '2']);
    p.open('2');
    await settle();
    expect(seen(connection)).toEqual(['RECEIPT r1', 'RECEIPT r2', 'RECEIPT c']);
  });

  it('closing with SENDs in flight answers nothing more and reads again for the close handshake', async () => {
    ctx.broker.onApplicationShutdown();
    ctx = setup({ limits: { maxFramesInFlight: 1 } });
    const p = ctx.gated('p');
    const { connection } = await ctx.connect();
    connection.receive(send('p', '1') + send('p', '2'));
    await settle();
    expect(connection.paused).toBe(true);
    connection.drop();
    expect(connection.paused).toBe(false);
    p.open('1');
    await settle();
    expect(seen(connection)).toEqual([]);
    expect(p.started).toEqual(['1']);
  });

  it('gives handlers that are not pipelined an order whose earlier frames are all done', async () => {
    const step = jest.fn(() => 'now');
    await expect(IMMEDIATE_ORDER.turn(step)).resolves.toBe('now');
    expect(step).toHaveBeenCalledTimes(1);
    await expect(IMMEDIATE_ORDER.previousDone()).resolves.toBeUndefined();
  });
});
