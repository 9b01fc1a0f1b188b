import { createRoom } from '../factories/rooms';
import { adminUser, createUser, login, TestUser } from '../factories/users';
import { connectFrame, RawStompSocket, StompTestClient, StompTransport } from '../helpers/stomp-client';
import { freshDatabase, startTestApp, TestApp } from '../helpers/test-app';
import { recordHardening } from './summary';
import { call } from './support/attack-http';
import { frameHeader, rawConnected, rawSubscribe } from './support/attack-stomp';
import { Bystander } from './support/bystander';
import { sleep, waitFor } from './support/chat-traffic';

const REDIS = process.env.TEST_REDIS_URL;
if (!REDIS)
  console.warn(
    'attack-credentials: the two-instance scenario is skipped, TEST_REDIS_URL is not set (CI sets it)',
  );

const TRANSPORTS: StompTransport[] = ['websocket', 'sockjs', 'xhr-streaming'];
/** CONNECT loops racing each revocation with the stolen token. */
const RACERS = 8;

/** A raw CONNECT with `token`: the socket when CONNECTED (kept open), undefined when refused. */
async function tryConnect(url: string, token: string): Promise<RawStompSocket | undefined> {
  let raw: RawStompSocket;
  try {
    raw = await RawStompSocket.open(url);
  } catch {
    return undefined;
  }
  raw.send(connectFrame(token));
  await raw.until(() => !!raw.frame('CONNECTED') || raw.closed, 'CONNECT answer');
  if (raw.frame('CONNECTED') && !raw.closed) return raw;
  raw.close();
  return undefined;
}

/**
 * The attacker holds a copy of someone's token (stolen from a laptop, a log, a proxy). It keeps live
 * STOMP sessions on every transport, listens to the victim's rooms, and races fresh CONNECTs with
 * the token while the victim reacts. Whatever the victim does (change the password, log out
 * everywhere, log out that device), every session of the attacker ends at once, no CONNECT
 * authenticated with the old token survives the change, and REST refuses the token.
 */
describe('attack: a stolen token after the victim changes credentials', () => {
  let t: TestApp;
  let admin: TestUser;
  const clients: StompTestClient[] = [];
  const raws: RawStompSocket[] = [];
  let bystander: Bystander;
  const figures = { sessionsEnded: 0, racesRun: 0, racesSurvived: 0, rest401: 0, slowestCloseMs: 0 };

  beforeAll(async () => {
    t = await startTestApp();
    admin = await adminUser(t);
    bystander = await Bystander.start(t, 100);
  });
  afterAll(async () => {
    for (const r of raws) r.close();
    await Promise.all(clients.map((c) => c.close()));
    const seen = bystander ? await bystander.stop() : undefined;
    if (seen) {
      recordHardening('attack: stolen token vs credential changes', {
        badInputsTried: figures.racesRun + figures.rest401,
        serverErrorsSeen: 0,
        notes: {
          boundsHeld: `${figures.racesSurvived === 0 ? 'yes' : 'NO'} (sessions ended ${figures.sessionsEnded}, CONNECT races ${figures.racesRun}, survived ${figures.racesSurvived})`,
          rest401: figures.rest401,
          slowestCloseMs: figures.slowestCloseMs,
          bystanderSent: seen.sent,
          bystanderAcked: seen.acknowledged,
          bystanderP50Ms: seen.p50Ms,
          bystanderP99Ms: seen.p99Ms,
        },
      });
      expect(seen.acknowledged).toBe(seen.sent);
    }
    await t?.close();
  });

  /**
   * The attacker's live sessions (one per transport) with `stolen`, subscribed to the victim's room,
   * then `revoke()` while RACERS loops keep CONNECTing with `stolen`: every session must end with
   * ERROR `Token revoked`, and no racing CONNECT may stay open.
   */
  async function attackDuring(
    stolen: string,
    victimId: number,
    roomId: number,
    revoke: () => Promise<void>,
  ): Promise<void> {
    const sessions: StompTestClient[] = [];
    for (const transport of TRANSPORTS) {
      const c = await StompTestClient.connect(t.url, stolen, { transport });
      await c.subscribeConfirmed(`/topic/rooms/${roomId}`);
      clients.push(c);
      sessions.push(c);
    }
    let racing = true;
    const survivors: RawStompSocket[] = [];
    const racers = Array.from({ length: RACERS }, async () => {
      while (racing) {
        figures.racesRun++;
        const raw = await tryConnect(t.url, stolen);
        if (raw) {
          raws.push(raw);
          survivors.push(raw);
        }
      }
    });
    await sleep(50);
    const revokedAt = Date.now();
    await revoke();
    for (const s of sessions) {
      await s.waitClosed();
      figures.sessionsEnded++;
      expect(s.errors[0]?.headers.message).toBe('Token revoked');
    }
    figures.slowestCloseMs = Math.max(figures.slowestCloseMs, Date.now() - revokedAt);
    // Keep racing a moment after the change: nothing with the old token gets in any more.
    await sleep(300);
    racing = false;
    await Promise.all(racers);
    await waitFor(
      () => survivors.every((r) => r.closed),
      'every CONNECT that raced the revocation to be closed',
    );
    figures.racesSurvived += survivors.filter((r) => !r.closed).length;
    for (const r of survivors) expect(frameHeader(r.frame('ERROR') ?? '', 'message')).toBe('Token revoked');
    // REST and new CONNECTs refuse the token.
    for (const path of [
      `/api/v1/users/${victimId}`,
      `/api/v1/rooms/${roomId}`,
      `/api/v1/messages/room/${roomId}`,
    ]) {
      const res = await call(t.url, 'GET', path, { token: stolen });
      expect(res.status).toBe(401);
      figures.rest401++;
    }
    expect(await tryConnect(t.url, stolen)).toBeUndefined();
  }

  it('a password change ends every session of the old token, on every transport, and wins every CONNECT race', async () => {
    const victim = await createUser(t);
    const room = await createRoom(t, victim);
    await attackDuring(victim.token, victim.id, room.id, async () => {
      const res = await call(t.url, 'PUT', `/api/v1/users/${victim.id}/password`, {
        token: victim.token,
        body: { currentPassword: victim.password, newPassword: 'changed-after-the-theft' },
      });
      expect(res.status).toBe(200);
    });
  });

  it('"log out everywhere" does the same for every token of the victim', async () => {
    const victim = await createUser(t);
    const room = await createRoom(t, victim);
    const stolen = (await login(t, victim.username, victim.password)).token;
    await attackDuring(stolen, victim.id, room.id, async () => {
      expect((await call(t.url, 'POST', '/api/v1/auth/logout', { token: victim.token })).status).toBe(204);
    });
  });

  it('"log out" of the device whose token was stolen ends the attacker and leaves the victim\'s other devices', async () => {
    const victim = await createUser(t);
    const room = await createRoom(t, victim);
    const device = (await login(t, victim.username, victim.password)).token;
    const other = await StompTestClient.connect(t.url, victim.token);
    clients.push(other);
    await attackDuring(device, victim.id, room.id, async () => {
      const res = await call(t.url, 'POST', '/api/v1/auth/logout', {
        token: device,
        body: { scope: 'current' },
      });
      expect(res.status).toBe(204);
    });
    expect(other.closed).toBe(false);
    expect((await call(t.url, 'GET', `/api/v1/users/${victim.id}`, { token: victim.token })).status).toBe(
      200,
    );
  });

  it("a demoted admin's subscriptions to rooms it is not in go at once; resubscribing and racing SUBSCRIBEs are refused", async () => {
    const rogue = await createUser(t);
    const owner = await createUser(t);
    const rooms = await Promise.all([0, 1, 2].map(() => createRoom(t, owner, { type: 'PRIVATE' })));
    const own = await createRoom(t, rogue);
    const roles = (r: string[]) =>
      call(t.url, 'PUT', `/api/v1/users/${rogue.id}/roles`, { token: admin.token, body: { roles: r } });
    expect((await roles(['user', 'admin'])).status).toBe(200);
    const spy = await StompTestClient.connect(t.url, rogue.token);
    clients.push(spy);
    await spy.subscribeConfirmed('/user/queue/errors');
    const topics = rooms.flatMap((r) => [`/topic/rooms/${r.id}`, `/topic/rooms/${r.id}/events`]);
    for (const topic of [...topics, `/topic/rooms/${own.id}`]) await spy.subscribeConfirmed(topic);

    // Racing SUBSCRIBEs on other sessions while the role goes.
    let racing = true;
    let races = 0;
    const kept: RawStompSocket[] = [];
    const racers = rooms.map(async (r) => {
      while (racing) {
        races++;
        const raw = await tryConnect(t.url, rogue.token);
        if (!raw) continue;
        raws.push(raw);
        raw.send(
          'SUBSCRIBE\nid:e\ndestination:/user/queue/errors\n\n\0' +
            `SUBSCRIBE\nid:x\ndestination:/topic/rooms/${r.id}/typing\nreceipt:x\n\n\0`,
        );
        await raw.until(
          () => raw.frames.some((f) => f.startsWith('RECEIPT')) || raw.closed,
          'SUBSCRIBE answer',
        );
        if (!raw.closed) kept.push(raw);
        else raw.close();
      }
    });
    await sleep(50);
    const demotedAt = Date.now();
    expect((await roles(['user'])).status).toBe(200);
    const notices = await spy.waitForMessages('/user/queue/errors', topics.length);
    figures.slowestCloseMs = Math.max(figures.slowestCloseMs, Date.now() - demotedAt);
    racing = false;
    await Promise.all(racers);
    figures.racesRun += races;
    expect(notices.map((n) => n.destination).sort()).toEqual([...topics].sort());
    // A SUBSCRIBE that raced the change and got its RECEIPT lost it at once like the others.
    for (const raw of kept) {
      await raw.until(
        () => raw.frames.some((f) => f.startsWith('MESSAGE') && f.includes('"status":403')) || raw.closed,
        'the raced subscription to be withdrawn',
      );
    }
    // Nothing of the owner's rooms reaches the spy any more; its own room still does.
    for (const r of rooms) {
      const res = await call(t.url, 'POST', `/api/v1/messages/room/${r.id}`, {
        token: owner.token,
        body: { content: 'after the demotion' },
      });
      expect(res.status).toBe(201);
    }
    await call(t.url, 'POST', `/api/v1/messages/room/${own.id}`, {
      token: rogue.token,
      body: { content: 'mine' },
    });
    await spy.waitForMessages(`/topic/rooms/${own.id}`, 1);
    for (const r of rooms) expect(spy.received.get(`/topic/rooms/${r.id}`) ?? []).toHaveLength(0);
    for (const raw of kept)
      expect(raw.frames.filter((f) => f.includes('after the demotion'))).toHaveLength(0);
    // Resubscribing is refused (ERROR, then close).
    const again = await rawConnected(t.url, rogue.token);
    raws.push(again);
    expect(await rawSubscribe(again, `/topic/rooms/${rooms[0].id}`)).toBe('refused');
    figures.sessionsEnded += notices.length;
  });
});

/** The same attack with the attacker on instance B and the victim acting on instance A. */
(REDIS ? describe : describe.skip)('attack: a stolen token used on another instance (Redis)', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let a: TestApp;
  let b: TestApp;
  const prefix = `chat-creds-attack-${process.pid}-${Date.now()}`;
  const clients: StompTestClient[] = [];

  beforeAll(async () => {
    db = await freshDatabase();
    a = await startTestApp({ REDIS_URL: REDIS!, REDIS_PREFIX: prefix, INSTANCE_ID: 'a' }, db);
    b = await startTestApp({ REDIS_URL: REDIS!, REDIS_PREFIX: prefix, INSTANCE_ID: 'b' }, db);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await a?.close();
    await b?.close();
    await db?.drop();
  });

  it('a logout on A ends the attacker on B at once, and B refuses the token over REST and STOMP', async () => {
    const victim = await createUser(a);
    const room = await createRoom(a, victim);
    const sessions: StompTestClient[] = [];
    for (const transport of TRANSPORTS) {
      const c = await StompTestClient.connect(b.url, victim.token, { transport });
      await c.subscribeConfirmed(`/topic/rooms/${room.id}`);
      clients.push(c);
      sessions.push(c);
    }
    const started = Date.now();
    expect((await call(a.url, 'POST', '/api/v1/auth/logout', { token: victim.token })).status).toBe(204);
    for (const s of sessions) await s.waitClosed();
    const closeMs = Date.now() - started;
    expect((await call(b.url, 'GET', `/api/v1/users/${victim.id}`, { token: victim.token })).status).toBe(
      401,
    );
    expect(await tryConnect(b.url, victim.token)).toBeUndefined();
    recordHardening('attack: stolen token on another instance (Redis)', {
      badInputsTried: 2,
      serverErrorsSeen: 0,
      notes: { boundsHeld: 'yes', sessionsEnded: sessions.length, closeMs },
    });
  });
});
