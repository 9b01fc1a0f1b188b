'use strict';
// H2: message search (EXTENSIONS.md §6) at 10k vs 1M stored messages, against the same query
// done with LIKE '%word%' (the peer). Each size gets a fresh database and server: messages are
// spread over 100 rooms, the searcher is a member of 10 of them, and one word occurs in exactly
// `needles` messages (evenly spread in time, half of them in the searcher's rooms, so a page is
// full and the membership join has something to filter out).
//
// Seeding: the FULLTEXT index is dropped and the (still empty) table rebuilt without InnoDB's
// hidden FTS_DOC_ID column, rows go in with multi-row INSERTs, then `CREATE FULLTEXT INDEX` is
// timed: InnoDB rebuilds the table to add FTS_DOC_ID and builds the index, which is exactly what
// the migration does to an existing database (README, "Upgrading"). The rebuild also matters for
// correctness: on MariaDB 10.11 an index dropped and re-created on a table that gained its rows
// in between, without a rebuild, found nothing (docs/API-DECISIONS.md).
const http = require('http');
const { Histogram } = require('./hist');
const proc = require('./proc');
const serverCfg = require('../server.config');

const round = (v, d = 2) => (v == null ? null : Math.round(v * 10 ** d) / 10 ** d);
const NEEDLE = 'zebracorn';
const INDEX = 'FTX_messages_content';
// The server's statement (apps/chat-server/src/messages/search/search.repository.ts, with the
// history's columns from messages.repository.ts) for a search of the caller's rooms.
const COLUMNS =
  'm.id AS id, m.room_id AS roomId, m.sender_id AS senderId, m.content AS content, m.sent_at AS sentAt, ' +
  'm.client_message_id AS clientMessageId, u.username AS senderUsername, u.email AS senderEmail';
const FULLTEXT_SQL =
  `SELECT ${COLUMNS} FROM messages m STRAIGHT_JOIN room_members rm ON rm.room_id = m.room_id AND rm.user_id = ? ` +
  'LEFT JOIN users u ON u.id = m.sender_id WHERE MATCH(m.content) AGAINST (? IN BOOLEAN MODE) ORDER BY m.id DESC LIMIT ?';
// The peer: the same query with LIKE, the join order left to the optimizer (its best plan).
const LIKE_SQL =
  `SELECT ${COLUMNS} FROM messages m JOIN room_members rm ON rm.room_id = m.room_id AND rm.user_id = ? ` +
  'LEFT JOIN users u ON u.id = m.sender_id WHERE m.content LIKE ? ORDER BY m.id DESC LIMIT ?';

// A fixed vocabulary of made-up words (3-10 letters), the same in every run.
function vocabulary(n) {
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const words = [];
  for (let i = 0; i < n; i++) {
    const len = 3 + Math.floor(rnd() * 8);
    let w = '';
    for (let j = 0; j < len; j++) w += String.fromCharCode(97 + Math.floor(rnd() * 26));
    words.push(w);
  }
  return { words, rnd };
}

/** Content of message i (0-based): 6-12 vocabulary words, the needle in `needles` evenly spaced messages. */
function contentOf(i, total, needles, vocab) {
  const n = 6 + Math.floor(vocab.rnd() * 7);
  const parts = [];
  for (let k = 0; k < n; k++) parts.push(vocab.words[Math.floor(vocab.rnd() * vocab.words.length)]);
  const step = Math.floor(total / needles);
  if (i % step === Math.floor(step / 2) && Math.floor(i / step) < needles) parts.splice(Math.floor(n / 2), 0, NEEDLE);
  return parts.join(' ');
}

/**
 * Rooms: message i goes to room i % rooms, except the needles, which alternate between the
 * searcher's rooms (the first `searcherRooms`) and the others, so half of them are visible to it.
 */
async function seedSearch(db, { total, needles, roomIds, searcherRooms, senderId, log }) {
  const vocab = vocabulary(5000);
  const BATCH = 5000;
  const t0 = Date.now();
  let needle = 0;
  for (let done = 0; done < total; done += BATCH) {
    const params = [];
    const rows = [];
    for (let i = done; i < Math.min(total, done + BATCH); i++) {
      const content = contentOf(i, total, needles, vocab);
      let room = i % roomIds.length;
      const others = roomIds.length - searcherRooms;
      if (content.includes(NEEDLE)) room = needle++ % 2 ? searcherRooms + (needle % others) : needle % searcherRooms;
      rows.push(`(${roomIds[room]},${senderId},?,NOW(3),NULL)`);
      params.push(content);
    }
    await db.query(`INSERT INTO messages (room_id, sender_id, content, sent_at, client_message_id) VALUES ${rows.join(',')}`, params);
  }
  const seedMs = Date.now() - t0;
  if (needle !== needles) throw new Error(`H2: seeded ${needle} needles, wanted ${needles}`);
  if (log) log(`  H2 seeded ${total} messages in ${seedMs} ms`);
  return seedMs;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
function getJson(port, p, token) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = http.request({ host: '127.0.0.1', port, path: p, headers: { authorization: `Bearer ${token}`, accept: 'application/json' }, agent, timeout: 30000 }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`GET ${p}: HTTP ${res.statusCode} ${body.slice(0, 200)}`));
        resolve({ us: Number(process.hrtime.bigint() - t0) / 1000, json: JSON.parse(body) });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${p}: timeout`)));
    req.on('error', reject);
    req.end();
  });
}

async function timedSql(db, sql, params) {
  const t0 = process.hrtime.bigint();
  const [rows] = await db.query(sql, params);
  return { us: Number(process.hrtime.bigint() - t0) / 1000, rows };
}

/** One size: fresh database and server, seed, index, then the three measurements interleaved. */
async function measureSize(w, total, { log }) {
  const started = await serverCfg.start({ transport: 'ws' });
  if (started.skipped) return { skipped: started.skipped };
  const mysql = require('mysql2/promise');
  const db = await mysql.createConnection({ uri: serverCfg.databaseUrl() });
  try {
    const prep = await started.prepare({ rooms: w.rooms, users: 1 });
    const owner = prep.users[0];
    // The searcher: its own account, a member of the first `searcherRooms` rooms (PUBLIC: it joins them).
    const api = serverCfg.config.api;
    const name = `searcher_${Date.now().toString(36)}`;
    const reg = await serverCfg.request(started.port, 'POST', `${api}/auth/register`, { username: name, email: `${name}@bench.local`, password: serverCfg.config.password });
    const login = await serverCfg.request(started.port, 'POST', `${api}/auth/login`, { usernameOrEmail: name, password: serverCfg.config.password });
    if (reg.status !== 201 || login.status !== 200) throw new Error(`H2: searcher register ${reg.status} / login ${login.status}`);
    const searcher = { id: login.json.id, token: login.json.token };
    for (const rid of prep.roomIds.slice(0, w.searcherRooms)) {
      const r = await serverCfg.request(started.port, 'POST', `${api}/rooms/${rid}/members/${searcher.id}`, undefined, searcher.token);
      if (r.status !== 200) throw new Error(`H2: join room ${rid}: HTTP ${r.status}`);
    }
    await db.query(`ALTER TABLE messages DROP INDEX ${INDEX}`);
    await db.query('ALTER TABLE messages FORCE');
    const seedMs = await seedSearch(db, { total, needles: w.needles, roomIds: prep.roomIds, searcherRooms: w.searcherRooms, senderId: owner.id, log });
    let t0 = Date.now();
    await db.query(`CREATE FULLTEXT INDEX ${INDEX} ON messages (content)`);
    const indexMs = Date.now() - t0;
    log(`  H2 ${total}: the migration's CREATE FULLTEXT INDEX (table rebuild + index) took ${indexMs} ms`);
    await db.query('ANALYZE TABLE messages');
    const size = w.size;
    const path = `${api}/messages/search?q=${NEEDLE}&size=${size}`;
    const rest = new Histogram();
    const fulltext = new Histogram();
    const like = new Histogram();
    // The peer scans: it runs on every `likeEvery`-th iteration only (same p50, bounded time).
    const one = async (record, withLike) => {
      const a = await getJson(started.port, path, searcher.token);
      const b = await timedSql(db, FULLTEXT_SQL, [searcher.id, `+${NEEDLE}`, size]);
      const c = withLike ? await timedSql(db, LIKE_SQL, [searcher.id, `%${NEEDLE}%`, size]) : null;
      // Correctness cross-check: REST, its SQL and the peer answer the same ids.
      const ids = (l) => l.map((m) => Number(m.id)).join(',');
      if (ids(a.json) !== ids(b.rows) || (c && ids(b.rows) !== ids(c.rows)))
        throw new Error(`H2: REST [${ids(a.json)}] / FULLTEXT [${ids(b.rows)}] / LIKE [${c ? ids(c.rows) : '-'}] differ`);
      if (a.json.length !== Math.min(size, w.needles / 2)) throw new Error(`H2: ${a.json.length} results, expected ${Math.min(size, w.needles / 2)}`);
      if (record) {
        rest.record(a.us);
        fulltext.record(b.us);
        if (c) like.record(c.us);
      }
    };
    for (let i = 0; i < w.warmup; i++) await one(false, i === 0);
    t0 = Date.now();
    const cpu0 = proc.cpuUs(started.pid);
    for (let i = 0; i < w.requests; i++) await one(true, i % w.likeEvery === 0);
    return {
      messages: total,
      seedMs,
      indexMs,
      requests: w.requests,
      results: Math.min(size, w.needles / 2),
      rest: rest.summary(),
      fulltextSql: fulltext.summary(),
      likeSql: like.summary(),
      serverCpuSec: round((proc.cpuUs(started.pid) - cpu0) / 1e6),
      elapsedMs: Date.now() - t0,
    };
  } finally {
    await db.end();
    await started.stop();
  }
}

async function runH2(w, { log }) {
  const small = await measureSize(w, w.small, { log });
  if (small.skipped) return [{ target: 'server', status: 'skipped', reason: small.skipped }];
  const big = await measureSize(w, w.big, { log });
  if (big.skipped) return [{ target: 'server', status: 'skipped', reason: big.skipped }];
  return [
    {
      target: 'server',
      status: 'ok',
      search: {
        word: NEEDLE,
        needles: w.needles,
        rooms: w.rooms,
        searcherRooms: w.searcherRooms,
        small,
        big,
        restP50Ratio: round(big.rest.p50Ms / small.rest.p50Ms),
        fulltextSqlP50Ratio: round(big.fulltextSql.p50Ms / small.fulltextSql.p50Ms),
        // The peer at the big size against our REST answer, and against the FULLTEXT SQL alone.
        likeOverRestP50: round(big.likeSql.p50Ms / big.rest.p50Ms, 1),
        likeOverFulltextSqlP50: round(big.likeSql.p50Ms / big.fulltextSql.p50Ms, 1),
        migrationMsPerMillion: Math.round((big.indexMs * 1e6) / big.messages),
      },
    },
  ];
}

module.exports = { runH2, contentOf, vocabulary, NEEDLE };
