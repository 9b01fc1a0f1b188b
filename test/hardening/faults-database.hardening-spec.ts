import { createRoom } from '../factories/rooms';
import { createUser } from '../factories/users';
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

const DATABASE = process.env.TEST_DATABASE_URL;
const describeWithMysql = DATABASE ? describe : describe.skip;
if (!DATABASE)
  console.warn(
    'faults-database: skipped, TEST_DATABASE_URL is not set (SQLite has no network to cut; CI sets it)',
  );

const SENDERS = 4;
const OUTAGE_MS = 4000;

/**
 * The database goes away under steady STOMP traffic: a TCP proxy between the app and MariaDB
 * resets every connection and refuses new ones for a few seconds (the real MariaDB keeps running
 * for everyone else), then lets them through again.
 */
describeWithMysql('database outage under STOMP traffic', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let proxy: TcpProxy;
  let t: TestApp;
  const senders: ReceiptedSender[] = [];

  beforeAll(async () => {
    db = await freshDatabase();
    proxy = await TcpProxy.forUrl(db.url, 3306);
    t = await startTestApp({ DB_POOL_SIZE: '4' }, { url: proxy.rewrite(db.url), dataDir: db.dataDir });
  });

  afterAll(async () => {
    await Promise.all(senders.map((s) => s.close()));
    await t?.close();
    await proxy?.close();
    await db?.drop();
  });

  it('acknowledges only what it stored, answers every send (503 while the database is down) and recovers by itself', async () => {
    const users = [];
    for (let i = 0; i < SENDERS; i++) users.push(await createUser(t));
    const room = await createRoom(t, users[0], { members: users.slice(1) });
    for (const [i, user] of users.entries())
      senders.push(await ReceiptedSender.connect(t.url, user.token, `db${i}`));
    expect((await readiness(t.url)).status).toBe(200);

    let stop = false;
    const traffic = Promise.all(
      senders.map((s) =>
        loop(
          () => stop,
          30,
          () => s.send(room.id),
        ),
      ),
    );

    await sleep(1500);
    const cutAt = Date.now();
    proxy.cut();
    // Readiness says so while the database is unreachable.
    let readyDuringOutage = 0;
    await waitFor(
      async () => (readyDuringOutage = (await readiness(t.url)).status) === 503,
      '/health/ready to report 503',
    );
    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - cutAt)));
    proxy.restore();
    const restoredAt = Date.now();
    await waitFor(async () => (await readiness(t.url)).status === 200, '/health/ready back to 200', 30_000);
    const recoverySeconds = (Date.now() - restoredAt) / 1000;
    await sleep(1500);
    stop = true;
    await traffic;

    // After the restore, without a restart, every client's next send is stored and acknowledged.
    const after: SendOutcome[] = await Promise.all(senders.map((s) => s.send(room.id)));
    expect(after.map((o) => o.kind)).toEqual(senders.map(() => 'receipt'));

    const all = senders.flatMap((s) => s.outcomes);
    const acknowledged = all.filter((o) => o.kind === 'receipt');
    const errors = all.filter((o) => o.kind === 'error');
    let stored = await storedMessages(db.url, room.id);
    const storedContents = new Set(stored.map((m) => m.content));
    const found = acknowledged.filter((o) => storedContents.has(o.content));
    const erroredButStored = errors.filter((o) => storedContents.has(o.content)).length;

    // A client retries what failed with the same clientMessageId: each is then stored exactly once,
    // including those whose INSERT committed while the connection was being cut.
    const retries: SendOutcome[] = [];
    for (const sender of senders) {
      for (const failed of sender.outcomes.filter((o) => o.kind === 'error'))
        retries.push(await sender.send(room.id, { retryOf: failed }));
    }
    stored = await storedMessages(db.url, room.id);

    recordHardening('faults-database-outage', {
      faultsInjected: 1,
      faultsSurvived: after.every((o) => o.kind === 'receipt') ? 1 : 0,
      messagesAcknowledged: acknowledged.length,
      acknowledgedFound: found.length,
      serverErrorsSeen: errors.filter((o) => o.status === 500).length,
      notes: {
        sends: all.length,
        errors503: errors.filter((o) => o.status === 503).length,
        otherErrors: errors.filter((o) => o.status !== 503).length,
        timeouts: all.filter((o) => o.kind === 'timeout').length,
        outageMs: OUTAGE_MS,
        recoverySeconds,
        connectionsRefusedByProxy: proxy.refused,
        erroredButStored,
        retriedAndStored: retries.filter((o) => o.kind === 'receipt').length,
      },
    });

    // Every send ended with exactly one answer: a RECEIPT or an error, never silence, never both.
    expect(all.filter((o) => o.kind === 'timeout' || o.kind === undefined)).toEqual([]);
    expect(all.filter((o) => o.answers !== 1)).toEqual([]);
    // The outage was seen by the senders, as a clear 503, never a 500.
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.map((o) => `${o.status} ${o.message}`)).toEqual(
      errors.map(() => '503 Service temporarily unavailable, retry shortly'),
    );
    expect(readyDuringOutage).toBe(503);
    // Durable once RECEIPTed: every acknowledged message is in the database, exactly once.
    expect(found.length).toBe(acknowledged.length);
    const ids = stored.map((m) => m.clientMessageId);
    expect(new Set(ids).size).toBe(ids.length);
    // Idempotent retries: every retry acknowledged, and every message of the run stored once.
    expect(retries.filter((o) => o.kind !== 'receipt')).toEqual([]);
    expect(stored.length).toBe(acknowledged.length + errors.length);
    // The sessions stayed up through the outage.
    expect(senders.filter((s) => s.client.closed)).toEqual([]);
  });
});
