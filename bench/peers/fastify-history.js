'use strict';
// Peer for R1: a bare Fastify route doing what our server's
// GET /api/v1/messages/room/:id?size=50 does in the database — the same SQL
// (MessagesRepository.historySql('page')) with mysql2 on the same database —
// and answering the same JSON (oldest to newest), without auth, validation,
// Nest, logging or TypeORM.
//   DATABASE_URL=mysql://root@127.0.0.1:3306/chat_bench node bench/peers/fastify-history.js [port]
// Prints "LISTENING <port>" when ready.
const fastify = require('fastify')({ logger: false });
const mysql = require('mysql2/promise');

const SQL =
  'SELECT m.id AS id, m.room_id AS roomId, m.sender_id AS senderId, m.content AS content, ' +
  'm.sent_at AS sentAt, m.client_message_id AS clientMessageId, ' +
  'u.username AS senderUsername, u.email AS senderEmail ' +
  'FROM messages m FORCE INDEX (IDX_messages_room_id) LEFT JOIN users u ON u.id = m.sender_id ' +
  'WHERE m.room_id = ? ORDER BY m.id DESC LIMIT ? OFFSET ?';

const pool = mysql.createPool({ uri: process.env.DATABASE_URL, connectionLimit: 10, timezone: 'Z' });

fastify.get('/messages/room/:id', async (req) => {
  const query = /** @type {{ size?: string, page?: string }} */ (req.query);
  const params = /** @type {{ id: string }} */ (req.params);
  const size = Math.min(Number(query.size || 50), 100);
  const page = Number(query.page || 0);
  const [rows] = /** @type {[any[], unknown]} */ (await pool.query(SQL, [Number(params.id), size, page * size]));
  const out = rows.map((r) => ({
    id: r.id,
    roomId: r.roomId,
    sender: r.senderUsername === null ? { id: null, username: 'deleted' } : { id: r.senderId, username: r.senderUsername, email: r.senderEmail },
    content: r.content,
    sentAt: new Date(r.sentAt).toISOString(),
    ...(r.clientMessageId ? { clientMessageId: r.clientMessageId } : {}),
  }));
  return out.reverse();
});

void fastify.listen({ host: '127.0.0.1', port: Number(process.argv[2] || 0) }).then(() => {
  console.log(`LISTENING ${/** @type {import('net').AddressInfo} */ (fastify.server.address()).port}`);
});
const stop = () => pool.end().finally(() => process.exit(0));
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
