import request from 'supertest';
import { createRoom } from '../factories/rooms';
import { bearer, createUser, TestUser } from '../factories/users';
import { ensureBuilt, freePort, ServerProcess } from '../helpers/built-server';
import { StompTestClient } from '../helpers/stomp-client';
import { freshDatabase, TestApp, testSettings, TEST_JWT_SECRET } from '../helpers/test-app';
import { recordHardening } from './summary';
import { loop, ReceiptedSender, sleep, waitFor } from './support/chat-traffic';
import { spawn } from 'node:child_process';

const SENDERS = 3;

interface Msg {
  id: number;
  content: string;
}

/**
 * The built server (`node dist/.../main.js`) is SIGKILLed under traffic and started again on the
 * same port and database; clients reconnect and catch up with `?after=<lastSeenId>`. Nothing that
 * was RECEIPTed is lost, nothing is stored twice, and retries of unanswered sends are idempotent.
 */
describe('crash and restart of the built server', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let main: string;
  let port: number;
  let server: ServerProcess | undefined;
  const closers: (() => Promise<void>)[] = [];

  const start = async (): Promise<ServerProcess> => {
    const settings = testSettings(db.url, db.dataDir);
    const child = spawn(process.execPath, [main], {
      env: {
        PATH: process.env.PATH ?? '',
        HOST: '127.0.0.1',
        PORT: String(port),
        NODE_ENV: 'test',
        DATABASE_URL: db.url,
        DATA_DIR: settings.dataDir,
        JWT_SECRET: TEST_JWT_SECRET,
        ARGON2_MEMORY_KIB: '1024',
        ARGON2_TIME_COST: '1',
        LOG_LEVEL: 'warn',
        LOG_PRETTY: 'false',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    let gone = false;
    void exited.then(() => (gone = true));
    const url = `http://127.0.0.1:${port}`;
    await waitFor(
      async () => {
        if (gone) throw new Error(`server exited during startup:\n${out}`);
        return (await fetch(`${url}/health/ready`).catch(() => undefined))?.status === 200;
      },
      'the built server to be ready',
      60_000,
    );
    return { child, url, stdout: () => out, stderr: () => '', exited };
  };

  beforeAll(async () => {
    main = ensureBuilt();
    db = await freshDatabase();
    port = await freePort();
    server = await start();
  }, 400_000);

  afterAll(async () => {
    for (const close of closers) await close().catch(() => undefined);
    server?.child.kill('SIGKILL');
    await server?.exited;
    await db?.drop();
  });

  it('loses no acknowledged message and duplicates none across a SIGKILL and a restart', async () => {
    const t = { url: server!.url } as TestApp;
    const users: TestUser[] = [];
    for (let i = 0; i <= SENDERS; i++) users.push(await createUser(t));
    const [watcherUser, ...senderUsers] = users;
    const room = await createRoom(t, senderUsers[0], { members: [watcherUser, ...senderUsers.slice(1)] });
    const topic = `/topic/rooms/${room.id}`;

    const watcher = await StompTestClient.connect(t.url, watcherUser.token);
    closers.push(() => watcher.close());
    await watcher.subscribeConfirmed(topic);
    const senders: ReceiptedSender[] = [];
    for (const [i, u] of senderUsers.entries()) {
      const s = await ReceiptedSender.connect(t.url, u.token, `crash${i}`);
      closers.push(() => s.close());
      senders.push(s);
    }

    let stop = false;
    const traffic = Promise.all(
      senders.map((s) =>
        loop(
          () => stop,
          10,
          () => s.send(room.id, { timeoutMs: 15_000 }),
        ),
      ),
    );
    await sleep(1500);
    server!.child.kill('SIGKILL');
    const killed = await server!.exited;
    stop = true;
    await traffic;
    expect(killed.signal).toBe('SIGKILL');
    await watcher.waitClosed();
    const seenLive = watcher.bodies<Msg>(topic);
    const lastSeenId = seenLive.length ? seenLive[seenLive.length - 1].id : 0;

    server = await start();
    // Reconnect, then catch up from the last id seen live, page by page.
    const again = await StompTestClient.connect(t.url, watcherUser.token);
    closers.push(() => again.close());
    await again.subscribeConfirmed(topic);
    const caughtUp: Msg[] = [];
    let cursor = lastSeenId;
    for (let page = 0; page < 100; page++) {
      const query = cursor > 0 ? `after=${cursor}&size=100` : 'page=0&size=100';
      const res = await request(t.url)
        .get(`/api/v1/messages/room/${room.id}?${query}`)
        .set(bearer(watcherUser))
        .expect(200);
      const batch = res.body as Msg[];
      caughtUp.push(...batch);
      if (batch.length < 100 || cursor === 0) break;
      cursor = batch[batch.length - 1].id;
    }
    const known = new Set([...seenLive, ...caughtUp].map((m) => m.content));

    const all = senders.flatMap((s) => s.outcomes);
    const acknowledged = all.filter((o) => o.kind === 'receipt');
    const unanswered = all.filter((o) => o.kind !== 'receipt');
    const found = acknowledged.filter((o) => known.has(o.content));

    // Clients retry what got no RECEIPT with the same clientMessageId, on new connections.
    const retriers: ReceiptedSender[] = [];
    for (const [i, u] of senderUsers.entries()) {
      const s = await ReceiptedSender.connect(t.url, u.token, `crash${i}-again`);
      closers.push(() => s.close());
      retriers.push(s);
    }
    const retries = [];
    for (const [i, s] of senders.entries())
      for (const failed of s.outcomes.filter((o) => o.kind !== 'receipt'))
        retries.push(await retriers[i].send(room.id, { retryOf: failed }));

    const full = await fullHistory(t.url, room.id, watcherUser);
    const contents = full.map((m) => m.content);

    recordHardening('faults-crash-restart', {
      faultsInjected: 1,
      faultsSurvived: found.length === acknowledged.length ? 1 : 0,
      messagesAcknowledged: acknowledged.length,
      acknowledgedFound: found.length,
      notes: {
        sends: all.length,
        unansweredAtKill: unanswered.length,
        seenLiveBeforeKill: seenLive.length,
        caughtUpAfterRestart: caughtUp.length,
        retriedAcknowledged: retries.filter((o) => o.kind === 'receipt').length,
        storedTotal: full.length,
      },
    });

    expect(full.length).toBeGreaterThan(0);
    expect(found.length).toBe(acknowledged.length);
    // No duplicates in history, even after the retries.
    expect(new Set(contents).size).toBe(contents.length);
    expect(new Set(full.map((m) => m.id)).size).toBe(full.length);
    expect(retries.filter((o) => o.kind !== 'receipt')).toEqual([]);
    // Every send of the run is stored exactly once after the retries.
    expect(contents.length).toBe(all.length);
    for (const o of all) expect(contents).toContain(o.content);
  });
});

/** A room's whole history, oldest first: the newest page, then `before=` pages back to the start. */
async function fullHistory(url: string, roomId: number, user: TestUser): Promise<Msg[]> {
  const get = async (query: string) =>
    (await request(url).get(`/api/v1/messages/room/${roomId}?${query}`).set(bearer(user)).expect(200))
      .body as Msg[];
  const all = await get('page=0&size=100');
  for (let older = all; older.length > 0;) {
    older = await get(`before=${all[0].id}&size=100`);
    all.unshift(...older);
  }
  return all;
}
