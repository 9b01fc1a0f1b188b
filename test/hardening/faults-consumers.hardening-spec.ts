import { Socket } from 'node:net';
import { StompBroker } from '@app/stomp';
import { createRoom } from '../factories/rooms';
import { createUser, TestUser } from '../factories/users';
import { RawStompSocket, StompTestClient } from '../helpers/stomp-client';
import { startTestApp, TestApp } from '../helpers/test-app';
import { recordHardening } from './summary';
import { ReceiptedSender, SendOutcome, waitFor } from './support/chat-traffic';

const HEALTHY = 50;
const MAX_SENDS = 1500;
// 4000 characters of 4 UTF-8 bytes each: ~16 KiB per message, so a stalled reader fills up soon.
const BIG = ' ' + '\u{1F600}'.repeat(3980);

const connectFrame = (token: string, heartbeat: string) =>
  `CONNECT\naccept-version:1.2\nhost:localhost\nX-Auth-Token:${token}\nheart-beat:${heartbeat}\n\n\0`;

/**
 * Slow and dead consumers among healthy ones: a subscriber that stops reading is closed (4500)
 * while 50 others get everything; a half-open connection (silent, not reading) is reaped by
 * heart-beats.
 */
describe('slow and dead consumers', () => {
  let t: TestApp;
  let broker: StompBroker;
  const closers: (() => unknown)[] = [];

  beforeAll(async () => {
    t = await startTestApp({
      STOMP_HEARTBEAT_MS: '1000',
      STOMP_SLOW_CONSUMER_BYTES: String(256 * 1024),
      STOMP_SLOW_CONSUMER_MS: '3000',
    });
    broker = t.app.get(StompBroker);
    // The slow reader must drain what the kernel buffered before it sees the close frame, through
    // the event loop it shares with this in-process server: on a loaded machine that can take more
    // than the default 2 s grace, after which the socket is destroyed (1006) and the 4500 is lost.
    broker.options.closeGraceMs = 20_000;
  });

  afterAll(async () => {
    for (const close of closers) await close();
    await t?.close();
  });

  const rawMember = async (user: TestUser, heartbeat: string, topic: string): Promise<RawStompSocket> => {
    const raw = await RawStompSocket.open(t.url);
    closers.push(() => raw.close());
    raw.send(connectFrame(user.token, heartbeat));
    await raw.until(() => raw.frame('CONNECTED') !== undefined, 'CONNECTED');
    raw.send(`SUBSCRIBE\nid:s1\ndestination:${topic}\nreceipt:sub\n\n\0`);
    await raw.until(() => raw.frame('RECEIPT') !== undefined, 'subscription RECEIPT');
    return raw;
  };

  it('closes a subscriber that stops reading with 4500 while 50 healthy ones receive everything', async () => {
    const owner = await createUser(t);
    const members: TestUser[] = [];
    for (let i = 0; i < 10; i++) members.push(await createUser(t));
    const room = await createRoom(t, owner, { members });
    const topic = `/topic/rooms/${room.id}`;

    const healthy: StompTestClient[] = [];
    for (let i = 0; i < HEALTHY; i++) {
      const c = await StompTestClient.connect(t.url, members[i % members.length].token);
      closers.push(() => c.close());
      await c.subscribeConfirmed(topic);
      healthy.push(c);
    }
    const slow = await rawMember(members[0], '0,0', topic);
    const slowSocket = (slow.ws as unknown as { _socket: Socket })._socket;
    slowSocket.pause();

    const sender = await ReceiptedSender.connect(t.url, owner.token, 'slow-test');
    closers.push(() => sender.close());
    const before = broker.stats().slowConsumerCloses;
    // The client reads again as soon as the server gives up on it (within the server's close grace,
    // 2 s), not after the send loop notices: on a busy machine a RECEIPT can take longer than that.
    const watcher = setInterval(() => {
      if (broker.stats().slowConsumerCloses === before) return;
      clearInterval(watcher);
      slowSocket.resume();
    }, 10);
    closers.push(() => clearInterval(watcher));
    const sends: Promise<SendOutcome>[] = [];
    // Up to 16 sends in flight, until the server gives up on the stalled reader (bounded count).
    while (broker.stats().slowConsumerCloses === before && sends.length < MAX_SENDS) {
      const window = sends.slice(-16);
      if (window.length === 16) await window[0];
      sends.push(sender.send(room.id, { timeoutMs: 30_000, padding: BIG }));
      if (sends.length % 16 === 0) await new Promise((r) => setImmediate(r));
    }
    const slowClosed = broker.stats().slowConsumerCloses > before;
    // The client reads again (the watcher above, or now if the sends ran out) and finds its socket closed.
    clearInterval(watcher);
    slowSocket.resume();
    // A few more after the close: the healthy ones must get these too.
    for (let i = 0; i < 5; i++) sends.push(sender.send(room.id, { timeoutMs: 30_000 }));
    await slow.until(() => slow.closed, 'the slow consumer to see its socket closed', 20_000);
    const outcomes = await Promise.all(sends);

    const acknowledged = outcomes.filter((o) => o.kind === 'receipt').length;
    for (const c of healthy) await c.waitForMessages(topic, acknowledged, 60_000);
    const complete = healthy.filter((c) => c.received.get(topic)!.length === acknowledged).length;

    recordHardening('faults-slow-consumer', {
      faultsInjected: 1,
      faultsSurvived: slowClosed && complete === HEALTHY ? 1 : 0,
      messagesAcknowledged: acknowledged,
      notes: {
        healthySubscribers: HEALTHY,
        healthyWithEverything: complete,
        messagesUntilClosed: sends.length - 5,
        slowCloseCode: slow.closeCode ?? 'none',
        bytesPerMessage: Buffer.byteLength(BIG),
      },
    });

    expect(slowClosed).toBe(true);
    expect(slow.closeCode).toBe(4500);
    expect(acknowledged).toBe(outcomes.length);
    expect(complete).toBe(HEALTHY);
    expect(healthy.filter((c) => c.closed)).toEqual([]);
  });

  it('reaps a half-open connection (negotiated heart-beats, then silent and not reading)', async () => {
    const dave = await createUser(t);
    const room = await createRoom(t, dave);
    const raw = await rawMember(dave, '1000,1000', `/topic/rooms/${room.id}`);
    expect(raw.frame('CONNECTED')).toContain('heart-beat:1000,1000');
    expect(broker.getUserSessions(String(dave.id))).toHaveLength(1);
    const socket = (raw.ws as unknown as { _socket: Socket })._socket;
    // Half-open: this side neither reads nor writes any more (no heart-beats, no frames).
    socket.pause();
    const silentAt = Date.now();
    await waitFor(
      () => broker.getUserSessions(String(dave.id)).length === 0,
      'the server to drop it',
      20_000,
    );
    const reapedAfterMs = Date.now() - silentAt;
    socket.resume();
    await raw.until(() => raw.closed, 'the socket to be closed', 10_000);

    recordHardening('faults-half-open', {
      faultsInjected: 1,
      faultsSurvived: 1,
      notes: { heartbeatMs: 1000, reapedAfterMs, closeCode: raw.closeCode ?? 'none' },
    });
    expect(raw.frames.some((f) => f.startsWith('ERROR\n') && f.includes('Heart-beat timeout'))).toBe(true);
  });
});
