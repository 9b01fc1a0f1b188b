import fc from 'fast-check';
import request from 'supertest';
import { IMessage } from '@stomp/stompjs';
import { StompBroker } from '@app/stomp';
import { createRoom, TestRoom } from './factories/rooms';
import { bearer, createUser, TestUser } from './factories/users';
import { connectFrame, RawStompSocket, StompTestClient, StompTransport } from './helpers/stomp-client';
import { startTestApp, TestApp } from './helpers/test-app';

const SEND = '/app/chat.sendMessage';
const EDIT = '/app/chat.editMessage';
const ERRORS = '/user/queue/errors';
const topic = (room: { id: number }) => `/topic/rooms/${room.id}`;
const events = (room: { id: number }) => `/topic/rooms/${room.id}/events`;

/**
 * A session's SENDs to /app/chat.sendMessage are pipelined (docs/API-DECISIONS.md, "Pipelined
 * sends"): these specs send bursts without waiting and check what a client sees, in order.
 */
describe('pipelined sends over STOMP', () => {
  let t: TestApp;
  const clients: StompTestClient[] = [];
  const sockets: RawStompSocket[] = [];
  let alice: TestUser;
  let bob: TestUser;
  let room: TestRoom;
  /** Alice is a member of this one too; bob's room where alice is not a member. */
  let otherRoom: TestRoom;
  let foreignRoom: TestRoom;

  const connect = async (user: TestUser, transport: StompTransport = 'websocket') => {
    const c = await StompTestClient.connect(t.url, user.token, { transport });
    clients.push(c);
    return c;
  };

  /** What a client saw, in arrival order: `RECEIPT <id>` and `ERROR <receipt-id> <status>`. */
  const answerLog = async (c: StompTestClient) => {
    const log: string[] = [];
    const receipt = `sub-errors-${Math.random()}`;
    const subscribed = c.receipt(receipt);
    c.client.subscribe(
      ERRORS,
      (m: IMessage) => log.push(`ERROR ${m.headers['receipt-id']} ${JSON.parse(m.body).status}`),
      { receipt },
    );
    await subscribed;
    return {
      log,
      /** SEND with a receipt, recorded in `log` when its RECEIPT arrives (then `onReceipt` runs). */
      send(destination: string, body: object | string, receiptId: string, onReceipt?: () => void) {
        c.client.watchForReceipt(receiptId, () => {
          log.push(`RECEIPT ${receiptId}`);
          onReceipt?.();
        });
        c.send(destination, body, { receipt: receiptId });
      },
    };
  };

  const history = async (r: TestRoom) =>
    (await request(t.url).get(`/api/v1/messages/room/${r.id}?size=100`).set(bearer(alice)).expect(200))
      .body as {
      id: number;
      content: string;
    }[];

  beforeAll(async () => {
    t = await startTestApp();
    [alice, bob] = [await createUser(t), await createUser(t)];
    room = await createRoom(t, alice, { members: [bob] });
    otherRoom = await createRoom(t, alice);
    foreignRoom = await createRoom(t, bob);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    for (const s of sockets.splice(0)) s.close();
  });
  afterAll(() => t.close());

  // over SockJS too: its websocket transport batches the frames of a tick as the raw one does
  it.each<StompTransport>(['websocket', 'sockjs'])(
    'a burst from one session (%s): ids, broadcasts and RECEIPTs in frame order, each RECEIPT after its commit',
    async (transport) => {
      const r = await createRoom(t, alice, { members: [bob] });
      const a = await connect(alice, transport);
      const b = await connect(bob, transport);
      await b.subscribeConfirmed(topic(r));
      const { log, send } = await answerLog(a);
      const count = 30;
      // The RECEIPT means committed: the history read when the first one arrives has that message.
      let firstRead: Promise<{ content: string }[]> | undefined;
      // Every third one mentions bob: a query before its write, which the next ones must not overtake.
      const content = (n: number) => (n % 3 === 0 ? `burst ${n} @${bob.username}` : `burst ${n}`);
      for (let n = 0; n < count; n++)
        send(
          SEND,
          { roomId: r.id, content: content(n) },
          `r${n}`,
          n === 0
            ? () => {
                firstRead = history(r);
              }
            : undefined,
        );
      const live = await b.waitForMessages<{ id: number; content: string }>(topic(r), count);
      await a.until(() => log.length === count, 'every RECEIPT');
      expect(log).toEqual(Array.from({ length: count }, (_, n) => `RECEIPT r${n}`));
      expect(live.map((m) => m.content)).toEqual(Array.from({ length: count }, (_, n) => content(n)));
      expect(live.map((m) => m.id)).toEqual([...live.map((m) => m.id)].sort((x, y) => x - y));
      expect(new Set(live.map((m) => m.id)).size).toBe(count);
      expect((await history(r)).map((m) => m.id)).toEqual(live.map((m) => m.id));
      expect((await firstRead!).map((m) => m.content)).toContain(content(0));
    },
  );

  it('an invalid SEND answers its own frame: its error names its receipt, no RECEIPT, the frames after it go on', async () => {
    const r = await createRoom(t, alice, { members: [bob] });
    const a = await connect(alice);
    const b = await connect(bob);
    await b.subscribeConfirmed(topic(r));
    const { log, send } = await answerLog(a);
    send(SEND, { roomId: r.id, content: 'one' }, 'r1');
    send(SEND, { roomId: r.id, content: '   ' }, 'r2');
    send(SEND, { roomId: foreignRoom.id, content: 'not a member' }, 'r3');
    send(SEND, { roomId: r.id, content: 'two' }, 'r4');
    send(SEND, { roomId: 999999, content: 'no such room' }, 'r5');
    send(SEND, '{not json', 'r6');
    send(SEND, { roomId: r.id, content: 'reply to nothing', parentId: 999999999 }, 'r7');
    send(SEND, { roomId: r.id, content: 'three' }, 'r8');
    await a.until(() => log.length === 8, 'an answer for every frame');
    expect(log).toEqual([
      'RECEIPT r1',
      'ERROR r2 400',
      'ERROR r3 403',
      'RECEIPT r4',
      'ERROR r5 404',
      'ERROR r6 400',
      'ERROR r7 404',
      'RECEIPT r8',
    ]);
    const live = await b.waitForMessages<{ content: string }>(topic(r), 3);
    expect(live.map((m) => m.content)).toEqual(['one', 'two', 'three']);
    expect(a.closed).toBe(false);
  });

  it("a DISCONNECT's RECEIPT comes after every earlier SEND is committed and answered", async () => {
    const r = await createRoom(t, alice);
    const s = await RawStompSocket.open(t.url);
    sockets.push(s);
    const sends = Array.from(
      { length: 12 },
      (_, n) =>
        `SEND\ndestination:${SEND}\ncontent-type:application/json\nreceipt:r${n}\n\n` +
        JSON.stringify({ roomId: r.id, content: `before bye ${n}` }) +
        '\0',
    );
    s.send(connectFrame(alice.token) + sends.join('') + 'DISCONNECT\nreceipt:bye\n\n\0');
    await s.until(() => s.closed, 'the server to close after DISCONNECT');
    const receipts = s.frames
      .flatMap((f) => f.split('\0'))
      .filter((f) => f.startsWith('RECEIPT'))
      .map((f) => /receipt-id:(\S+)/.exec(f)![1]);
    expect(receipts).toEqual([...Array.from({ length: 12 }, (_, n) => `r${n}`), 'bye']);
    expect((await history(r)).map((m) => m.content)).toEqual(
      Array.from({ length: 12 }, (_, n) => `before bye ${n}`),
    );
  });

  it('replies and edits among pipelined sends keep the order they were sent in', async () => {
    const r = await createRoom(t, alice, { members: [bob] });
    const a = await connect(alice);
    const b = await connect(bob);
    await b.subscribeConfirmed(topic(r));
    await b.subscribeConfirmed(events(r));
    await a.sendConfirmed(SEND, { roomId: r.id, content: 'root' });
    const [root] = await b.waitForMessages<{ id: number }>(topic(r), 1);
    const { log, send } = await answerLog(a);
    send(SEND, { roomId: r.id, content: 'top 1' }, 's1');
    send(SEND, { roomId: r.id, content: 'reply 1', parentId: root.id }, 's2');
    send(EDIT, { messageId: root.id, content: 'root, edited once' }, 'e1');
    send(SEND, { roomId: r.id, content: 'top 2' }, 's3');
    send(SEND, { roomId: r.id, content: 'reply 2', parentId: root.id }, 's4');
    send(EDIT, { messageId: root.id, content: 'root, edited twice' }, 'e2');
    send(SEND, { roomId: r.id, content: 'top 3' }, 's5');
    await a.until(() => log.length === 7, 'every RECEIPT');
    expect(log).toEqual(['s1', 's2', 'e1', 's3', 's4', 'e2', 's5'].map((id) => `RECEIPT ${id}`));
    const live = await b.waitForMessages<{ id: number; content: string; parentId: number | null }>(
      topic(r),
      6,
    );
    expect(live.slice(1).map((m) => m.content)).toEqual(['top 1', 'reply 1', 'top 2', 'reply 2', 'top 3']);
    const ids = live.map((m) => m.id);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    type RoomEvent = { type: string; replyCount?: number; message?: { content: string } };
    const threadAndEdits = () =>
      b
        .bodies<RoomEvent>(events(r))
        .filter((e) => e.type === 'THREAD_UPDATED' || e.type === 'MESSAGE_EDITED')
        .map((e) => (e.type === 'THREAD_UPDATED' ? `thread ${e.replyCount}` : `edit ${e.message?.content}`));
    await b.until(() => threadAndEdits().length === 4, 'the thread and edit events');
    expect(threadAndEdits()).toEqual([
      'thread 1',
      'edit root, edited once',
      'thread 2',
      'edit root, edited twice',
    ]);
    const stored = await history(r);
    expect(stored.find((m) => m.id === root.id)?.content).toBe('root, edited twice');
  });

  describe('property: any interleaving of valid and invalid SENDs', () => {
    type Op =
      | { kind: 'valid' }
      | { kind: 'mention' }
      | { kind: 'blank' }
      | { kind: 'notMember' }
      | { kind: 'unknownRoom' }
      | { kind: 'malformed' }
      | { kind: 'unknownParent' }
      | { kind: 'replay'; of: number }
      | { kind: 'replayElsewhere'; of: number };

    const op: fc.Arbitrary<Op> = fc.oneof(
      { weight: 4, arbitrary: fc.constant<Op>({ kind: 'valid' }) },
      // A mention costs a query before the write: a later send must still not overtake it.
      { weight: 2, arbitrary: fc.constant<Op>({ kind: 'mention' }) },
      fc.constant<Op>({ kind: 'blank' }),
      fc.constant<Op>({ kind: 'notMember' }),
      fc.constant<Op>({ kind: 'unknownRoom' }),
      fc.constant<Op>({ kind: 'malformed' }),
      fc.constant<Op>({ kind: 'unknownParent' }),
      fc.nat(30).map<Op>((of) => ({ kind: 'replay', of })),
      fc.nat(30).map<Op>((of) => ({ kind: 'replayElsewhere', of })),
    );

    let run = 0;

    it('every frame is answered in its place (RECEIPT or its own error), broadcasts are the new messages in frame order', async () => {
      const b = await connect(bob);
      await b.subscribeConfirmed(topic(room));
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
          const tag = `run${++run}`;
          const a = await connect(alice);
          try {
            const { log, send } = await answerLog(a);
            const before = b.received.get(topic(room))?.length ?? 0;
            const expected: string[] = [];
            const created: string[] = [];
            const clientIds: string[] = []; // of the valid sends so far, in order
            ops.forEach((o, n) => {
              const receipt = `${tag}-${n}`;
              const content = `${tag} message ${n}`;
              const earlier = clientIds.length
                ? clientIds[('of' in o ? o.of : 0) % clientIds.length]
                : undefined;
              switch (o.kind) {
                case 'valid':
                case 'mention': {
                  const clientMessageId = `${tag}-c${n}`;
                  const text = o.kind === 'mention' ? `${content} for @${bob.username}` : content;
                  clientIds.push(clientMessageId);
                  send(SEND, { roomId: room.id, content: text, clientMessageId }, receipt);
                  expected.push(`RECEIPT ${receipt}`);
                  created.push(text);
                  return;
                }
                case 'replay':
                  if (!earlier) {
                    send(SEND, { roomId: room.id, content: '' }, receipt);
                    expected.push(`ERROR ${receipt} 400`);
                    return;
                  }
                  // The original is answered again, not stored or broadcast twice.
                  send(
                    SEND,
                    { roomId: room.id, content: `${content} (again)`, clientMessageId: earlier },
                    receipt,
                  );
                  expected.push(`RECEIPT ${receipt}`);
                  return;
                case 'replayElsewhere':
                  send(
                    SEND,
                    { roomId: otherRoom.id, content, clientMessageId: earlier ?? `${tag}-fresh${n}` },
                    receipt,
                  );
                  expected.push(earlier ? `ERROR ${receipt} 409` : `RECEIPT ${receipt}`);
                  return;
                case 'blank':
                  send(SEND, { roomId: room.id, content: ' \n ' }, receipt);
                  expected.push(`ERROR ${receipt} 400`);
                  return;
                case 'notMember':
                  send(SEND, { roomId: foreignRoom.id, content }, receipt);
                  expected.push(`ERROR ${receipt} 403`);
                  return;
                case 'unknownRoom':
                  send(SEND, { roomId: 999999, content }, receipt);
                  expected.push(`ERROR ${receipt} 404`);
                  return;
                case 'malformed':
                  send(SEND, `{"roomId": ${room.id}, "content": `, receipt);
                  expected.push(`ERROR ${receipt} 400`);
                  return;
                case 'unknownParent':
                  send(SEND, { roomId: room.id, content, parentId: 999999999 }, receipt);
                  expected.push(`ERROR ${receipt} 404`);
                  return;
              }
            });
            await a.until(() => log.length === expected.length, `${expected.length} answers`);
            expect(log).toEqual(expected);
            const live = await b.waitForMessages<{ id: number; content: string }>(
              topic(room),
              before + created.length,
            );
            const mine = live.slice(before);
            expect(mine.map((m) => m.content)).toEqual(created);
            const ids = mine.map((m) => m.id);
            expect(ids).toEqual([...ids].sort((x, y) => x - y));
            expect(new Set(ids).size).toBe(ids.length);
            expect(a.closed).toBe(false);
          } finally {
            await a.close();
          }
        }),
        { numRuns: 15 },
      );
      // Everything broadcast was stored once, in the same order.
      const stored = (await history(room)).filter((m) => m.content.startsWith('run'));
      expect(stored.map((m) => m.content)).toEqual(
        b.bodies<{ content: string }>(topic(room)).map((m) => m.content),
      );
    });
  });
});

describe('STOMP_MAX_FRAMES_IN_FLIGHT', () => {
  it('bounds what a session reads ahead of its answers; a burst larger than it is still answered in order', async () => {
    const t = await startTestApp({ STOMP_MAX_FRAMES_IN_FLIGHT: '2' });
    const clients: StompTestClient[] = [];
    try {
      expect(t.app.get(StompBroker).options.limits.maxFramesInFlight).toBe(2);
      const alice = await createUser(t);
      const r = await createRoom(t, alice);
      const a = await StompTestClient.connect(t.url, alice.token);
      clients.push(a);
      const answers: string[] = [];
      for (let n = 0; n < 20; n++) {
        a.client.watchForReceipt(`r${n}`, () => void answers.push(`r${n}`));
        a.send(SEND, { roomId: r.id, content: `bounded ${n}` }, { receipt: `r${n}` });
      }
      await a.until(() => answers.length === 20, 'every RECEIPT');
      expect(answers).toEqual(Array.from({ length: 20 }, (_, n) => `r${n}`));
    } finally {
      await Promise.all(clients.map((c) => c.close()));
      await t.close();
    }
  });
});
