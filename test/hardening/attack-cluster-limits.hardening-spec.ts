import { createRoom } from '../factories/rooms';
import { createUser, TestUser, uniqueName } from '../factories/users';
import { StompTestClient } from '../helpers/stomp-client';
import { freshDatabase, startTestApp, TestApp } from '../helpers/test-app';
import { recordHardening } from './summary';
import { call } from './support/attack-http';
import { Bystander } from './support/bystander';
import { sleep } from './support/chat-traffic';

const REDIS = process.env.TEST_REDIS_URL;
const describeWithRedis = REDIS ? describe : describe.skip;
if (!REDIS)
  console.warn(
    'attack-cluster-limits: skipped, TEST_REDIS_URL is not set (no Redis to share counters; CI sets it)',
  );

const MAX_FAILURES = 3;
const MAX_FAILURES_PER_IP = 10;
const TYPING_FLOOD_MS = 3000;

/**
 * Rate limits hold for an attacker who spreads its attempts over the instances of a cluster: with
 * REDIS_URL, failed logins and typing indicators are counted in Redis, so two instances give the
 * attacker the allowance of one.
 */
describeWithRedis('attack: rate limits spread over two instances (Redis)', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let a: TestApp;
  let b: TestApp;
  const clients: StompTestClient[] = [];
  let typist: TestUser;
  let member: TestUser;
  const prefix = `chat-limits-${process.pid}-${Date.now()}`;

  beforeAll(async () => {
    db = await freshDatabase();
    const env = (id: string) => ({
      REDIS_URL: REDIS!,
      REDIS_PREFIX: prefix,
      INSTANCE_ID: id,
      LOGIN_MAX_FAILURES: String(MAX_FAILURES),
      LOGIN_MAX_FAILURES_PER_IP: String(MAX_FAILURES_PER_IP),
      LOGIN_WINDOW_SECONDS: '600',
    });
    a = await startTestApp(env('a'), db);
    b = await startTestApp(env('b'), db);
    // Logged in before the login scenario locks this address out.
    [typist, member] = [await createUser(a), await createUser(a)];
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await a?.close();
    await b?.close();
    await db?.drop();
  });

  const loginOn = (t: TestApp, username: string, password: string) =>
    call(t.url, 'POST', '/api/v1/auth/login', { body: { usernameOrEmail: username, password } });

  it('password guesses alternating between A and B are counted together: 3 failures in all, then 429 everywhere', async () => {
    const bystander = await Bystander.start(a, 100);
    const victim = await createUser(a);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++)
      statuses.push((await loginOn(i % 2 ? b : a, victim.username, `guess-${i}`)).status);
    // The right password is refused too while locked, on both instances: no oracle.
    const right = [
      await loginOn(a, victim.username, victim.password),
      await loginOn(b, victim.username, victim.password),
    ];
    for (const res of right) {
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    const failures = statuses.filter((s) => s === 401).length;
    const limited = statuses.filter((s) => s === 429).length;
    expect(failures).toBe(MAX_FAILURES);
    expect(limited).toBe(statuses.length - MAX_FAILURES);

    // Spraying usernames from one address: MAX_FAILURES_PER_IP failures in all, whichever instance.
    const spray: number[] = [];
    for (let i = 0; i < 2 * MAX_FAILURES_PER_IP; i++)
      spray.push((await loginOn(i % 2 ? a : b, uniqueName('spray'), 'password-123')).status);
    expect(spray.filter((s) => s === 401).length).toBe(MAX_FAILURES_PER_IP - MAX_FAILURES);
    expect(spray.slice(MAX_FAILURES_PER_IP).every((s) => s === 429)).toBe(true);

    const seen = await bystander.stop();
    expect(seen.acknowledged).toBe(seen.sent);
    recordHardening('attack: login guesses over two instances (Redis)', {
      badInputsTried: statuses.length + spray.length + right.length,
      serverErrorsSeen: 0,
      notes: {
        boundsHeld: failures === MAX_FAILURES ? 'yes' : 'NO',
        failuresAllowed: failures,
        refused429: limited + right.length + spray.filter((s) => s === 429).length,
        perInstanceWouldAllow: 2 * MAX_FAILURES,
        bystanderP50Ms: seen.p50Ms,
        bystanderP99Ms: seen.p99Ms,
      },
    });
  });

  it('typing indicators flooded through A and B at once reach the room at most once a second', async () => {
    const attacker = typist;
    const room = await createRoom(a, attacker, { members: [member] });
    const topic = `/topic/rooms/${room.id}/typing`;
    const onA = await StompTestClient.connect(a.url, attacker.token);
    const onB = await StompTestClient.connect(b.url, attacker.token);
    const watcher = await StompTestClient.connect(a.url, member.token);
    clients.push(onA, onB, watcher);
    await watcher.subscribeConfirmed(topic);
    const started = Date.now();
    let sent = 0;
    while (Date.now() - started < TYPING_FLOOD_MS) {
      for (const c of [onA, onB]) {
        c.send('/app/chat.typing', { roomId: room.id, typing: true });
        sent++;
      }
      await sleep(5);
    }
    // Every indicator has been handled once a receipted one comes back from each instance.
    await onA.sendConfirmed('/app/chat.typing', { roomId: room.id, typing: true });
    await onB.sendConfirmed('/app/chat.typing', { roomId: room.id, typing: true });
    const elapsed = Date.now() - started;
    await sleep(200);
    const broadcasts = (watcher.received.get(topic) ?? []).length;
    // One window of a second opens at the first indicator and every second after it.
    const allowed = Math.floor(elapsed / 1000) + 1;
    expect(broadcasts).toBeGreaterThan(0);
    expect(broadcasts).toBeLessThanOrEqual(allowed);
    recordHardening('attack: typing flood over two instances (Redis)', {
      badInputsTried: sent,
      serverErrorsSeen: 0,
      notes: {
        boundsHeld: broadcasts <= allowed ? 'yes' : 'NO',
        sent,
        broadcasts,
        allowed,
        elapsedMs: elapsed,
      },
    });
  });
});
