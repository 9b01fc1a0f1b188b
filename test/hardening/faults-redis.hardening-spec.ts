import request from 'supertest';
import { createRoom } from '../factories/rooms';
import { bearer, createUser } from '../factories/users';
import { StompTestClient } from '../helpers/stomp-client';
import { freshDatabase, startTestApp, TestApp } from '../helpers/test-app';
import { recordHardening } from './summary';
import { readiness, ReceiptedSender, sleep, waitFor } from './support/chat-traffic';
import { TcpProxy } from './support/tcp-proxy';

const REDIS = process.env.TEST_REDIS_URL;
const describeWithRedis = REDIS ? describe : describe.skip;
if (!REDIS)
  console.warn('faults-redis: skipped, TEST_REDIS_URL is not set (no Redis to scale out on; CI sets it)');

/**
 * Two instances on one Redis, reached through a TCP proxy that the test cuts (the real Redis
 * keeps running for everyone else): local delivery goes on, readiness reports Redis, and
 * cross-instance delivery resumes by itself once Redis is back; history has everything.
 */
describeWithRedis('Redis loss with two instances', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let proxy: TcpProxy;
  let a: TestApp;
  let b: TestApp;
  const clients: { close(): Promise<void> }[] = [];

  beforeAll(async () => {
    db = await freshDatabase();
    proxy = await TcpProxy.forUrl(REDIS!, 6379);
    const prefix = `chat-faults-${process.pid}-${Date.now()}`;
    const env = (id: string) => ({ REDIS_URL: proxy.rewrite(REDIS!), REDIS_PREFIX: prefix, INSTANCE_ID: id });
    a = await startTestApp(env('a'), db);
    b = await startTestApp(env('b'), db);
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await a?.close();
    await b?.close();
    await proxy?.close();
    await db?.drop();
  });

  it('keeps local delivery through the outage, reports it, and resumes cross-instance delivery by itself', async () => {
    const [alice, bob, carol] = [await createUser(a), await createUser(a), await createUser(a)];
    const room = await createRoom(a, alice, { members: [bob, carol] });
    const topic = `/topic/rooms/${room.id}`;
    const sender = await ReceiptedSender.connect(a.url, alice.token, 'redis-alice');
    const local = await StompTestClient.connect(a.url, bob.token);
    const remote = await StompTestClient.connect(b.url, carol.token);
    clients.push(sender, local, remote);
    await local.subscribeConfirmed(topic);
    await remote.subscribeConfirmed(topic);
    const contents = (c: StompTestClient) => c.bodies<{ content: string }>(topic).map((m) => m.content);

    // Before: both instances deliver.
    for (let i = 0; i < 5; i++) expect((await sender.send(room.id)).kind).toBe('receipt');
    await remote.waitForMessages(topic, 5);
    await local.waitForMessages(topic, 5);

    proxy.cut();
    await waitFor(async () => (await readiness(a.url)).status === 503, 'A to report Redis down');
    const downReport = JSON.stringify((await readiness(b.url)).body);
    const during = [];
    for (let i = 0; i < 10; i++) during.push(await sender.send(room.id));
    expect(during.map((o) => o.kind)).toEqual(during.map(() => 'receipt'));
    // The subscriber on the same instance got every one of them, live.
    await local.waitForMessages(topic, 15);
    const remoteDuringOutage = remote.received.get(topic)!.length - 5;

    proxy.restore();
    const restoredAt = Date.now();
    await waitFor(
      async () => (await readiness(a.url)).status === 200 && (await readiness(b.url)).status === 200,
      'both instances ready again',
      30_000,
    );
    // Cross-instance delivery comes back by itself (reconnect + resubscribe): probe until it does.
    let probes = 0;
    await waitFor(
      async () => {
        probes++;
        const probe = await sender.send(room.id);
        await sleep(200);
        return contents(remote).includes(probe.content);
      },
      'a message sent on A to reach B again',
      30_000,
      300,
    );
    const resumeSeconds = (Date.now() - restoredAt) / 1000;
    const afterSends = [];
    for (let i = 0; i < 5; i++) afterSends.push(await sender.send(room.id));
    const lastFive = afterSends.map((o) => o.content);
    await remote.until(
      () => lastFive.every((c) => contents(remote).includes(c)),
      'the 5 messages sent after recovery on B',
    );

    // Nothing persisted is missing: B's history (the catch-up a client does) has every acknowledged send.
    const acknowledged = sender.acknowledged();
    const history = await request(b.url)
      .get(`/api/v1/messages/room/${room.id}?page=0&size=100`)
      .set(bearer(carol))
      .expect(200);
    const inHistory = new Set((history.body as { content: string }[]).map((m) => m.content));
    const found = acknowledged.filter((o) => inHistory.has(o.content));
    const localGot = new Set(contents(local));

    recordHardening('faults-redis-loss', {
      faultsInjected: 1,
      faultsSurvived: 1,
      messagesAcknowledged: acknowledged.length,
      acknowledgedFound: found.length,
      notes: {
        sentDuringOutage: during.length,
        localDeliveredDuringOutage: during.filter((o) => localGot.has(o.content)).length,
        remoteDeliveredDuringOutage: remoteDuringOutage,
        resumeSeconds,
        probesUntilResumed: probes,
      },
    });

    expect(downReport).toContain('redis');
    expect(found.length).toBe(acknowledged.length);
    expect(acknowledged.every((o) => localGot.has(o.content))).toBe(true);
    expect(local.closed || remote.closed || sender.client.closed).toBe(false);
  });
});
