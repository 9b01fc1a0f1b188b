'use strict';
// P1 baseline: single-row INSERTs (autocommit, one row per transaction) into a
// chat-message-shaped table in MariaDB, from `concurrency` concurrent senders
// over a pool of `pool` connections, for a bounded time. This is what a server
// that commits every message on its own would do.
const { nowUs } = require('../lib/clock');

async function runBaseline({ mysqlUrl, database = 'chat_bench_baseline', durationMs = 10000, warmupMs = 2000, concurrency = 64, pool = 16, rooms = 1000 }) {
  const mysql = require('mysql2/promise');
  const admin = await mysql.createConnection(mysqlUrl);
  await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
  await admin.query(`CREATE DATABASE \`${database}\``);
  await admin.end();
  const p = mysql.createPool({ uri: `${mysqlUrl}/${database}`, connectionLimit: pool });
  await p.query(`CREATE TABLE messages (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    room_id BIGINT NOT NULL,
    sender_id BIGINT NOT NULL,
    content VARCHAR(4000) NOT NULL,
    type VARCHAR(16) NOT NULL DEFAULT 'TEXT',
    created_at DATETIME(3) NOT NULL,
    KEY idx_room_id (room_id, id)
  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`);
  const content = 'bench|0|0|0|' + 'x'.repeat(40);
  const t0 = nowUs();
  const ws = t0 + warmupMs * 1000;
  const end = t0 + durationMs * 1000;
  let inWin = 0;
  let total = 0;
  const sender = async (i) => {
    while (nowUs() < end) {
      await p.execute('INSERT INTO messages (room_id, sender_id, content, type, created_at) VALUES (?, ?, ?, ?, NOW(3))', [i % rooms, i, content, 'TEXT']);
      total++;
      if (nowUs() >= ws && nowUs() <= end) inWin++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, i) => sender(i)));
  const [[{ n }]] = /** @type {[Array<{ n: number }>, unknown]} */ (await p.query('SELECT COUNT(*) AS n FROM messages'));
  await p.end();
  const c = await mysql.createConnection(mysqlUrl);
  await c.query(`DROP DATABASE IF EXISTS \`${database}\``);
  await c.end();
  return { persistedPerSec: Math.round(inWin / ((durationMs - warmupMs) / 1000)), rowsInserted: n, total, concurrency, pool };
}

module.exports = { runBaseline };
