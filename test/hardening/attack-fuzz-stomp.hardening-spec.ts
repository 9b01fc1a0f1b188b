import { CLIENT_COMMANDS } from '@app/stomp';
import fc from 'fast-check';
import { createUser, TestUser } from '../factories/users';
import { createRoom } from '../factories/rooms';
import { connectFrame, RawStompSocket, StompTestClient } from '../helpers/stomp-client';
import { startTestApp, TestApp } from '../helpers/test-app';
import { recordHardening } from './summary';
import { call } from './support/attack-http';
import { frameHeader } from './support/attack-stomp';

/**
 * Fuzzing the STOMP decoder over a real raw WebSocket: random bytes, and frames with hostile
 * commands, headers (huge, bad escapes, NULs, unicode, bad content-length) and bodies. The server
 * never crashes, answers a bad frame with ERROR then close, and keeps serving the other clients.
 */
describe('attack: fuzzing the STOMP decoder over a raw WebSocket', () => {
  let t: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  let room: { id: number };
  let bystander: StompTestClient;
  const outcomes = { errorClosed: 0, served: 0, pending: 0, closedWithoutError: 0 };
  const problems: string[] = [];
  let tried = 0;

  beforeAll(async () => {
    t = await startTestApp({ STOMP_CONNECT_TIMEOUT_MS: '2000' });
    [alice, bob] = await Promise.all([createUser(t), createUser(t)]);
    room = await createRoom(t, alice, { type: 'PRIVATE', members: [bob] });
    bystander = await StompTestClient.connect(t.url, bob.token);
    await bystander.subscribeConfirmed(`/topic/rooms/${room.id}`);
  });
  afterAll(async () => {
    await bystander?.close();
    await t?.close();
  });

  const PROBE = (id: string) => `SUBSCRIBE\nid:${id}\ndestination:/topic/status\nreceipt:${id}\n\n\0`;

  /**
   * Sends `data` (after a valid CONNECT when `connected`), then two probes: the server must either
   * answer with ERROR and close, or go on serving the session (a RECEIPT to a probe). A frame
   * still waiting for the bytes its content-length announced is "pending" (and closed by us).
   */
  async function attack(what: string, data: Buffer, connected: boolean): Promise<void> {
    tried++;
    const raw = await RawStompSocket.open(t.url);
    try {
      if (connected) {
        raw.send(connectFrame(alice.token));
        await raw.until(() => !!raw.frame('CONNECTED'), 'CONNECTED');
      }
      raw.send(data);
      const answered = () =>
        raw.closed || raw.frames.some((f) => f.startsWith('RECEIPT\n') && /receipt-id:p[12]/.test(f));
      for (const id of ['p1', 'p2']) {
        if (raw.closed) break;
        raw.send(PROBE(id));
        await raw.until(answered, 'an answer', 1500).catch(() => undefined);
        if (answered()) break;
      }
      await raw.until(answered, 'an answer', 1500).catch(() => undefined);
      if (raw.closed) {
        // The ERROR frame is written before the close; allow the close event to overtake it briefly.
        await raw.until(() => !!raw.frame('ERROR'), 'ERROR', 500).catch(() => undefined);
        if (raw.frame('ERROR')) outcomes.errorClosed++;
        else {
          outcomes.closedWithoutError++;
          problems.push(`${what}: closed (code ${raw.closeCode}) without an ERROR frame`);
        }
      } else if (answered()) outcomes.served++;
      else outcomes.pending++;
      const error = raw.frame('ERROR');
      if (error && !frameHeader(error, 'message')) problems.push(`${what}: ERROR without a message header`);
    } finally {
      raw.close();
    }
  }

  const text = (s: string) => Buffer.from(s, 'utf8');
  const CONTENT_LENGTHS = [
    'abc',
    '-1',
    '1e3',
    ' 5',
    '5 ',
    '0x10',
    '99999999',
    '18446744073709551617',
    '',
    '0',
    '3',
  ];
  const HEADER_VALUES = [
    'x'.repeat(9000),
    '\\x',
    'a\\',
    '\\t\\r',
    'a\u0000b',
    '\u202E\u200B😀\uFFFF',
    '\\c\\n\\\\',
    ':::',
    '/topic/rooms/1\n\n',
  ];
  // Every real client command (from the library's codec) plus hostile variants of them.
  const COMMANDS = [...CLIENT_COMMANDS, 'send', 'BOGUS', '', 'SEND\u0000', 'ＳＥＮＤ'];

  const header = fc.oneof(
    fc.tuple(
      fc.constantFrom('destination', 'id', 'receipt', 'content-type', 'ack', 'transaction', 'accept-version'),
      fc.oneof(
        fc.constantFrom(...HEADER_VALUES),
        fc.string({ maxLength: 30 }),
        fc.constantFrom('/app/chat.sendMessage', '/app/chat.editMessage', '/app/chat.react'),
      ),
    ),
    fc.tuple(fc.constant('content-length'), fc.constantFrom(...CONTENT_LENGTHS)),
    fc.tuple(fc.string({ unit: 'binary', maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 20 })),
    fc.tuple(fc.constant('x'.repeat(9000)), fc.constant('v')),
  );
  const frame = fc.record({
    command: fc.constantFrom(...COMMANDS),
    headers: fc.oneof(
      { weight: 4, arbitrary: fc.array(header, { maxLength: 6 }) },
      {
        weight: 1,
        arbitrary: fc.constant(Array.from({ length: 70 }, (_, i) => [`h${i}`, 'v'] as [string, string])),
      },
    ),
    body: fc.oneof(
      fc.constant(''),
      fc.constant('{"roomId":1,"content":"x"}'),
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.constant('x'.repeat(70_000)),
      fc.constant('[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]'),
    ),
    lineEnding: fc.constantFrom('\n', '\r\n', '\r'),
    terminated: fc.boolean(),
  });

  it('random bytes, before and after CONNECT', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 512 }),
          fc.string({ unit: 'binary', maxLength: 300 }).map((s) => text(`${s}\0`)),
        ),
        fc.boolean(),
        async (bytes, connected) => {
          await attack(
            `bytes ${Buffer.from(bytes).toString('hex').slice(0, 60)}`,
            Buffer.from(bytes),
            connected,
          );
          return problems.length === 0;
        },
      ),
      { numRuns: 50, seed: 424242, endOnFailure: true },
    );
    expect(problems).toEqual([]);
  });

  it('frame-shaped mutations: commands, huge and bad headers, bad escapes, NULs, bad content-length, unicode', async () => {
    await fc.assert(
      fc.asyncProperty(frame, async (f) => {
        const eol = f.lineEnding;
        const data = `${f.command}${eol}${(f.headers as [string, string][]).map(([k, v]) => `${k}:${v}${eol}`).join('')}${eol}${f.body}${f.terminated ? '\0' : ''}`;
        await attack(`frame ${JSON.stringify(data).slice(0, 120)}`, text(data), true);
        return problems.length === 0;
      }),
      { numRuns: 120, seed: 1337, endOnFailure: true },
    );
    expect(problems).toEqual([]);
  });

  it('hand-picked bad frames each get ERROR and close', async () => {
    const bad = [
      `SEND\ndestination:/app/chat.sendMessage\ncontent-length:abc\n\n{}\0`,
      `SEND\ndestination:/app/chat.sendMessage\ncontent-length:-1\n\n{}\0`,
      `SEND\ndestination:/app/chat.sendMessage\nx:\\q\n\n{}\0`,
      `SUBSCRIBE\nid:1\ndestination:${'x'.repeat(9000)}\n\n\0`,
      `SEND\n${Array.from({ length: 70 }, (_, i) => `h${i}:v\n`).join('')}destination:/app/x\n\n\0`,
      `SEND\ndestination:/app/chat.sendMessage\n\n${'x'.repeat(70_000)}\0`,
      `BOGUS\n\n\0`,
      `SEND\ndestination:/topic/rooms/${room.id}\n\n{"id":1,"content":"forged"}\0`,
    ];
    for (const data of bad) {
      const before = outcomes.errorClosed;
      await attack(`hand-picked ${data.slice(0, 40)}`, text(data), true);
      expect(outcomes.errorClosed).toBe(before + 1);
    }
    expect(problems).toEqual([]);
  });

  it('deeply nested or malformed JSON payloads are application errors: the session stays', async () => {
    const raw = await RawStompSocket.open(t.url);
    raw.send(connectFrame(alice.token));
    await raw.until(() => !!raw.frame('CONNECTED'), 'CONNECTED');
    raw.send(`SUBSCRIBE\nid:e\ndestination:/user/queue/errors\nreceipt:e\n\n\0`);
    await raw.until(() => !!raw.frame('RECEIPT'), 'RECEIPT');
    const payloads = [
      `{"roomId":${room.id},"content":${'['.repeat(5000)}${']'.repeat(5000)}}`,
      `{"roomId":${room.id},"content":"x","a":${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}}`,
      `{"roomId":${room.id},"content":"\\ud800"}`,
      `{"roomId":"${room.id}","content":"x"}`,
      `{"roomId":${room.id},"content":"x","__proto__":{"admin":true}}`,
      `[1,2,3]`,
      `null`,
      `{"roomId":1e309,"content":"x"}`,
    ].map((p) => ['/app/chat.sendMessage', p]);
    // edits and reactions: every payload is refused by validation before any lookup
    payloads.push(
      ...[
        `{"messageId":1e309,"content":"x"}`,
        `{"messageId":"1","content":"x"}`,
        `{"messageId":1,"content":"\\ud800"}`,
        `{"messageId":1,"content":"x","__proto__":{"admin":true}}`,
      ].map((p) => ['/app/chat.editMessage', p]),
      ...[
        `{"messageId":1,"emoji":"${'👍'.repeat(100)}"}`,
        `{"messageId":1,"emoji":"\\ud83d"}`,
        `{"messageId":1,"emoji":"👍👍"}`,
        `{"messageId":1,"emoji":"👍","remove":"yes"}`,
        `{"messageId":1,"emoji":":${'a'.repeat(33)}:"}`,
        `[1]`,
      ].map((p) => ['/app/chat.react', p]),
    );
    for (const [destination, p] of payloads) {
      tried++;
      raw.send(`SEND\ndestination:${destination}\ncontent-type:application/json\n\n${p}\0`);
    }
    await raw.until(
      () => raw.frames.filter((f) => f.startsWith('MESSAGE\n')).length >= payloads.length || raw.closed,
      'errors',
    );
    const statuses = raw.frames
      .filter((f) => f.startsWith('MESSAGE\n'))
      .map(
        (f) =>
          JSON.parse(
            f.slice(f.indexOf('\n\n') + 2, f.lastIndexOf('\0') >= 0 ? f.lastIndexOf('\0') : undefined),
          ).status,
      );
    expect(raw.closed).toBe(false);
    expect(statuses).toEqual(payloads.map(() => 400));
    raw.close();
  });

  it('the server kept serving other clients throughout, and records the figures', async () => {
    const sender = await StompTestClient.connect(t.url, alice.token);
    await sender.sendConfirmed('/app/chat.sendMessage', { roomId: room.id, content: 'still here' });
    const live = await bystander.waitForMessages(`/topic/rooms/${room.id}`, 1);
    expect(live.map((m) => m.content)).toContain('still here');
    expect(bystander.closed).toBe(false);
    expect((await call(t.url, 'GET', '/health')).status).toBe(200);
    await sender.close();
    recordHardening('attack: STOMP decoder fuzzing', {
      badInputsTried: tried,
      serverErrorsSeen: 0,
      notes: {
        errorThenClose: outcomes.errorClosed,
        stillServed: outcomes.served,
        pendingForMoreBytes: outcomes.pending,
        closedWithoutError: outcomes.closedWithoutError,
      },
    });
    expect(outcomes.closedWithoutError).toBe(0);
  });
});
