'use strict';
// What the read state adds to the send path, measured on the database alone: MessageWriter's
// multi-row INSERT of a batch, with and without the batch's follow-up (ONE forward-only UPDATE of
// the senders' markers, as ReadStateRepository.afterInsert issues it), for batch shapes like F1's
// (1 sender, 8 rows) and P1's (500 rows from 500 senders in 500 rooms). Interleaved A/B rounds,
// medians. Usage: node bench/lib/read-state-cost.js [mysql://root@127.0.0.1:3306]
const mysql = require('mysql2/promise');

const URL = process.argv[2] || process.env.BENCH_MYSQL_URL || 'mysql://root@127.0.0.1:3306';
const DB = 'chat_bench_readcost';

async function main() {
  const admin = await mysql.createConnection(URL);
  await admin.query(`DROP DATABASE IF EXISTS ${DB}`);
  await admin.query(`CREATE DATABASE ${DB}`);
  await admin.end();
  const pool = mysql.createPool({ uri: `${URL}/${DB}`, connectionLimit: 4 });
  await pool.query('CREATE TABLE messages (id INT AUTO_INCREMENT PRIMARY KEY, room_id INT NOT NULL, sender_id INT, content TEXT NOT NULL, sent_at DATETIME(3) NOT NULL, client_message_id VARCHAR(64), KEY IDX_messages_room_id (room_id, id)) ENGINE=InnoDB');
  await pool.query('CREATE TABLE room_members (room_id INT NOT NULL, user_id INT NOT NULL, joined_at DATETIME(3) NOT NULL, last_read_message_id INT NULL, PRIMARY KEY (room_id, user_id), KEY IDX_user (user_id, room_id)) ENGINE=InnoDB');
  const members = [];
  for (let r = 1; r <= 500; r++) for (const u of [1, 2]) members.push(`(${r}, ${u + 2 * r}, NOW(3), NULL)`);
  await pool.query(`INSERT INTO room_members VALUES ${members.join(',')}`);

  const shapes = {
    F1: Array.from({ length: 8 }, () => ({ room: 1, sender: 3 })),
    P1: Array.from({ length: 500 }, (_, i) => ({ room: i + 1, sender: 2 * (i + 1) + 1 + (i % 2) })),
  };
  const insert = async (rows) => {
    const params = [];
    for (const r of rows) params.push(r.room, r.sender, 'x'.repeat(120), new Date(), null);
    const [res] = /** @type {[any, unknown]} */ (await pool.query(`INSERT INTO messages (room_id, sender_id, content, sent_at, client_message_id) VALUES ${rows.map(() => '(?, ?, ?, ?, ?)').join(', ')}`, params));
    return rows.map((r, i) => ({ ...r, id: res.insertId + i }));
  };
  const followUp = async (written) => {
    const newest = new Map();
    for (const m of written) {
      const k = `${m.room}:${m.sender}`;
      if (!newest.has(k) || newest.get(k).id < m.id) newest.set(k, m);
    }
    const moves = [...newest.values()];
    if (moves.length === 1) {
      const m = moves[0];
      await pool.query('UPDATE room_members SET last_read_message_id = ? WHERE room_id = ? AND user_id = ? AND (last_read_message_id IS NULL OR last_read_message_id < ?)', [m.id, m.room, m.sender, m.id]);
      return;
    }
    const moved = 'SELECT ? AS room_id, ? AS user_id, ? AS id' + ' UNION ALL SELECT ?, ?, ?'.repeat(moves.length - 1);
    await pool.query(
      `UPDATE room_members rm INNER JOIN (${moved}) v ON rm.room_id = v.room_id AND rm.user_id = v.user_id SET rm.last_read_message_id = v.id WHERE rm.last_read_message_id IS NULL OR rm.last_read_message_id < v.id`,
      moves.flatMap((m) => [m.room, m.sender, m.id]),
    );
  };
  const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  for (const [name, rows] of Object.entries(shapes)) {
    const rounds = name === 'F1' ? 400 : 40;
    const plain = [];
    const withFollowUp = [];
    const followUpAlone = [];
    for (let i = 0; i < rounds; i++) {
      let t0 = process.hrtime.bigint();
      await insert(rows);
      plain.push(Number(process.hrtime.bigint() - t0) / 1000);
      t0 = process.hrtime.bigint();
      const written = await insert(rows);
      const t1 = process.hrtime.bigint();
      await followUp(written);
      const t2 = process.hrtime.bigint();
      withFollowUp.push(Number(t2 - t0) / 1000);
      followUpAlone.push(Number(t2 - t1) / 1000);
    }
    const p = median(plain);
    const w = median(withFollowUp);
    const f = median(followUpAlone);
    console.log(`${name} batch of ${rows.length}: INSERT ${p.toFixed(0)} µs; INSERT + marker UPDATE ${w.toFixed(0)} µs (UPDATE alone ${f.toFixed(0)} µs, ${(f / rows.length).toFixed(1)} µs per message, ${((f / p) * 100).toFixed(0)}% of the INSERT; it runs on another connection, pipelined with the next INSERT)`);
  }
  await pool.end();
  const drop = await mysql.createConnection(URL);
  await drop.query(`DROP DATABASE IF EXISTS ${DB}`);
  await drop.end();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
