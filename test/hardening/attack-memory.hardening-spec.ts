import { createRoom, TestRoom } from '../factories/rooms';
import { createUser, TestUser } from '../factories/users';
import { TestApp } from '../helpers/test-app';
import { recordHardening } from './summary';
import { Bystander, BystanderFigures } from './support/bystander';
import {
  LeanSockJsWebSocket,
  LeanSockJsXhr,
  LeanStomp,
  MeasuredServer,
  RssProbe,
  startMeasuredServer,
} from './support/measured-server';

/** The server's defaults, as docs/RELIABILITY.md states them. */
const MAX_SESSIONS_PER_USER = 20;
const MAX_TRANSACTION_BYTES = 65536;
const MAX_UNACKED_PER_SESSION = 1000;
const MAX_PENDING_FRAMES = 1000;
const MAX_PENDING_BYTES = 1024 * 1024;
/** The largest SockJS xhr_send body, and SockJS websocket message: 8 x STOMP_MAX_FRAME_BYTES. */
const MAX_SOCKJS_MESSAGE_BYTES = 8 * 65536;
const TOO_MANY_PENDING = 'Too many unprocessed frames';
/** RSS the server may gain during one attack (peak over baseline): V8 grows its heap with garbage too. */
const RSS_GROWTH_LIMIT_MB = 64;

/** A valid chat message of 4000 characters (the longest), about 12 KB of UTF-8. */
const BIG_CONTENT = '€'.repeat(4000);
const sendFrame = (roomId: number, content: string, extra = '') =>
  `SEND\ndestination:/app/chat.sendMessage\ncontent-type:application/json\n${extra}\n${JSON.stringify({ roomId, content })}\0`;
const MB = 1024 * 1024;
/** Big SENDs that fit one SockJS message (xhr_send body or websocket message), with room to spare. */
const BIG_FRAMES_PER_BODY = Math.floor(
  (MAX_SOCKJS_MESSAGE_BYTES * 0.9) / Buffer.byteLength(sendFrame(1, BIG_CONTENT)),
);

const refused = <T extends object>(c: T | { refused: string }): c is { refused: string } => 'refused' in c;

/**
 * What one account can make the server hold is bounded, whatever it sends: the server runs as its
 * own process (the built one), and each attack measures its RSS before, at the peak and after,
 * while a bystander chats. `withoutBoundMb` estimates what the server would have held had the
 * bound given way (the bytes the attack got in, or tried to); where that is well over
 * RSS_GROWTH_LIMIT_MB the RSS check alone would catch a broken bound, elsewhere the server's own
 * count (`/metrics`) and the refusals the attacker gets do.
 */
describe('attack: bounded memory per account (the built server, its RSS measured)', () => {
  let server: MeasuredServer;
  let attacker: TestUser;
  let room: TestRoom;
  const open: { close(): void }[] = [];

  beforeAll(async () => {
    server = await startMeasuredServer();
    const t = server as unknown as TestApp;
    attacker = await createUser(t);
    room = await createRoom(t, attacker, { type: 'PUBLIC' });
    await warmUp(t);
  }, 400_000);

  /**
   * Ordinary traffic through the paths the attacks take (connects, subscriptions, sends, a
   * transaction), so the first attack's figures are not the server's own warm-up (JIT, caches, heap).
   */
  async function warmUp(t: TestApp): Promise<void> {
    const user = await createUser(t);
    const own = await createRoom(t, user, { type: 'PUBLIC' });
    for (let round = 0; round < 3; round++) {
      const clients = await Promise.all(
        Array.from({ length: 10 }, () => LeanStomp.connect(server.url, user.token)),
      );
      await Promise.all(
        clients.map(async (c, i) => {
          if (refused(c)) throw new Error(`warm-up refused: ${c.refused}`);
          await c.sendAndSync(
            `SUBSCRIBE\nid:r\ndestination:/topic/rooms/${own.id}\nack:client\n\n\0` +
              `BEGIN\ntransaction:w\n\n\0${sendFrame(own.id, BIG_CONTENT, 'transaction:w\n')}ABORT\ntransaction:w\n\n\0` +
              sendFrame(own.id, `warm-up ${round} ${i}`),
            `w${round}-${i}`,
          );
          c.close();
        }),
      );
      // And the SockJS transports the attacks take: xhr_send bodies of the largest size, one at a
      // time as sockjs-client sends them.
      for (const transport of [LeanSockJsXhr, LeanSockJsWebSocket]) {
        const c = await transport.connect(server.url, user.token);
        if (refused(c)) throw new Error(`warm-up refused: ${c.refused}`);
        for (let body = 0; body < 2; body++) {
          const frames = Array<string>(BIG_FRAMES_PER_BODY - 1).fill(sendFrame(own.id, BIG_CONTENT));
          await c.batch([...frames, sendFrame(own.id, BIG_CONTENT, `receipt:b${body}\n`)]);
          await c.until(() => c.receipts.has(`b${body}`), 'the warm-up receipt');
        }
        c.close();
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }

  afterEach(() => {
    for (const c of open.splice(0)) c.close();
  });

  afterAll(async () => {
    await server?.close();
  });

  /** Runs `attack` with RSS sampled around it and a bystander chatting; records and checks the figures. */
  async function measured(
    scenario: string,
    attack: () => Promise<{
      boundsHeld: boolean;
      withoutBoundMb: number;
      notes: Record<string, string | number>;
    }>,
  ): Promise<void> {
    const bystander = await Bystander.start(server, 100);
    const rss = new RssProbe(server);
    await rss.start();
    let outcome: Awaited<ReturnType<typeof attack>>;
    let seen: BystanderFigures;
    try {
      outcome = await attack();
    } finally {
      for (const c of open.splice(0)) c.close();
      await rss.stop();
      seen = await bystander.stop();
    }
    recordHardening(`attack: memory, ${scenario}`, {
      badInputsTried: Number(outcome.notes.attempts ?? 0),
      serverErrorsSeen: 0,
      notes: {
        boundsHeld: outcome.boundsHeld ? 'yes' : 'NO',
        ...rss.notes(),
        withoutBoundMb: outcome.withoutBoundMb.toFixed(0),
        ...outcome.notes,
        bystanderSent: seen.sent,
        bystanderAcked: seen.acknowledged,
        bystanderP50Ms: seen.p50Ms,
        bystanderP99Ms: seen.p99Ms,
      },
    });
    expect(outcome.boundsHeld).toBe(true);
    expect(rss.peak - rss.before).toBeLessThan(RSS_GROWTH_LIMIT_MB);
    expect(seen.acknowledged).toBe(seen.sent);
    expect(seen.sent).toBeGreaterThan(0);
  }

  /** Up to `count` sessions of the attacker (raw WebSocket unless `client` says), `batch` CONNECTs at a time. */
  async function sessions<C extends { close(): void } = LeanStomp>(
    count: number,
    batch = 50,
    client: { connect(url: string, token: string): Promise<C | { refused: string }> } = LeanStomp as never,
  ): Promise<{ accepted: C[]; refusals: string[] }> {
    const accepted: C[] = [];
    const refusals: string[] = [];
    for (let i = 0; i < count; i += batch) {
      const round = await Promise.all(
        Array.from({ length: Math.min(batch, count - i) }, () => client.connect(server.url, attacker.token)),
      );
      for (const c of round) {
        if (refused(c)) refusals.push(c.refused);
        else {
          accepted.push(c);
          open.push(c);
        }
      }
    }
    return { accepted, refusals };
  }

  it('transactions: held SENDs stop at STOMP_MAX_TRANSACTION_BYTES per session', async () => {
    await measured('transactions held', async () => {
      const ROUNDS = 4;
      const PLANNED_FRAMES = 1000;
      const BURST = 10;
      const frame = sendFrame(room.id, BIG_CONTENT, 'transaction:tx\n');
      let pushedBytes = 0;
      let attempts = 0;
      let closedByBudget = 0;
      let sessionsUsed = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const { accepted } = await sessions(MAX_SESSIONS_PER_USER);
        sessionsUsed += accepted.length;
        await Promise.all(
          accepted.map(async (c, i) => {
            await c.send('BEGIN\ntransaction:tx\n\n\0');
            for (let sent = 0; sent < PLANNED_FRAMES && !c.closed; sent += BURST) {
              attempts += BURST;
              const probe = `r${round}-${i}-${sent}`;
              if (!(await c.send(`${frame.repeat(BURST)}UNSUBSCRIBE\nid:probe\nreceipt:${probe}\n\n\0`)))
                break;
              pushedBytes += BURST * Buffer.byteLength(frame);
              await c.until(() => c.receipts.has(probe) || c.closed, `receipt ${probe}`, 30_000);
            }
            await c.until(() => c.closed, 'the session over its budget to be closed');
            if (c.error?.startsWith('Transactions hold too much')) closedByBudget++;
            c.close();
          }),
        );
      }
      return {
        boundsHeld: closedByBudget === sessionsUsed,
        // Each session would have held its whole planned transaction.
        withoutBoundMb: (MAX_SESSIONS_PER_USER * PLANNED_FRAMES * Buffer.byteLength(frame)) / MB,
        notes: {
          attempts,
          sessions: sessionsUsed,
          closedByBudget,
          budgetBytes: MAX_TRANSACTION_BYTES,
          pushedMb: (pushedBytes / MB).toFixed(1),
        },
      };
    });
  });

  it('sessions: an account holds STOMP_MAX_SESSIONS_PER_USER sessions, the rest are refused', async () => {
    await measured('sessions per user', async () => {
      const ATTEMPTS = 1000;
      const held = sendFrame(room.id, BIG_CONTENT, 'transaction:tx\n').repeat(5);
      const subscriptions =
        'SUBSCRIBE\nid:s\ndestination:/topic/status\n\n\0' +
        `SUBSCRIBE\nid:r\ndestination:/topic/rooms/${room.id}\n\n\0` +
        `SUBSCRIBE\nid:t\ndestination:/topic/rooms/${room.id}/typing\n\n\0` +
        `SUBSCRIBE\nid:e\ndestination:/topic/rooms/${room.id}/events\n\n\0`;
      const { accepted, refusals } = await sessions(ATTEMPTS);
      // Every session that got in holds what a session may: subscriptions and a full transaction.
      await Promise.all(
        accepted.map((c, i) => c.sendAndSync(`${subscriptions}BEGIN\ntransaction:tx\n\n\0${held}`, `s${i}`)),
      );
      const live = await server.metric('stomp_sessions');
      const tooMany = refusals.filter(
        (r) => r === `Too many sessions for this user (max ${MAX_SESSIONS_PER_USER})`,
      );
      const heldBytesPerSession = Buffer.byteLength(held);
      return {
        boundsHeld:
          accepted.length === MAX_SESSIONS_PER_USER &&
          tooMany.length === ATTEMPTS - MAX_SESSIONS_PER_USER &&
          accepted.every((c) => !c.closed),
        // Each refused session would have held its transaction, and its socket and subscriptions (~40 KB).
        withoutBoundMb: (ATTEMPTS * (heldBytesPerSession + 40 * 1024)) / MB,
        notes: {
          attempts: ATTEMPTS,
          accepted: accepted.length,
          refused: tooMany.length,
          liveSessions: live,
          refusedTotal: await server.metric('stomp_sessions_refused_total'),
        },
      };
    });
  });

  it('subscriptions: one per destination per session; a second one ends the session', async () => {
    await measured('duplicate subscriptions', async () => {
      const ROUNDS = 3;
      const PER_SESSION = 500;
      let attempts = 0;
      let closedForDuplicate = 0;
      let sessionsUsed = 0;
      let maxSubscriptions = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const { accepted } = await sessions(MAX_SESSIONS_PER_USER);
        sessionsUsed += accepted.length;
        await Promise.all(
          accepted.map(async (c) => {
            const frames = Array.from(
              { length: PER_SESSION },
              (_, n) => `SUBSCRIBE\nid:d${n}\ndestination:/topic/status\n\n\0`,
            ).join('');
            attempts += PER_SESSION;
            await c.send(frames);
            await c.until(() => c.closed, 'the duplicate SUBSCRIBE to close the session');
            if (c.error === 'Already subscribed to /topic/status (subscription d0)') closedForDuplicate++;
          }),
        );
        maxSubscriptions = Math.max(maxSubscriptions, await server.metric('stomp_subscriptions'));
      }
      return {
        boundsHeld: closedForDuplicate === sessionsUsed,
        // 1000 subscription records (~300 B) per session, and each status change written 1000 times
        // (~200 B a frame) into each session's outbound buffer.
        withoutBoundMb: (MAX_SESSIONS_PER_USER * PER_SESSION * 500) / MB,
        notes: {
          attempts,
          sessions: sessionsUsed,
          closedForDuplicate,
          subscriptionsAfterRound: maxSubscriptions,
        },
      };
    });
  });

  it('unacked ids: at most STOMP_MAX_UNACKED_PER_SESSION per session, however much is never acknowledged', async () => {
    await measured('unacked ids', async () => {
      const MESSAGES = 1500;
      const { accepted } = await sessions(MAX_SESSIONS_PER_USER - 1);
      await Promise.all(
        accepted.map((c, i) =>
          c.sendAndSync(
            `SUBSCRIBE\nid:r\ndestination:/topic/rooms/${room.id}\nack:client-individual\n\n\0`,
            `u${i}`,
          ),
        ),
      );
      // The attacker floods its own room from one more session, and never acknowledges anything.
      const flooder = await LeanStomp.connect(server.url, attacker.token);
      if (refused(flooder)) throw new Error(`flooder refused: ${flooder.refused}`);
      open.push(flooder);
      for (let n = 0; n < MESSAGES; n += 100) {
        const burst = Array.from({ length: 100 }, (_, k) => sendFrame(room.id, `never acked ${n + k}`)).join(
          '',
        );
        await flooder.sendAndSync(burst, `f${n}`);
      }
      await Promise.all(
        accepted.map((c) => c.until(() => (c.counts.MESSAGE ?? 0) >= MESSAGES, 'every delivery', 60_000)),
      );
      const unacked = await server.metric('stomp_unacked_messages');
      const delivered = accepted.reduce((n, c) => n + (c.counts.MESSAGE ?? 0), 0);
      return {
        boundsHeld: unacked <= accepted.length * MAX_UNACKED_PER_SESSION && accepted.every((c) => !c.closed),
        // Without the per-session bound every delivered id stays remembered (~100 B each).
        withoutBoundMb: (delivered * 100) / MB,
        notes: {
          attempts: delivered,
          sessions: accepted.length,
          delivered,
          unackedHeld: unacked,
          unackedBound: accepted.length * MAX_UNACKED_PER_SESSION,
        },
      };
    });
  });

  /** Every ERROR the sessions ended with, counted by message ("none" for a session left open). */
  const endings = (clients: { error?: string; closed: boolean }[]): Record<string, number> => {
    const seen: Record<string, number> = {};
    for (const c of clients) {
      const key = c.error ?? (c.closed ? 'closed without ERROR' : 'none');
      seen[key] = (seen[key] ?? 0) + 1;
    }
    return seen;
  };

  it('pending frames over SockJS xhr: frames of a request land at once; 1000 frames or STOMP_MAX_PENDING_BYTES wait at most', async () => {
    await measured('pending frames, SockJS xhr_send', async () => {
      const SMALL = sendFrame(room.id, 'queued');
      const BIG = sendFrame(room.id, BIG_CONTENT);
      // One request of small SENDs: all reach the session in the same tick, over the frame count.
      const SMALL_PER_POST = 1500;
      // Requests of big SENDs, each under the body cap; several at a time pile up past the bytes.
      const POSTS_AT_ONCE = 4;
      const MAX_ROUNDS = 10;
      const BYTE_SESSIONS = 2;
      let attempts = 0;
      let pushedBytes = 0;

      const byCount = (await sessions(MAX_SESSIONS_PER_USER, 50, LeanSockJsXhr)).accepted;
      await Promise.all(
        byCount.map(async (c) => {
          attempts += SMALL_PER_POST;
          if (await c.batch(Array<string>(SMALL_PER_POST).fill(SMALL)))
            pushedBytes += SMALL_PER_POST * Buffer.byteLength(SMALL);
          await c.until(() => c.closed, 'the session over the frame count to be closed');
        }),
      );

      const rssAfterCountMb = server.rssMb();
      const byBytes = (await sessions(BYTE_SESSIONS, 50, LeanSockJsXhr)).accepted;
      let rounds = 0;
      await Promise.all(
        byBytes.map(async (c) => {
          for (let round = 0; round < MAX_ROUNDS && !c.closed; round++) {
            rounds++;
            // The last SEND of each body asks for a receipt: the round is over once the session
            // answered them all (it kept up) or closed.
            const probes = Array.from({ length: POSTS_AT_ONCE }, (_, k) => `r${round}-${k}`);
            await Promise.all(
              probes.map(async (probe) => {
                attempts += BIG_FRAMES_PER_BODY;
                const body = Array<string>(BIG_FRAMES_PER_BODY - 1).fill(BIG);
                if (await c.batch([...body, sendFrame(room.id, BIG_CONTENT, `receipt:${probe}\n`)]))
                  pushedBytes += BIG_FRAMES_PER_BODY * Buffer.byteLength(BIG);
              }),
            );
            await c.until(
              () => c.closed || probes.every((p) => c.receipts.has(p)),
              'the round to be answered or refused',
              60_000,
            );
          }
        }),
      );
      const countEndings = endings(byCount);
      const byteEndings = endings(byBytes);
      return {
        boundsHeld:
          byCount.length === MAX_SESSIONS_PER_USER &&
          countEndings[TOO_MANY_PENDING] === byCount.length &&
          byteEndings[TOO_MANY_PENDING] === byBytes.length,
        // Every frame that got in would have waited in its session's queue.
        withoutBoundMb: pushedBytes / MB,
        notes: {
          attempts,
          sessionsByCount: byCount.length,
          closedByCount: countEndings[TOO_MANY_PENDING] ?? 0,
          sessionsByBytes: byBytes.length,
          closedByBytes: byteEndings[TOO_MANY_PENDING] ?? 0,
          rssAfterCountMb: rssAfterCountMb.toFixed(1),
          byteRounds: rounds,
          bigFramesPerBody: BIG_FRAMES_PER_BODY,
          budgetBytes: MAX_PENDING_BYTES,
          pushedMb: (pushedBytes / MB).toFixed(1),
        },
      };
    });
  });

  it('pending frames packed in one WebSocket message: over 1000 frames at once end the session', async () => {
    await measured('pending frames, one WebSocket message', async () => {
      // As many small SENDs as fit the raw endpoint's largest message (2 x STOMP_MAX_FRAME_BYTES).
      const frame = sendFrame(room.id, 'packed');
      const PER_MESSAGE = 1200;
      const packed = frame.repeat(PER_MESSAGE);
      const { accepted } = await sessions(MAX_SESSIONS_PER_USER);
      await Promise.all(
        accepted.map(async (c) => {
          await c.send(packed);
          await c.until(() => c.closed, 'the session over the frame count to be closed');
        }),
      );
      const seen = endings(accepted);
      return {
        boundsHeld: accepted.length === MAX_SESSIONS_PER_USER && seen[TOO_MANY_PENDING] === accepted.length,
        withoutBoundMb: (accepted.length * Buffer.byteLength(packed)) / MB,
        notes: {
          attempts: accepted.length * PER_MESSAGE,
          sessions: accepted.length,
          closedByCount: seen[TOO_MANY_PENDING] ?? 0,
          messageKb: (Buffer.byteLength(packed) / 1024).toFixed(0),
          framesBound: MAX_PENDING_FRAMES,
        },
      };
    });
  });

  it('SockJS websocket: a message over the xhr_send body cap is refused before a frame of it is read', async () => {
    await measured('SockJS websocket message cap', async () => {
      // 4 MiB of big SENDs in one message: four times the session's pending bytes, 8 times the cap.
      // The first asks for a receipt: had any frame of the message reached the session, it would
      // be answered (or the session ended with an ERROR).
      const frame = sendFrame(room.id, BIG_CONTENT);
      const frames = Array<string>(Math.ceil((4 * MB) / Buffer.byteLength(frame))).fill(frame);
      frames[0] = sendFrame(room.id, BIG_CONTENT, 'receipt:first\n');
      const messageBytes = Buffer.byteLength(JSON.stringify(frames));
      const { accepted } = await sessions(MAX_SESSIONS_PER_USER, 50, LeanSockJsWebSocket);
      await Promise.all(
        accepted.map(async (c) => {
          await c.batch(frames);
          await c.until(() => c.closed, 'the oversized message to close the socket');
        }),
      );
      // The server cuts the socket (1009, or 1006 when the client was still writing as it went).
      const unread = accepted.filter((c) => !c.receipts.has('first') && c.error === undefined);
      const codes: Record<string, number> = {};
      for (const c of accepted) codes[c.closeCode ?? 'none'] = (codes[c.closeCode ?? 'none'] ?? 0) + 1;
      return {
        boundsHeld: accepted.length === MAX_SESSIONS_PER_USER && unread.length === accepted.length,
        // sockjs' own cap was 64 MiB: each message read whole, then JSON-parsed, before any frame
        // met the session's pending bound (the raw bytes, then the parsed strings, about 3 times).
        withoutBoundMb: (accepted.length * 3 * messageBytes) / MB,
        notes: {
          attempts: accepted.length,
          sessions: accepted.length,
          closedUnread: unread.length,
          closeCodes: JSON.stringify(codes),
          messageMb: (messageBytes / MB).toFixed(1),
          capKb: MAX_SOCKJS_MESSAGE_BYTES / 1024,
        },
      };
    });
  });

  it('SockJS bodies sent a little at a time cost the server their size, not its square', async () => {
    await measured('SockJS bodies trickled', async () => {
      // Bodies just under the cap, of heart-beat EOLs only (nothing for the session to hold: what
      // the server spends is the reading), written 1 KiB at a time, 8 at once.
      const SESSIONS = 4;
      const BODIES_PER_SESSION = 2;
      const CHUNK_BYTES = 1024;
      const eols = '\n'.repeat(Math.floor((MAX_SOCKJS_MESSAGE_BYTES * 0.95) / 2));
      const bodyBytes = Buffer.byteLength(JSON.stringify([eols]));
      const { accepted } = await sessions(SESSIONS, 50, LeanSockJsXhr);
      const cpuBefore = server.cpuMs();
      const taken = await Promise.all(
        accepted.flatMap((c) =>
          Array.from({ length: BODIES_PER_SESSION }, () => c.batch([eols], CHUNK_BYTES)),
        ),
      );
      return {
        boundsHeld: taken.every(Boolean) && taken.length === SESSIONS * BODIES_PER_SESSION,
        // sockjs' own reader copied all it had read at every chunk: the same attack against it
        // peaked at +94 to +99 MiB and 1.07 s of server CPU (linear reading: +8 MiB, 0.21 s).
        withoutBoundMb: 94,
        notes: {
          attempts: taken.length,
          bodies: taken.length,
          taken: taken.filter(Boolean).length,
          bodyKb: (bodyBytes / 1024).toFixed(0),
          chunkBytes: CHUNK_BYTES,
          serverCpuMs: server.cpuMs() - cpuBefore,
        },
      };
    });
  });

  it('NACK is acknowledged, not redelivered: the ids are released and nothing comes twice', async () => {
    const c = await LeanStomp.connect(server.url, attacker.token, { keepAcks: true });
    if (refused(c)) throw new Error(c.refused);
    open.push(c);
    await c.sendAndSync(
      `SUBSCRIBE\nid:r\ndestination:/topic/rooms/${room.id}\nack:client-individual\n\n\0`,
      'n0',
    );
    const before = await server.metric('stomp_unacked_messages');
    const burst = Array.from({ length: 50 }, (_, k) => sendFrame(room.id, `nack me ${k}`)).join('');
    await c.sendAndSync(burst, 'n1');
    await c.until(() => c.acks.length >= 50, '50 deliveries');
    expect(await server.metric('stomp_unacked_messages')).toBe(before + 50);
    const nacks = c.acks.map((id, k) => `NACK\nid:${id}\nreceipt:nack${k}\n\n\0`).join('');
    expect(await c.sendAndSync(nacks, 'n2')).toBe(true);
    expect(c.acks.every((_, k) => c.receipts.has(`nack${k}`))).toBe(true);
    // A later message arrives once; none of the NACKed ones came again.
    await c.sendAndSync(sendFrame(room.id, 'after the nacks'), 'n3');
    await c.until(() => c.acks.length >= 51, 'the next delivery');
    expect(c.counts.MESSAGE).toBe(51);
    expect(new Set(c.acks).size).toBe(51);
    expect(await server.metric('stomp_unacked_messages')).toBe(before + 1);
    recordHardening('attack: NACK is not redelivered', {
      badInputsTried: 50,
      serverErrorsSeen: 0,
      notes: { nacked: 50, redelivered: c.counts.MESSAGE - 51, unackedAfter: before + 1 },
    });
  });
});
