import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { createRoom } from '../factories/rooms';
import { bearer, createUser } from '../factories/users';
import { freshDatabase, startTestApp, TestApp } from '../helpers/test-app';
import { recordHardening } from './summary';
import {
  loop,
  readiness,
  ReceiptedSender,
  SendOutcome,
  sleep,
  storedMessages,
  waitFor,
} from './support/chat-traffic';
import { TcpProxy } from './support/tcp-proxy';

/** The few calls of better-sqlite3 used here (the package ships no types). */
interface SqliteHandle {
  pragma(source: string): unknown;
  exec(source: string): void;
  close(): void;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Database = require('better-sqlite3') as new (file: string) => SqliteHandle;

const QUERY_TIMEOUT_MS = 800;
const UNAVAILABLE = '503 Service temporarily unavailable, retry shortly';

/** A REST call's status and how long it took; 0 when it did not answer within `limitMs`. */
async function timed(
  url: string,
  init: RequestInit = {},
  limitMs = 15_000,
): Promise<{ status: number; ms: number; retryAfter: string | null }> {
  const started = Date.now();
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(limitMs) });
    await res.arrayBuffer();
    return { status: res.status, ms: Date.now() - started, retryAfter: res.headers.get('retry-after') };
  } catch {
    return { status: 0, ms: Date.now() - started, retryAfter: null };
  }
}

const answerMs = (outcomes: SendOutcome[]) =>
  Math.max(0, ...outcomes.filter((o) => o.answeredAt).map((o) => o.answeredAt! - o.sentAt));

/**
 * SQLite: another process holds the write lock and never lets go (the sqlite3 shell left in a
 * transaction, a second server on the same file). Writes wait DB_QUERY_TIMEOUT_MS (busy_timeout)
 * and get 503; reads go on (WAL); once the lock is gone the next write is stored.
 */
describe('SQLite: a write lock another process never releases', () => {
  let dir: string;
  let t: TestApp;
  let holder: SqliteHandle | undefined;
  const senders: ReceiptedSender[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'chat-lock-'));
    // Explicitly SQLite (also when TEST_DATABASE_URL points the other specs at MariaDB), with the
    // default sync mode (the test helper picks NORMAL for speed).
    t = await startTestApp(
      { DB_QUERY_TIMEOUT_MS: String(QUERY_TIMEOUT_MS), SQLITE_SYNCHRONOUS: '' },
      { url: `sqlite:${join(dir, 'chat.sqlite')}`, dataDir: dir },
    );
  });

  afterAll(async () => {
    holder?.close();
    await Promise.all(senders.map((s) => s.close()));
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('commits are fsynced by default (synchronous=FULL) and writes under a foreign lock get 503, then succeed', async () => {
    const [{ synchronous }] = await t.app.get(DataSource).query('PRAGMA synchronous');
    expect(synchronous).toBe(2); // FULL

    const [alice, bob] = [await createUser(t), await createUser(t)];
    const room = await createRoom(t, alice, { members: [bob] });
    const sender = await ReceiptedSender.connect(t.url, alice.token, 'lock-alice');
    senders.push(sender);
    expect((await sender.send(room.id)).kind).toBe('receipt');

    holder = new Database(join(dir, 'chat.sqlite'));
    holder.pragma('busy_timeout = 0');
    holder.exec('BEGIN IMMEDIATE');

    const stompSends = [await sender.send(room.id), await sender.send(room.id)];
    const restSend = await timed(`${t.url}/api/v1/messages/room/${room.id}`, {
      method: 'POST',
      headers: { ...bearer(bob), 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'while locked' }),
    });
    const restRead = await timed(`${t.url}/api/v1/messages/room/${room.id}?size=5`, { headers: bearer(bob) });
    const health = await timed(`${t.url}/health`);

    holder.exec('ROLLBACK');
    holder.close();
    holder = undefined;
    const after = await sender.send(room.id);

    recordHardening('faults-database-sqlite-lock', {
      faultsInjected: 1,
      faultsSurvived: after.kind === 'receipt' ? 1 : 0,
      serverErrorsSeen: [...stompSends.map((o) => o.status), restSend.status].filter((s) => s === 500).length,
      notes: {
        queryTimeoutMs: QUERY_TIMEOUT_MS,
        stompAnswerMsMax: answerMs(stompSends),
        restWriteMs: restSend.ms,
        restReadDuringLockMs: restRead.ms,
        synchronous: 'FULL',
      },
    });

    expect(stompSends.map((o) => `${o.status} ${o.message}`)).toEqual([UNAVAILABLE, UNAVAILABLE]);
    expect(stompSends.map((o) => o.answers)).toEqual([1, 1]);
    expect([restSend.status, restSend.retryAfter]).toEqual([503, '5']);
    // WAL: readers are not blocked by a writer; liveness never depends on the database.
    expect(restRead.status).toBe(200);
    expect(health.status).toBe(200);
    expect(after.kind).toBe('receipt');
    expect(sender.client.closed).toBe(false);
  });
});

const DATABASE = process.env.TEST_DATABASE_URL;
const describeWithMysql = DATABASE ? describe : describe.skip;
if (!DATABASE)
  console.warn('faults-database-timeout (black hole): skipped, TEST_DATABASE_URL is not set (CI sets it)');

const SENDERS = 4;
const BLACK_HOLE_MS = 4000;

/**
 * MariaDB turns into a black hole: a TCP proxy between the app and MariaDB keeps every connection
 * open, accepts new ones, and drops every byte (a hung server, a dropped route). Without bounds
 * the pool waits forever and so do the sends; with DB_QUERY_TIMEOUT_MS every send and request is
 * answered (503) within about twice the timeout, and the app recovers by itself.
 */
describeWithMysql('MariaDB: a database that accepts connections and never answers', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let proxy: TcpProxy;
  let t: TestApp;
  const senders: ReceiptedSender[] = [];

  beforeAll(async () => {
    db = await freshDatabase();
    proxy = await TcpProxy.forUrl(db.url, 3306);
    t = await startTestApp(
      { DB_POOL_SIZE: '4', DB_QUERY_TIMEOUT_MS: String(QUERY_TIMEOUT_MS) },
      { url: proxy.rewrite(db.url), dataDir: db.dataDir },
    );
  });

  afterAll(async () => {
    await Promise.all(senders.map((s) => s.close()));
    await t?.close();
    await proxy?.close();
    await db?.drop();
  });

  it('answers every send and request with 503 within the bound, never hangs, and recovers', async () => {
    const users = [];
    for (let i = 0; i < SENDERS; i++) users.push(await createUser(t));
    const room = await createRoom(t, users[0], { members: users.slice(1) });
    for (const [i, user] of users.entries())
      senders.push(await ReceiptedSender.connect(t.url, user.token, `hole${i}`));

    let stop = false;
    const traffic = Promise.all(
      senders.map((s) =>
        loop(
          () => stop,
          50,
          () => s.send(room.id, { timeoutMs: 20_000 }),
        ),
      ),
    );
    await sleep(1000);
    const before = senders.flatMap((s) => s.outcomes).length;

    proxy.swallow();
    const holeStarted = Date.now();
    // REST during the black hole: a read and a write, several times; liveness stays up.
    const rest: { status: number; ms: number }[] = [];
    let health = 0;
    while (Date.now() - holeStarted < BLACK_HOLE_MS) {
      const [read, write, live] = await Promise.all([
        timed(`${t.url}/api/v1/messages/room/${room.id}?size=5`, { headers: bearer(users[1]) }),
        timed(`${t.url}/api/v1/messages/room/${room.id}`, {
          method: 'POST',
          headers: { ...bearer(users[2]), 'content-type': 'application/json' },
          body: JSON.stringify({ content: 'into the hole' }),
        }),
        timed(`${t.url}/health`),
      ]);
      rest.push(read, write);
      if (live.status === 200) health++;
    }
    const readyDuringHole = (await readiness(t.url)).status;
    proxy.restore();
    await waitFor(async () => (await readiness(t.url)).status === 200, '/health/ready back to 200', 30_000);
    await sleep(500);
    stop = true;
    await traffic;

    const after = await Promise.all(senders.map((s) => s.send(room.id)));
    const all = senders.flatMap((s) => s.outcomes);
    const during = all.slice(before);
    const errors = all.filter((o) => o.kind === 'error');
    const acknowledged = all.filter((o) => o.kind === 'receipt');
    const stored = new Set((await storedMessages(db.url, room.id)).map((m) => m.content));

    recordHardening('faults-database-black-hole', {
      faultsInjected: 1,
      faultsSurvived: after.every((o) => o.kind === 'receipt') ? 1 : 0,
      messagesAcknowledged: acknowledged.length,
      acknowledgedFound: acknowledged.filter((o) => stored.has(o.content)).length,
      serverErrorsSeen:
        errors.filter((o) => o.status === 500).length + rest.filter((r) => r.status === 500).length,
      notes: {
        queryTimeoutMs: QUERY_TIMEOUT_MS,
        blackHoleMs: BLACK_HOLE_MS,
        sends: all.length,
        errors503: errors.filter((o) => o.status === 503).length,
        timeouts: all.filter((o) => o.kind === 'timeout').length,
        stompAnswerMsMax: answerMs(during),
        rest503: rest.filter((r) => r.status === 503).length,
        restMsMax: Math.max(...rest.map((r) => r.ms)),
        healthDuringHole: health,
        connectionsHeld: proxy.swallowed,
        bytesDropped: proxy.bytesDropped,
      },
    });

    // Every send ended with exactly one answer, none ran into the client's 20 s limit.
    expect(all.filter((o) => o.kind === 'timeout' || o.kind === undefined)).toEqual([]);
    expect(all.filter((o) => o.answers !== 1)).toEqual([]);
    // The black hole was seen, as 503s only.
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.map((o) => `${o.status} ${o.message}`)).toEqual(errors.map(() => UNAVAILABLE));
    // REST: every request answered (no client-side abort), with 503 or, for a lucky one, 2xx.
    expect(rest.filter((r) => r.status === 0 || r.status === 500)).toEqual([]);
    expect(rest.filter((r) => r.status === 503).length).toBeGreaterThan(0);
    expect(health).toBeGreaterThan(0);
    expect(readyDuringHole).toBe(503);
    // Durable once RECEIPTed, and back by itself.
    expect(acknowledged.filter((o) => !stored.has(o.content))).toEqual([]);
    expect(after.map((o) => o.kind)).toEqual(senders.map(() => 'receipt'));
    expect(senders.filter((s) => s.client.closed)).toEqual([]);
  });
});
