import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { createRoom } from './factories/rooms';
import { bearer, createUser } from './factories/users';
import { eventually } from './helpers/eventually';
import { StompTestClient } from './helpers/stomp-client';
import { freshDatabase, startTestApp, TestApp, testSettings, TEST_JWT_SECRET } from './helpers/test-app';

const REDIS = process.env.TEST_REDIS_URL;
const MAIN = join(__dirname, '..', 'dist', 'apps', 'chat-server', 'src', 'main.js');

/**
 * Two (and three) real instances on one database and one Redis. Needs Redis: CI sets
 * TEST_REDIS_URL (Redis runs on every CI machine); without it this file is skipped with that reason.
 */
const describeWithRedis = REDIS ? describe : describe.skip;
if (!REDIS) console.warn('scale-out.e2e-spec: skipped, TEST_REDIS_URL is not set (no Redis to scale out on)');

describeWithRedis('several instances behind one Redis', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let a: TestApp;
  let b: TestApp;
  const prefix = `chat-test-${process.pid}-${Date.now()}`;
  const env = (instance: string) => ({ REDIS_URL: REDIS!, REDIS_PREFIX: prefix, INSTANCE_ID: instance });
  const clients: StompTestClient[] = [];
  const connect = async (t: { url: string }, token: string) => {
    const c = await StompTestClient.connect(t.url, token);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    db = await freshDatabase();
    a = await startTestApp(env('a'), db);
    b = await startTestApp(env('b'), db);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await db?.drop();
  });

  it('a member subscribed on B receives what is sent on A, over STOMP and over REST, once and in order', async () => {
    const [alice, bob] = [await createUser(a), await createUser(a)];
    const room = await createRoom(a, alice, { members: [bob] });
    const onB = await connect(b, bob.token);
    await onB.subscribeConfirmed(`/topic/rooms/${room.id}`);
    const onA = await connect(a, alice.token);
    for (let i = 0; i < 20; i++) onA.send('/app/chat.sendMessage', { roomId: room.id, content: `m${i}` });
    await onA.sendConfirmed('/app/chat.sendMessage', { roomId: room.id, content: 'm20' });
    await request(a.url)
      .post(`/api/v1/messages/room/${room.id}`)
      .set(bearer(alice))
      .send({ content: 'via REST' })
      .expect(201);
    const got = await onB.waitForMessages(`/topic/rooms/${room.id}`, 22);
    expect(got.map((m) => m.content)).toEqual([...Array.from({ length: 21 }, (_, i) => `m${i}`), 'via REST']);
    // Nothing more (no duplicates) arrives: a later marker is the very next message.
    await request(a.url)
      .post(`/api/v1/messages/room/${room.id}`)
      .set(bearer(alice))
      .send({ content: 'marker' })
      .expect(201);
    expect((await onB.waitForMessages(`/topic/rooms/${room.id}`, 23))[22].content).toBe('marker');
    expect(onB.received.get(`/topic/rooms/${room.id}`)).toHaveLength(23);
  });

  it('a notification posted through A reaches the user connected on B', async () => {
    const [alice, bob] = [await createUser(a), await createUser(a)];
    await createRoom(a, alice, { members: [bob] });
    const onB = await connect(b, bob.token);
    await onB.subscribeConfirmed('/user/queue/notifications');
    await request(a.url)
      .post('/api/v1/notifications')
      .set(bearer(alice))
      .send({ userId: bob.id, message: 'ping across' })
      .expect(201);
    // Being added to the room notified bob too (asynchronously): wait for this very notification.
    await onB.until(
      () => onB.bodies('/user/queue/notifications').some((n) => n.message === 'ping across'),
      'the notification on B',
    );
    expect(onB.bodies('/user/queue/notifications').filter((n) => n.message === 'ping across')).toHaveLength(
      1,
    );
  });

  it("a read on A (STOMP or REST) reaches the same user's sessions on B at once, and the READ receipt the room", async () => {
    const [alice, bob] = [await createUser(a), await createUser(a)];
    const room = await createRoom(a, alice, { members: [bob] });
    const sent = await request(a.url)
      .post(`/api/v1/messages/room/${room.id}`)
      .set(bearer(alice))
      .send({ content: 'read me everywhere' })
      .expect(201);
    const laptopOnB = await connect(b, bob.token);
    await laptopOnB.subscribeConfirmed('/user/queue/read');
    const aliceOnB = await connect(b, alice.token);
    await aliceOnB.subscribeConfirmed(`/topic/rooms/${room.id}/events`);
    const phoneOnA = await connect(a, bob.token);
    await phoneOnA.sendConfirmed('/app/chat.read', { roomId: room.id });
    expect(await laptopOnB.waitForMessages('/user/queue/read', 1)).toEqual([
      { roomId: room.id, lastReadMessageId: sent.body.id, unreadCount: 0, mentionCount: 0 },
    ]);
    await aliceOnB.until(
      () =>
        aliceOnB
          .bodies(`/topic/rooms/${room.id}/events`)
          .some((e) => e.type === 'READ' && e.userId === bob.id),
      'the READ receipt on B',
    );
    const more = await request(a.url)
      .post(`/api/v1/messages/room/${room.id}`)
      .set(bearer(alice))
      .send({ content: 'and this' })
      .expect(201);
    await request(a.url).put(`/api/v1/rooms/${room.id}/read`).set(bearer(bob)).send({}).expect(200);
    expect((await laptopOnB.waitForMessages('/user/queue/read', 2))[1]).toEqual({
      roomId: room.id,
      lastReadMessageId: more.body.id,
      unreadCount: 0,
      mentionCount: 0,
    });
  });

  it('presence of a user connected on A reads online on B, and offline once it disconnects', async () => {
    const carol = await createUser(a);
    const c = await connect(a, carol.token);
    await eventually(
      async () =>
        (await request(b.url).get(`/api/v1/status/${carol.id}`).set(bearer(carol))).body.status === 'online',
      'carol online on B',
      10_000,
      200,
    );
    await c.close();
    await eventually(
      async () =>
        (await request(b.url).get(`/api/v1/status/${carol.id}`).set(bearer(carol))).body.status === 'offline',
      'carol offline on B',
      10_000,
      200,
    );
  });

  it('removing a member on A ends its live subscription on B', async () => {
    const [alice, bob] = [await createUser(a), await createUser(a)];
    const room = await createRoom(a, alice, { members: [bob] });
    const onB = await connect(b, bob.token);
    await onB.subscribeConfirmed(`/topic/rooms/${room.id}`);
    await onB.subscribeConfirmed('/user/queue/errors');
    await request(a.url).delete(`/api/v1/rooms/${room.id}/members/${bob.id}`).set(bearer(alice)).expect(200);
    await onB.waitForMessages('/user/queue/errors', 1);
    await request(a.url)
      .post(`/api/v1/messages/room/${room.id}`)
      .set(bearer(alice))
      .send({ content: 'private now' })
      .expect(201);
    await onB.sendConfirmed('/app/chat.addUser', {});
    expect(onB.received.get(`/topic/rooms/${room.id}`)).toHaveLength(0);
  });

  it('an instance killed abruptly (SIGKILL) stops counting: its users go offline on the others within the bound', async () => {
    if (!existsSync(MAIN))
      execFileSync('npx', ['nest', 'build', 'chat-server'], { cwd: join(__dirname, '..'), stdio: 'ignore' });
    const dave = await createUser(a);
    const settings = testSettings(db.url, db.dataDir);
    const child: ChildProcess = spawn(process.execPath, [MAIN], {
      env: {
        ...process.env,
        ...env('doomed'),
        PORT: '0',
        HOST: '127.0.0.1',
        NODE_ENV: 'test',
        DATABASE_URL: db.url,
        DATA_DIR: settings.dataDir,
        JWT_SECRET: TEST_JWT_SECRET,
        LOG_LEVEL: 'info',
        LOG_PRETTY: 'false',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('child instance did not start')), 30_000);
        let out = '';
        child.stdout!.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const m = /listening on (?:\[::\]|[\d.]+|localhost):(\d+)|"port":(\d+)/i.exec(out);
          const port = m?.[1] ?? m?.[2];
          if (port) {
            clearTimeout(timer);
            resolve(`http://127.0.0.1:${port}`);
          }
        });
        child.once('exit', (code) => reject(new Error(`child exited with ${code}`)));
      });
      const onDoomed = await connect({ url }, dave.token);
      expect(onDoomed.closed).toBe(false);
      await eventually(
        async () =>
          (await request(b.url).get(`/api/v1/status/${dave.id}`).set(bearer(dave))).body.status === 'online',
        'dave online on B',
        10_000,
        200,
      );
      child.kill('SIGKILL');
      await eventually(
        async () =>
          (await request(b.url).get(`/api/v1/status/${dave.id}`).set(bearer(dave))).body.status === 'offline',
        'dave offline on B after its instance died',
        45_000,
        200,
      );
    } finally {
      child.kill('SIGKILL');
    }
  }, 150_000);
});
