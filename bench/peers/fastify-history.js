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
  'u.username AS senderUsername, u.email AS senderEmail, ' +
  'm.edited_at AS editedAt, m.parent_id AS parentId, m.reply_count AS replyCount, ' +
  'm.last_reply_at AS lastReplyAt, m.has_reactions AS hasReactions, ' +
  'EXISTS (SELECT 1 FROM attachments a WHERE a.message_id = m.id) AS hasAttachments ' +
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
    editedAt: r.editedAt === null ? null : new Date(r.editedAt).toISOString(),
    parentId: r.parentId,
    replyCount: r.replyCount,
    lastReplyAt: r.lastReplyAt === null ? null : new Date(r.lastReplyAt).toISOString(),
    // the seeded rows carry no reaction (has_reactions 0), no mention (no '@' in the text) and
    // no attachment (hasAttachments 0): the server reads none of them either
    reactions: [],
    mentions: [],
    attachments: [],
  }));
  return out.reverse();
});

void fastify.listen({ host: '127.0.0.1', port: Number(process.argv[2] || 0) }).then(() => {
  console.log(`LISTENING ${/** @type {import('net').AddressInfo} */ (fastify.server.address()).port}`);
});
const stop = () => pool.end().finally(() => process.exit(0));
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
