'use strict';
// P1 baseline: single-row INSERTs (autocommit, one row per transaction) into a
// chat-message-shaped table in MariaDB, from `concurrency` concurrent senders
// over a pool of `pool` connections, for a bounded time. This is what a server
// that commits every message on its own would do.
// table 'plain' (the baseline): one secondary index, no foreign key.
// table 'chat': the server's own messages table as its migrations leave it on
// MariaDB (FULLTEXT index for search, the unique client id, the thread index,
// foreign keys to rooms/users/messages), so the cost of the table itself shows
// apart from the server's.
const { nowUs } = require('../lib/clock');

const PLAIN_TABLE = `CREATE TABLE messages (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    room_id BIGINT NOT NULL,
    sender_id BIGINT NOT NULL,
    content VARCHAR(4000) NOT NULL,
    type VARCHAR(16) NOT NULL DEFAULT 'TEXT',
    created_at DATETIME(3) NOT NULL,
    KEY idx_room_id (room_id, id)
  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`;

// SHOW CREATE TABLE messages of the server's database after its migrations (users and rooms
// reduced to the keys the foreign keys need)
const CHAT_TABLES = [
  'CREATE TABLE users (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY) ENGINE=InnoDB',
  'CREATE TABLE rooms (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY) ENGINE=InnoDB',
  `CREATE TABLE messages (
    id int(11) NOT NULL AUTO_INCREMENT,
    room_id int(11) NOT NULL,
    sender_id int(11) DEFAULT NULL,
    content text NOT NULL,
    sent_at datetime(3) NOT NULL,
    client_message_id varchar(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL,
    edited_at datetime(3) DEFAULT NULL,
    parent_id int(11) DEFAULT NULL,
    reply_count int(11) NOT NULL DEFAULT 0,
    last_reply_at datetime(3) DEFAULT NULL,
    has_reactions tinyint(1) NOT NULL DEFAULT 0,
    PRIMARY KEY (id),
    UNIQUE KEY UQ_messages_sender_client_id (sender_id, client_message_id),
    KEY IDX_messages_room_id (room_id, id),
    KEY IDX_messages_parent (parent_id, id),
    FULLTEXT KEY FTX_messages_content (content),
    CONSTRAINT FK_messages_parent FOREIGN KEY (parent_id) REFERENCES messages (id) ON DELETE CASCADE,
    CONSTRAINT FK_messages_room FOREIGN KEY (room_id) REFERENCES rooms (id) ON DELETE CASCADE,
    CONSTRAINT FK_messages_sender FOREIGN KEY (sender_id) REFERENCES users (id) ON DELETE SET NULL
  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
];

async function runBaseline({ mysqlUrl, database = 'chat_bench_baseline', durationMs = 10000, warmupMs = 2000, concurrency = 64, pool = 16, rooms = 1000, table = 'plain' }) {
  const mysql = require('mysql2/promise');
  const admin = await mysql.createConnection(mysqlUrl);
  await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
  await admin.query(`CREATE DATABASE \`${database}\``);
  await admin.end();
  const p = mysql.createPool({ uri: `${mysqlUrl}/${database}`, connectionLimit: pool });
  const chat = table === 'chat';
  if (chat) {
    for (const ddl of CHAT_TABLES) await p.query(ddl);
    // the ids the foreign keys point at: rooms 1..rooms, one user per sender
    const ids = (n) => Array.from({ length: n }, () => '()').join(',');
    await p.query(`INSERT INTO rooms () VALUES ${ids(rooms)}`);
    await p.query(`INSERT INTO users () VALUES ${ids(concurrency)}`);
  } else await p.query(PLAIN_TABLE);
  const insert = chat
    ? 'INSERT INTO messages (room_id, sender_id, content, sent_at, client_message_id) VALUES (?, ?, ?, NOW(3), NULL)'
    : 'INSERT INTO messages (room_id, sender_id, content, type, created_at) VALUES (?, ?, ?, ?, NOW(3))';
  const content = 'bench|0|0|0|' + 'x'.repeat(40);
  const params = (i) => (chat ? [(i % rooms) + 1, i + 1, content] : [i % rooms, i, content, 'TEXT']);
  const t0 = nowUs();
  const ws = t0 + warmupMs * 1000;
  const end = t0 + durationMs * 1000;
  let inWin = 0;
  let total = 0;
  const sender = async (i) => {
    while (nowUs() < end) {
      await p.execute(insert, params(i));
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
  return { persistedPerSec: Math.round(inWin / ((durationMs - warmupMs) / 1000)), rowsInserted: n, total, concurrency, pool, table };
}

module.exports = { runBaseline };
