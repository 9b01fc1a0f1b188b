import { monitorEventLoopDelay } from 'node:perf_hooks';
import { StompBroker } from '@app/stomp';
import { createRoom, TestRoom } from '../factories/rooms';
import { createUser, TestUser } from '../factories/users';
import { StompTestClient } from '../helpers/stomp-client';
import { startTestApp, TestApp } from '../helpers/test-app';
import { recordHardening } from './summary';
import { median, sleep, waitFor } from './support/chat-traffic';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 90);
const ROOMS = 20;
const SESSIONS_PER_USER = 5;
const USERS_PER_ROOM = 2;
const CONNECTIONS = ROOMS * USERS_PER_ROOM * SESSIONS_PER_USER; // 200
const SEND_EVERY_MS = 4000;
const SAMPLE_EVERY_MS = 2000;
const WARM_UP_MS = Math.min(10_000, (SECONDS * 1000) / 6);

interface Sample {
  at: number;
  rssMb: number;
  heapMb: number;
  lagP99Ms: number;
}

/**
 * A bounded soak: 200 connections chatting in 20 rooms for SOAK_SECONDS (90 by default), with RSS
 * and event-loop lag sampled. A leak check, not a timing test: memory stays bounded, and every
 * session and subscription is gone once the clients leave.
 */
describe('soak', () => {
  let t: TestApp;
  let broker: StompBroker;
  const clients: StompTestClient[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    broker = t.app.get(StompBroker);
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await t?.close();
  });

  it(`${CONNECTIONS} connections in ${ROOMS} rooms for a bounded time: bounded memory, no leaked sessions`, async () => {
    const rooms: { room: TestRoom; members: TestUser[] }[] = [];
    for (let r = 0; r < ROOMS; r++) {
      const members: TestUser[] = [];
      for (let u = 0; u < USERS_PER_ROOM; u++) members.push(await createUser(t));
      rooms.push({ room: await createRoom(t, members[0], { members: members.slice(1) }), members });
    }
    const byClient = new Map<StompTestClient, number>();
    for (const { room, members } of rooms) {
      for (const member of members) {
        for (let s = 0; s < SESSIONS_PER_USER; s++) {
          const c = await StompTestClient.connect(t.url, member.token);
          await c.subscribeConfirmed(`/topic/rooms/${room.id}`);
          clients.push(c);
          byClient.set(c, room.id);
        }
      }
    }
    expect(broker.stats().sessions).toBe(CONNECTIONS);

    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    const samples: Sample[] = [];
    const started = Date.now();
    const deadline = started + SECONDS * 1000;
    let sent = 0;
    // Each connection sends one message every SEND_EVERY_MS, spread evenly.
    const senders = clients.map(async (c, i) => {
      await sleep((SEND_EVERY_MS * i) / clients.length);
      while (Date.now() < deadline) {
        c.send('/app/chat.sendMessage', { roomId: byClient.get(c), content: `soak ${i} ${sent++}` });
        await sleep(SEND_EVERY_MS);
      }
    });
    while (Date.now() < deadline) {
      await sleep(SAMPLE_EVERY_MS);
      const m = process.memoryUsage();
      samples.push({
        at: Date.now() - started,
        rssMb: m.rss / 2 ** 20,
        heapMb: m.heapUsed / 2 ** 20,
        lagP99Ms: lag.percentile(99) / 1e6,
      });
      lag.reset();
    }
    await Promise.all(senders);
    lag.disable();

    // Delivery still works at the end: one confirmed send per room reaches its room's sessions.
    const before = clients.map((c) => c.received.get(`/topic/rooms/${byClient.get(c)}`)!.length);
    const firstOfRoom = new Map<number, StompTestClient>();
    for (const c of clients) if (!firstOfRoom.has(byClient.get(c)!)) firstOfRoom.set(byClient.get(c)!, c);
    for (const [roomId, c] of firstOfRoom)
      await c.sendConfirmed('/app/chat.sendMessage', { roomId, content: 'soak final' });
    for (const [i, c] of clients.entries()) {
      await c.until(
        () =>
          c
            .bodies(`/topic/rooms/${byClient.get(c)}`)
            .some((m: { content: string }) => m.content === 'soak final'),
        'the final message',
        30_000,
      );
      expect(c.received.get(`/topic/rooms/${byClient.get(c)}`)!.length).toBeGreaterThan(before[i]);
    }
    const delivered = clients.reduce(
      (n, c) => n + c.received.get(`/topic/rooms/${byClient.get(c)}`)!.length,
      0,
    );
    const closedEarly = clients.filter((c) => c.closed).length;

    await Promise.all(clients.map((c) => c.close()));
    await waitFor(
      () => broker.stats().sessions === 0 && broker.stats().subscriptions === 0,
      'every session and subscription to be released',
      20_000,
    );
    const metrics = await (await fetch(`${t.url}/metrics`)).text();

    const measured = samples.filter((s) => s.at >= WARM_UP_MS);
    const third = Math.max(1, Math.floor(measured.length / 3));
    const first = measured.slice(0, third);
    const last = measured.slice(-third);
    const rssFirst = median(first.map((s) => s.rssMb));
    const rssLast = median(last.map((s) => s.rssMb));
    recordHardening('load-soak', {
      faultsInjected: 0,
      faultsSurvived: 0,
      notes: {
        seconds: SECONDS,
        connections: CONNECTIONS,
        rooms: ROOMS,
        messagesSent: sent,
        deliveries: delivered,
        rssFirstThirdMb: rssFirst.toFixed(1),
        rssLastThirdMb: rssLast.toFixed(1),
        heapFirstThirdMb: median(first.map((s) => s.heapMb)).toFixed(1),
        heapLastThirdMb: median(last.map((s) => s.heapMb)).toFixed(1),
        lagP99FirstThirdMs: median(first.map((s) => s.lagP99Ms)).toFixed(1),
        lagP99LastThirdMs: median(last.map((s) => s.lagP99Ms)).toFixed(1),
        sessionsAfter: broker.stats().sessions,
        subscriptionsAfter: broker.stats().subscriptions,
      },
    });

    expect(closedEarly).toBe(0);
    expect(rssLast).toBeLessThan(rssFirst * 1.5);
    expect(metrics).toMatch(/^stomp_sessions(\{[^}]*\})? 0$/m);
    expect(metrics).toMatch(/^stomp_subscriptions(\{[^}]*\})? 0$/m);
  });
});
