import { Worker } from 'node:worker_threads';
import { createUser, TestUser, uniqueName } from '../factories/users';
import { createRoom } from '../factories/rooms';
import { eventually } from '../helpers/eventually';
import { startTestApp, TestApp } from '../helpers/test-app';
import { recordHardening } from './summary';
import { call, HttpResult } from './support/attack-http';

/**
 * What one attacker (anonymous, or with one account) can make the server spend, and what the
 * others see meanwhile (docs/RELIABILITY.md, "Abuse resistance"): register/login floods against a
 * bystander's login, very wide JSON from anonymous clients, spam and harvesting from one account.
 * Client addresses are X-Forwarded-For values (TRUST_PROXY) from the documentation ranges: a
 * header on loopback requests, never contacted. Every loop is bounded in count and time.
 */

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const rssMb = () => Math.round(process.memoryUsage().rss / 2 ** 20);
const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

/** Runs `job` from `workers` loops until `count` jobs are done or `deadline` passes. */
async function flood(count: number, workers: number, deadline: number, job: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < count && Date.now() < deadline) await job(next++);
    }),
  );
  return next;
}

/**
 * The flood's client, run in a worker thread: `concurrency` loops of register / login (a wrong
 * password, for the bystander's name or a new one) from one X-Forwarded-For address, until told
 * to stop or `maxMs` pass; answers the statuses and any 4xx/5xx answer without the error body.
 */
const FLOOD_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { url, floodIp, name, concurrency, maxMs } = workerData;
let stop = false;
parentPort.on('message', () => { stop = true; });
const statuses = [];
const problems = [];
let n = 0;
async function one() {
  const i = n++;
  const u = 'fl' + process.pid + '_' + i;
  const register = i % 3 === 0;
  const body = register
    ? { username: u, email: u + '@example.com', password: 'password-123' }
    : { usernameOrEmail: i % 2 ? name : u, password: 'wrong-password' };
  const res = await fetch(url + (register ? '/api/v1/auth/register' : '/api/v1/auth/login'), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': floodIp },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30000),
  });
  const text = await res.text();
  statuses.push(res.status);
  if (res.status >= 400) {
    let b;
    try { b = JSON.parse(text); } catch { b = undefined; }
    if (!b || b.status !== res.status || !b.message || !b.timestamp || !b.path) problems.push(res.status + ' ' + text.slice(0, 100));
  }
}
const until = Date.now() + maxMs;
Promise.all(Array.from({ length: concurrency }, async () => {
  while (!stop && Date.now() < until) {
    try { await one(); } catch (err) { problems.push(String(err)); }
  }
})).then(() => parentPort.postMessage({ statuses, problems }));
`;

const tally = (statuses: number[]) =>
  statuses.reduce<Record<string, number>>((acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }), {});

describe('attack: register and login flood from one address vs a bystander', () => {
  let t: TestApp;
  const BURSTS = { register: 20, login: 100 };
  const BYSTANDER_LOGINS = 8;
  beforeAll(async () => {
    t = await startTestApp({
      TRUST_PROXY: 'true',
      // production hashing cost and the default limits: what a real attacker meets
      ARGON2_MEMORY_KIB: '19456',
      ARGON2_TIME_COST: '2',
      REGISTER_RATE_PER_MINUTE: '1',
      REGISTER_BURST: String(BURSTS.register),
      LOGIN_RATE_PER_MINUTE: '60',
      LOGIN_BURST: String(BURSTS.login),
      LOGIN_MAX_FAILURES: '5',
      LOGIN_MAX_FAILURES_PER_IP: '100',
      LOGIN_MAX_FAILURES_PER_ACCOUNT: '50',
      PASSWORD_HASH_QUEUE: '64',
      PASSWORD_HASH_QUEUE_PER_ADDRESS: '4',
    });
  });
  afterAll(() => t?.close());

  it("keeps another address's login served, unqueued behind the flood and near its idle latency", async () => {
    const bystanderIp = '192.0.2.10';
    const floodIp = '198.51.100.66';
    const name = uniqueName('by');
    const body = { username: name, email: `${name}@example.com`, password: 'bystander-pass-1' };
    expect(
      (
        await call(t.url, 'POST', '/api/v1/auth/register', {
          body,
          headers: { 'x-forwarded-for': bystanderIp },
        })
      ).status,
    ).toBe(201);
    const login = async (): Promise<{ status: number; ms: number }> => {
      const start = process.hrtime.bigint();
      const res = await call(t.url, 'POST', '/api/v1/auth/login', {
        body: { usernameOrEmail: name, password: body.password },
        headers: { 'x-forwarded-for': bystanderIp },
      });
      return { status: res.status, ms: ms(start) };
    };
    for (let i = 0; i < 3; i++) await login(); // warm-up
    const idle: number[] = [];
    for (let i = 0; i < 10; i++) idle.push((await login()).ms);

    const rssBefore = rssMb();
    // The flood comes from a worker thread: its client work does not share the server's event loop.
    const worker = new Worker(FLOOD_WORKER, {
      eval: true,
      workerData: { url: t.url, floodIp, name, concurrency: 16, maxMs: 60_000 },
    });
    const result = new Promise<{ statuses: number[]; problems: string[] }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    // The bystander starts once the flood is under way (its hashing phase is on).
    await new Promise((r) => setTimeout(r, 300));
    const during: { status: number; ms: number }[] = [];
    for (let i = 0; i < BYSTANDER_LOGINS; i++) during.push(await login());
    worker.postMessage('stop');
    const { statuses, problems } = await result;
    await worker.terminate();
    const sent = statuses.length;
    const rssAfter = rssMb();

    const counts = tally(statuses);
    // Every answer that is not a 429/503 cost a hash: the per-address buckets bound them.
    const hashed = statuses.filter((s) => s !== 429 && s !== 503).length;
    const factor = median(during.map((d) => d.ms)) / Math.max(1, median(idle));
    recordHardening('attack: register/login flood vs bystander login', {
      badInputsTried: sent,
      serverErrorsSeen: statuses.filter((s) => s >= 500 && s !== 503).length,
      notes: {
        floodRequests: sent,
        hashedForFlood: hashed,
        hashBound: BURSTS.register + BURSTS.login + 62,
        answers: Object.entries(counts)
          .map(([s, c]) => `${s}:${c}`)
          .join(' '),
        bystanderIdleMedianMs: median(idle).toFixed(1),
        bystanderDuringFloodMedianMs: median(during.map((d) => d.ms)).toFixed(1),
        bystanderFactor: factor.toFixed(2),
        bystanderRefused: during.filter((d) => d.status !== 200).length,
        rssBeforeMb: rssBefore,
        rssAfterMb: rssAfter,
      },
    });
    expect(problems).toEqual([]);
    expect(statuses.every((s) => [200, 201, 400, 401, 429, 503].includes(s))).toBe(true);
    // Bounds held: the flood got at most its buckets' worth of hashes (plus a minute's refill).
    expect(hashed).toBeLessThanOrEqual(BURSTS.register + BURSTS.login + 62);
    expect(counts[429]).toBeGreaterThan(0);
    // The bystander is never refused nor queued out, and stays within a generous factor of idle.
    expect(during.every((d) => d.status === 200)).toBe(true);
    expect(factor).toBeLessThan(25);
  });
});

describe('attack: very wide JSON from anonymous clients', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ TRUST_PROXY: 'true' });
  });
  afterAll(() => t?.close());

  it('is refused before validation, cheaply, and a bystander is served meanwhile', async () => {
    const wide = JSON.stringify(Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, 0])));
    const items = JSON.stringify({
      username: 'x',
      password: 'y',
      email: Array.from({ length: 60_000 }, () => 0),
    });
    const bystander = await createUser(t);
    // Idle, one at a time: a wide body against a small invalid one (both refused with a 400).
    const idle = async (raw: string) => {
      const xs: number[] = [];
      for (let i = 0; i < 10; i++) {
        const start = process.hrtime.bigint();
        const res = await call(t.url, 'POST', '/api/users/register', { rawBody: raw });
        expect(res.status).toBe(400);
        xs.push(ms(start));
      }
      return median(xs);
    };
    const smallIdle = await idle(JSON.stringify({ username: 'x' }));
    const wideIdle = await idle(wide);
    const rssBefore = rssMb();
    const times: number[] = [];
    const problems: string[] = [];
    let sent = 0;
    const deadline = Date.now() + 20_000;
    const done = flood(400, 8, deadline, async (i) => {
      const start = process.hrtime.bigint();
      const res: HttpResult = await call(
        t.url,
        'POST',
        i % 2 ? '/api/users/register' : '/api/v1/auth/login',
        {
          rawBody: i % 4 < 2 ? wide : items,
          headers: { 'x-forwarded-for': `203.0.113.${(i % 200) + 1}` },
        },
      );
      times.push(ms(start));
      sent++;
      if (res.status !== 400) problems.push(`status ${res.status}`);
      else if (!/at most (100 fields|2000 fields and array items)/.test(res.json?.message ?? ''))
        problems.push(res.json?.message);
    });
    const bystanderTimes: number[] = [];
    while (bystanderTimes.length < 20 && Date.now() < deadline) {
      const start = process.hrtime.bigint();
      const res = await call(t.url, 'GET', '/api/v1/rooms', { token: bystander.token });
      expect(res.status).toBe(200);
      bystanderTimes.push(ms(start));
    }
    await done;
    recordHardening('attack: wide JSON bodies (anonymous)', {
      badInputsTried: sent,
      serverErrorsSeen: problems.filter((p) => /status 5/.test(p)).length,
      notes: {
        bodyBytes: wide.length,
        idleSmallInvalidMs: smallIdle.toFixed(1),
        idleWideRefusalMs: wideIdle.toFixed(1),
        floodRefusalMedianMs: median(times).toFixed(1),
        bystanderMedianMs: median(bystanderTimes).toFixed(1),
        rssBeforeMb: rssBefore,
        rssAfterMb: rssMb(),
      },
    });
    expect(problems).toEqual([]);
  });
});

describe('attack: spam and harvesting from one account', () => {
  let t: TestApp;
  beforeAll(async () => {
    // The per-user limits at their defaults (the test environment lifts them otherwise).
    t = await startTestApp({
      POST_RATE_PER_MINUTE: '600',
      POST_BURST: '100',
      DM_OPEN_RATE_PER_MINUTE: '60',
      DM_OPEN_BURST: '20',
      ROOM_CREATE_RATE_PER_MINUTE: '10',
      ROOM_CREATE_BURST: '10',
      NOTIFY_RATE_PER_MINUTE: '60',
      NOTIFY_BURST: '30',
      NOTIFY_PAIR_RATE_PER_MINUTE: '6',
      NOTIFY_PAIR_BURST: '10',
    });
  });
  afterAll(() => t?.close());

  it('spam is bounded per sender and per recipient; a block stops it; a bystander posts unhindered', async () => {
    const [spammer, victim, bystander, mallory, marker] = [
      await createUser(t),
      await createUser(t),
      await createUser(t),
      await createUser(t),
      await createUser(t),
    ];
    const room = await createRoom(t, victim, { type: 'PUBLIC', members: [spammer, mallory, marker] });
    const quiet = await createRoom(t, bystander, { type: 'PRIVATE' });
    const targets: TestUser[] = [];
    for (let i = 0; i < 40; i++) targets.push(await createUser(t));
    const rssBefore = rssMb();
    const started = Date.now();
    const statusesOf = async (n: number, make: (i: number) => Promise<HttpResult>) => {
      const out: number[] = [];
      await flood(n, 8, Date.now() + 60_000, async (i) => {
        out.push((await make(i)).status);
      });
      return tally(out);
    };
    const posts = statusesOf(300, (i) =>
      call(t.url, 'POST', `/api/v1/messages/room/${room.id}`, {
        token: spammer.token,
        body: { content: i % 3 ? `spam ${i}` : `@${victim.username} spam ${i}` },
      }),
    );
    const bystanderStatuses: number[] = [];
    const bystanderTimes: number[] = [];
    for (let i = 0; i < 30; i++) {
      const start = process.hrtime.bigint();
      bystanderStatuses.push(
        (
          await call(t.url, 'POST', `/api/v1/messages/room/${quiet.id}`, {
            token: bystander.token,
            body: { content: `hi ${i}` },
          })
        ).status,
      );
      bystanderTimes.push(ms(start));
    }
    const postCounts = await posts;
    const dms = await statusesOf(targets.length, (i) =>
      call(t.url, 'POST', `/api/v1/rooms/direct/${targets[i].id}`, { token: spammer.token }),
    );
    const rooms = await statusesOf(40, () =>
      call(t.url, 'POST', '/api/v1/rooms', {
        token: spammer.token,
        body: { name: uniqueName('spam'), type: 'PUBLIC' },
      }),
    );
    const notifies = await statusesOf(40, () =>
      call(t.url, 'POST', '/api/v1/notifications', {
        token: spammer.token,
        body: { userId: victim.id, message: 'buy' },
      }),
    );
    const elapsedMin = (Date.now() - started) / 60_000;
    // What reached the victim from the spammer: sent and mention notifications share one bucket.
    const fromSpammer = async () =>
      (
        (await call(t.url, 'GET', '/api/v1/notifications?size=100', { token: victim.token })).json as Array<{
          sender: { id: number } | null;
        }>
      ).filter((n) => n.sender?.id === spammer.id).length;
    const received = await fromSpammer();

    // The victim blocks a harasser (whose buckets are full): no DM, the stranger's refusal on notify.
    expect(
      (await call(t.url, 'PUT', `/api/v1/users/me/blocks/${mallory.id}`, { token: victim.token })).status,
    ).toBe(200);
    const stranger = await createUser(t);
    const refusedBlocked = await call(t.url, 'POST', '/api/v1/notifications', {
      token: mallory.token,
      body: { userId: victim.id, message: 'x' },
    });
    const refusedStranger = await call(t.url, 'POST', '/api/v1/notifications', {
      token: stranger.token,
      body: { userId: victim.id, message: 'x' },
    });
    expect(refusedBlocked.status).toBe(403);
    expect(refusedBlocked.json.message).toBe(refusedStranger.json.message);
    expect(
      (await call(t.url, 'POST', `/api/v1/rooms/direct/${victim.id}`, { token: mallory.token })).status,
    ).toBe(403);

    // ... and mallory's mention raises nothing, while another member's does.
    const mention = (who: TestUser) =>
      call(t.url, 'POST', `/api/v1/messages/room/${room.id}`, {
        token: who.token,
        body: { content: `@${victim.username} look` },
      });
    expect((await mention(mallory)).status).toBe(201);
    expect((await mention(marker)).status).toBe(201);
    const senders = async () =>
      (
        (await call(t.url, 'GET', '/api/v1/notifications?size=100', { token: victim.token })).json as Array<{
          sender: { id: number } | null;
        }>
      ).map((n) => n.sender?.id);
    await eventually(async () => (await senders()).includes(marker.id), "the marker's MENTION");
    expect(await senders()).not.toContain(mallory.id);

    const bound = (burst: number, perMinute: number) => burst + Math.ceil(perMinute * elapsedMin) + 1;
    recordHardening('attack: spam from one account', {
      notes: {
        posts: `${postCounts[201] ?? 0}/300 (bound ${bound(100, 600)})`,
        dmsOpened: `${dms[201] ?? 0}/${targets.length} (bound ${bound(20, 60)})`,
        roomsCreated: `${rooms[201] ?? 0}/40 (bound ${bound(10, 10)})`,
        notificationsToVictim: `${received} (bound ${bound(10, 6)})`,
        bystanderPostMedianMs: median(bystanderTimes).toFixed(1),
        bystanderRefused: bystanderStatuses.filter((s) => s !== 201).length,
        rssBeforeMb: rssBefore,
        rssAfterMb: rssMb(),
      },
    });
    expect(postCounts[201] ?? 0).toBeLessThanOrEqual(bound(100, 600));
    expect(postCounts[429]).toBeGreaterThan(0);
    expect(dms[201] ?? 0).toBeLessThanOrEqual(bound(20, 60));
    expect(rooms[201] ?? 0).toBeLessThanOrEqual(bound(10, 10));
    expect(notifies[429]).toBeGreaterThan(0);
    expect(received).toBeLessThanOrEqual(bound(10, 6));
    expect(bystanderStatuses.every((s) => s === 201)).toBe(true);
  });

  it('harvesting: lists are bounded, the bulk status tells no ids apart', async () => {
    const harvester = await createUser(t);
    const page = await call(t.url, 'GET', '/api/v1/rooms', { token: harvester.token });
    expect(page.status).toBe(200);
    expect(page.json.length).toBeLessThanOrEqual(100);
    expect((await call(t.url, 'GET', '/api/v1/rooms?size=100000', { token: harvester.token })).status).toBe(
      400,
    );
    const ids = Array.from({ length: 200 }, (_, i) => 1_000_000 + i);
    ids[7] = harvester.id;
    const bulk = await call(t.url, 'GET', `/api/v1/status?userIds=${ids.join(',')}`, {
      token: harvester.token,
    });
    expect(bulk.status).toBe(200);
    expect(bulk.json).toHaveLength(200);
    // An unknown id and a real user who never connected look the same.
    const shapes = new Set(
      bulk.json.map((s: { status: string; updatedAt: string | null }) => `${s.status}|${s.updatedAt}`),
    );
    expect(shapes).toEqual(new Set(['offline|null']));
    recordHardening('attack: harvesting (lists, bulk status)', {
      badInputsTried: 2,
      serverErrorsSeen: 0,
      notes: { roomsPage: page.json.length, bulkIdsAnswered: bulk.json.length, distinctShapes: shapes.size },
    });
  });
});
