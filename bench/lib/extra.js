'use strict';
// H1 (history by cursor at 10k vs 1M messages), R1 (REST history with JWT vs a
// bare Fastify route), X1 (F2 on 2 instances + Redis vs 1 instance). Each runs
// our server (bench/server.config.js) and returns several rows.
const fs = require('fs');
const path = require('path');
const http = require('http');
const { spawnListening, killChild, sleep, peerNodeArgs } = require('./procs');
const { LoadRun } = require('./load');
const proc = require('./proc');
const { Histogram } = require('./hist');
const serverCfg = require('../server.config');

const PEERS = path.join(__dirname, '..', 'peers');
const round = (v, d = 2) => (v == null ? null : Math.round(v * 10 ** d) / 10 ** d);

// ---------- seeding: multi-row INSERTs straight into the bench database ----------
async function seed(roomId, senderId, count, log) {
  const mysql = require('mysql2/promise');
  const pool = mysql.createPool({ uri: serverCfg.databaseUrl(), connectionLimit: 3 });
  const BATCH = 10000;
  const t0 = Date.now();
  try {
    const batches = [];
    for (let done = 0; done < count; done += BATCH) batches.push(Math.min(BATCH, count - done));
    let next = 0;
    let seq = 0;
    await Promise.all(
      [0, 1, 2].map(async () => {
        while (next < batches.length) {
          const n = batches[next++];
          const parts = [];
          for (let i = 0; i < n; i++) parts.push(`(${roomId},${senderId},'seeded history message ${seq++} lorem ipsum dolor sit amet',NOW(3),NULL)`);
          await pool.query(`INSERT INTO messages (room_id, sender_id, content, sent_at, client_message_id) VALUES ${parts.join(',')}`);
        }
      }),
    );
    const [[r]] = /** @type {[any[], unknown]} */ (await pool.query('SELECT MIN(id) AS lo, MAX(id) AS hi, COUNT(*) AS n FROM messages WHERE room_id = ?', [roomId]));
    if (log) log(`  seeded ${r.n} messages into room ${roomId} in ${Date.now() - t0} ms`);
    return { lo: Number(r.lo), hi: Number(r.hi), n: Number(r.n), ms: Date.now() - t0 };
  } finally {
    await pool.end();
  }
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
function timedGet(port, p, token) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = http.request({ host: '127.0.0.1', port, path: p, headers: { authorization: `Bearer ${token}`, accept: 'application/json' }, agent, timeout: 30000 }, (res) => {
      let n = 0;
      let body = '';
      res.on('data', (d) => {
        n += d.length;
        if (body.length < 200) body += d;
      });
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`GET ${p}: HTTP ${res.statusCode} ${body.slice(0, 200)}`));
        resolve({ us: Number(process.hrtime.bigint() - t0) / 1000, bytes: n });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${p}: timeout`)));
    req.on('error', reject);
    req.end();
  });
}

/** GET with a bearer token: the parsed JSON answer and its size in bytes. */
function getJson(port, p, token) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: p, headers: { authorization: `Bearer ${token}`, accept: 'application/json' }, agent, timeout: 30000 }, (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) return reject(new Error(`GET ${p}: HTTP ${res.statusCode} ${text.slice(0, 200)}`));
        try {
          resolve({ json: JSON.parse(text), bytes: Buffer.byteLength(text) });
        } catch (err) {
          reject(err);
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${p}: timeout`)));
    req.on('error', reject);
    req.end();
  });
}

// ---------- H1 ----------
// Two rooms: one with `small` messages, one with `big`. Cursor pages
// (before=<random id in the room>, size 50) over REST with a JWT, sequential
// requests alternating between the rooms; also the same SQL straight through
// mysql2 (the database part alone). p50 ratio big/small.
async function runH1(w, { log }) {
  const started = await serverCfg.start({ transport: 'ws' });
  if (started.skipped) return [{ target: 'server', status: 'skipped', reason: started.skipped }];
  try {
    const prep = await started.prepare({ rooms: 2, users: 1 });
    const user = prep.users[0];
    const [smallRoom, bigRoom] = prep.roomIds;
    const big = await seed(bigRoom, user.id, w.big, log);
    const small = await seed(smallRoom, user.id, w.small, log);
    const mysql = require('mysql2/promise');
    const db = await mysql.createConnection({ uri: serverCfg.databaseUrl() });
    const sql =
      'SELECT m.id AS id, m.room_id AS roomId, m.sender_id AS senderId, m.content AS content, m.sent_at AS sentAt, m.client_message_id AS clientMessageId, u.username AS senderUsername, u.email AS senderEmail, ' +
      'm.edited_at AS editedAt, m.parent_id AS parentId, m.reply_count AS replyCount, m.last_reply_at AS lastReplyAt, m.has_reactions AS hasReactions ' +
      'FROM messages m FORCE INDEX (IDX_messages_room_id) LEFT JOIN users u ON u.id = m.sender_id WHERE m.room_id = ? AND m.id < ? ORDER BY m.id DESC LIMIT ?';
    const rooms = [
      { name: 'small', id: smallRoom, range: small, rest: new Histogram(), sql: new Histogram() },
      { name: 'big', id: bigRoom, range: big, rest: new Histogram(), sql: new Histogram() },
    ];
    const cursor = (r) => r.range.lo + 50 + Math.floor(Math.random() * (r.range.hi - r.range.lo - 49));
    const one = async (r, record) => {
      const a = await timedGet(started.port, `${serverCfg.config.api}/messages/room/${r.id}?before=${cursor(r)}&size=50`, user.token);
      const t0 = process.hrtime.bigint();
      const [rows] = /** @type {[any[], unknown]} */ (await db.query(sql, [r.id, cursor(r), 50]));
      const sqlUs = Number(process.hrtime.bigint() - t0) / 1000;
      if (rows.length !== 50) throw new Error(`H1: SQL page of ${rows.length} rows`);
      if (record) {
        r.rest.record(a.us);
        r.sql.record(sqlUs);
      }
    };
    for (let i = 0; i < w.warmup; i++) for (const r of rooms) await one(r, false);
    const cpu0 = proc.cpuUs(started.pid);
    for (let i = 0; i < w.requests; i++) for (const r of i % 2 ? rooms : rooms.slice().reverse()) await one(r, true);
    await db.end();
    const s = (h) => h.summary();
    const [S, B] = rooms;
    return [
      {
        target: 'server',
        status: 'ok',
        history: {
          smallMessages: small.n,
          bigMessages: big.n,
          seedMs: small.ms + big.ms,
          requestsPerRoom: w.requests,
          rest: { small: s(S.rest), big: s(B.rest) },
          sql: { small: s(S.sql), big: s(B.sql) },
          restP50Ratio: round(s(B.rest).p50Ms / s(S.rest).p50Ms),
          sqlP50Ratio: round(s(B.sql).p50Ms / s(S.sql).p50Ms),
          serverCpuSec: round((proc.cpuUs(started.pid) - cpu0) / 1e6),
        },
      },
    ];
  } finally {
    await started.stop();
  }
}

// ---------- U1 ----------
// The unread summary (GET /api/v1/rooms/unread) of a user in `rooms` rooms
// whose rooms hold `small` messages in all, against a user whose rooms hold
// `big`, with the same unread counts (`unread` per room, markers set in SQL).
// Sequential requests alternating between the two users; p50 ratio big/small.
async function runU1(w, { log }) {
  const started = await serverCfg.start({ transport: 'ws' });
  if (started.skipped) return [{ target: 'server', status: 'skipped', reason: started.skipped }];
  try {
    const prep = await started.prepare({ rooms: 2 * w.rooms, users: 3 });
    const [sender, smallUser, bigUser] = prep.users;
    const smallRooms = prep.roomIds.slice(0, w.rooms);
    const bigRooms = prep.roomIds.slice(w.rooms);
    const mysql = require('mysql2/promise');
    const db = await mysql.createConnection({ uri: serverCfg.databaseUrl() });
    const t0 = Date.now();
    try {
      // Each user keeps only its own half of the rooms.
      await db.query(`DELETE FROM room_members WHERE user_id = ? AND room_id IN (${bigRooms.join(',')})`, [smallUser.id]);
      await db.query(`DELETE FROM room_members WHERE user_id = ? AND room_id IN (${smallRooms.join(',')})`, [bigUser.id]);
      for (const r of smallRooms) await seed(r, sender.id, Math.floor(w.small / w.rooms));
      for (const r of bigRooms) await seed(r, sender.id, Math.floor(w.big / w.rooms));
      await db.query(
        'UPDATE room_members rm JOIN (SELECT room_id, MAX(id) AS hi FROM messages GROUP BY room_id) x ON x.room_id = rm.room_id ' +
          'SET rm.last_read_message_id = x.hi - ? WHERE rm.user_id IN (?, ?)',
        [w.unread, smallUser.id, bigUser.id],
      );
      const [[count]] = /** @type {[any[], unknown]} */ (await db.query('SELECT COUNT(*) AS n FROM messages'));
      log(`  U1: seeded ${count.n} messages over ${2 * w.rooms} rooms in ${Date.now() - t0} ms`);
    } finally {
      await db.end();
    }
    const users = [
      { name: 'small', user: smallUser, messages: w.small, h: new Histogram() },
      { name: 'big', user: bigUser, messages: w.big, h: new Histogram() },
    ];
    let checked = false;
    const one = async (u, record) => {
      const a = await timedGet(started.port, `${serverCfg.config.api}/rooms/unread`, u.user.token);
      if (record) u.h.record(a.us);
      if (!checked && u.name === 'big') {
        const res = await serverCfg.request(started.port, 'GET', `${serverCfg.config.api}/rooms/unread`, undefined, u.user.token);
        const items = res.json;
        if (!Array.isArray(items) || items.length !== w.rooms || items.some((i) => i.unreadCount !== w.unread))
          throw new Error(`U1: unexpected unread summary ${JSON.stringify(items).slice(0, 300)}`);
        checked = true;
      }
    };
    for (let i = 0; i < w.warmup; i++) for (const u of users) await one(u, false);
    const cpu0 = proc.cpuUs(started.pid);
    for (let i = 0; i < w.requests; i++) for (const u of i % 2 ? users : users.slice().reverse()) await one(u, true);
    const [S, B] = users.map((u) => u.h.summary());
    return [
      {
        target: 'server',
        status: 'ok',
        unread: {
          rooms: w.rooms,
          unreadPerRoom: w.unread,
          smallMessages: w.small,
          bigMessages: w.big,
          requestsPerUser: w.requests,
          small: S,
          big: B,
          p50Ratio: round(B.p50Ms / S.p50Ms),
          serverCpuSec: round((proc.cpuUs(started.pid) - cpu0) / 1e6),
        },
      },
    ];
  } finally {
    await started.stop();
  }
}

// ---------- R1 ----------
async function autocannon(url, token, w) {
  const ac = require('autocannon');
  const r = await ac({ url, connections: w.connections, duration: w.durationSec, headers: token ? { authorization: `Bearer ${token}` } : {}, timeout: 10 });
  return {
    requestsPerSec: round(r.requests.average, 0),
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    bytesPerReq: r.requests.total ? Math.round(r.throughput.total / r.requests.total) : null,
    total: r.requests.total,
  };
}

async function runR1(w, { log, repeat }) {
  const started = await serverCfg.start({ transport: 'ws' });
  if (started.skipped) return [{ target: 'server', status: 'skipped', reason: started.skipped }];
  let bare;
  try {
    const prep = await started.prepare({ rooms: 1, users: 1 });
    const user = prep.users[0];
    const roomId = prep.roomIds[0];
    await seed(roomId, user.id, w.messages, log);
    bare = await spawnListening(process.execPath, [...peerNodeArgs(), path.join(PEERS, 'fastify-history.js')], 'peer-fastify-history', { env: { DATABASE_URL: serverCfg.databaseUrl() } });
    const ours = `http://127.0.0.1:${started.port}${serverCfg.config.api}/messages/room/${roomId}?size=50`;
    const theirs = `http://127.0.0.1:${bare.benchPort}/messages/room/${roomId}?size=50`;
    const a = await getJson(started.port, `${serverCfg.config.api}/messages/room/${roomId}?size=50`, user.token);
    const b = await getJson(bare.benchPort, `/messages/room/${roomId}?size=50`, '');
    // the peer must answer the same JSON, or the comparison measures less work on its side
    if (!require('node:util').isDeepStrictEqual(a.json, b.json)) throw new Error('R1: the bare peer answers other JSON than the server (bench/peers/fastify-history.js)');
    // warm-up: long enough for both processes' hot paths to be optimized before the first pair
    await autocannon(ours, user.token, { ...w, durationSec: w.warmupSec || 1 });
    await autocannon(theirs, null, { ...w, durationSec: w.warmupSec || 1 });
    const runs = { server: [], 'fastify-bare': [] };
    const sides = [
      ['server', started.pid, ours, user.token],
      ['fastify-bare', bare.pid, theirs, null],
    ];
    // Each repetition is a pair measured back to back, the side that goes first alternating, and
    // the ratio is the median of the pairs' ratios: a burst of foreign load, or a drift of the
    // machine over the run, then moves one pair's ratio instead of one side's median.
    for (let i = 0; i < repeat; i++) {
      for (const [name, pid, url, tok] of i % 2 ? sides.slice().reverse() : sides) {
        const c0 = proc.cpuUs(pid);
        const t0 = Date.now();
        const r = await autocannon(url, tok, w);
        r.serverCpuPct = round((100 * (proc.cpuUs(pid) - c0)) / 1e3 / (Date.now() - t0), 0);
        r.serverCpuUsPerReq = r.total ? round((proc.cpuUs(pid) - c0) / r.total, 1) : null;
        log(`  R1 ${name} #${i + 1}: ${r.requestsPerSec} req/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, non2xx ${r.non2xx}, errors ${r.errors}`);
        runs[name].push(r);
      }
    }
    const median = (l) => l.slice().sort((x, y) => x.requestsPerSec - y.requestsPerSec)[Math.floor((l.length - 1) / 2)];
    const pairRatios = runs.server.map((r, i) => round(r.requestsPerSec / runs['fastify-bare'][i].requestsPerSec, 3));
    const pairRatio = pairRatios.slice().sort((x, y) => x - y)[Math.floor((pairRatios.length - 1) / 2)];
    return Object.entries(runs).map(([target, l]) => ({
      target,
      status: 'ok',
      rest: {
        ...median(l),
        repeats: l.length,
        repeatValues: l.map((r) => r.requestsPerSec),
        bodyBytes: target === 'server' ? a.bytes : b.bytes,
        connections: w.connections,
        durationSec: w.durationSec,
        messagesInRoom: w.messages,
        ...(target === 'server' ? { pairRatios, pairRatio } : {}),
      },
    }));
  } finally {
    if (bare) await killChild(bare);
    await started.stop();
  }
}

// ---------- X1 ----------
function redisPid() {
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (fs.readFileSync(`/proc/${d}/comm`, 'utf8').trim() === 'redis-server') return Number(d);
    } catch {
      /* gone */
    }
  }
  return null;
}

async function redisUsable(url) {
  const Redis = /** @type {any} */ (require('ioredis'));
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000, retryStrategy: () => null });
  try {
    await r.connect();
    return (await r.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

function buildF2Conns(w, roomId, users, urls) {
  const conns = [];
  let k = 0;
  for (let i = 0; i < w.subs; i++) conns.push({ room: roomId, user: users[k++ % users.length], pub: false, count: true, url: urls[i % urls.length] });
  for (let j = 0; j < w.pubs; j++) conns.push({ room: roomId, user: users[k++ % users.length], pub: true, count: false, pubId: j, url: urls[0] });
  return conns;
}

async function runX1(w, { log, repeat, smoke }) {
  const redisUrl = process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379';
  if (!(await redisUsable(redisUrl))) return [{ target: 'server-2x-redis', status: 'skipped', reason: `Redis not usable at ${redisUrl}` }];
  const rpid = redisPid();
  const out = { server: [], 'server-2x-redis': [] };
  for (let rep = 0; rep < repeat; rep++) {
    for (const target of ['server', 'server-2x-redis']) {
      const two = target !== 'server';
      const prefix = `bench-x1-${Date.now().toString(36)}`;
      const env = two ? { REDIS_PREFIX: prefix } : {};
      const a = await serverCfg.start({ transport: 'ws', redisUrl: two ? redisUrl : undefined, env });
      if (a.skipped) return [{ target, status: 'skipped', reason: a.skipped }];
      let b = null;
      let lr;
      try {
        if (two) {
          b = await serverCfg.start({ transport: 'ws', redisUrl, env, keepDatabase: true });
          if (b.skipped) return [{ target, status: 'skipped', reason: `second instance: ${b.skipped}` }];
        }
        const prep = await a.prepare({ rooms: 1, users: serverCfg.config.users });
        const urls = two ? [a.spec.url, b.spec.url] : [a.spec.url];
        lr = new LoadRun({ spec: a.spec, conns: buildF2Conns(w, prep.roomIds[0], prep.users, urls), subWorkers: 2, serverPid: a.pid, concurrency: 50 });
        const ready = await lr.connect();
        if (ready.failed) log(`  X1 ${target}: connect errors: ${ready.errors.slice(0, 3).join(' | ')}`);
        const cpu0 = { a: proc.cpuUs(a.pid), b: b ? proc.cpuUs(b.pid) : 0, r: rpid ? proc.cpuUs(rpid) : null };
        const r = await lr.run({ mode: 'max', window: w.window, warmupMs: w.warmupMs, durationMs: w.durationMs, drainMs: smoke ? 2000 : 8000, completion: 'echo' });
        const cpuA = proc.cpuUs(a.pid) - cpu0.a;
        const cpuB = b ? proc.cpuUs(b.pid) - cpu0.b : 0;
        const cpuR = rpid && cpu0.r != null ? proc.cpuUs(rpid) - cpu0.r : null;
        const row = {
          target,
          status: 'ok',
          connections: { ok: ready.ok, failed: ready.failed, connectMs: ready.ms },
          ...r,
          scaleOut: {
            instances: two ? 2 : 1,
            cpuSecA: round(cpuA / 1e6),
            cpuSecB: round(cpuB / 1e6),
            redisCpuSec: cpuR == null ? null : round(cpuR / 1e6),
            // whole run (warm-up + window + drain): CPU / every delivery received
            serversUsPerDelivery: r.receivedDeliveries ? round((cpuA + cpuB) / r.receivedDeliveries) : null,
            redisUsPerDelivery: cpuR != null && r.receivedDeliveries ? round(cpuR / r.receivedDeliveries, 3) : null,
            redisUsPerMessage: cpuR != null && r.messagesSent ? round(cpuR / r.messagesSent, 1) : null,
          },
        };
        log(`  X1 ${target} #${rep + 1}: ${r.deliveriesPerSec} deliveries/s, lost ${r.lost}, dups ${r.duplicates}, order ${r.orderViolations}, p99 ${r.latency.p99Ms} ms, redis ${row.scaleOut.redisUsPerDelivery} us/delivery`);
        out[target].push(row);
      } finally {
        if (lr) await lr.close();
        if (b) await b.stop();
        await a.stop();
      }
      await sleep(smoke ? 200 : 1500);
    }
  }
  return Object.entries(out).map(([, l]) => {
    const sorted = l.slice().sort((x, y) => x.deliveriesPerSec - y.deliveriesPerSec);
    return { ...sorted[Math.floor((sorted.length - 1) / 2)], repeats: l.length, repeatValues: l.map((r) => r.deliveriesPerSec) };
  });
}

module.exports = { runH1, runR1, runU1, runX1, seed };
