'use strict';
// NOT a peer and never measured against the targets: a small stand-in that
// implements the contract bench/server.config.js expects from OUR server, so
// the harness's server path (DB reset, register/login/rooms/members over REST,
// STOMP over /ws/chat/websocket and SockJS /ws/chat with X-Auth-Token, receipts,
// heart-beats) can be tested before the real server exists:
//   BENCH_SERVER_ENTRY=bench/peers/fake-chat-server.js node bench/run.js --smoke
// Env: PORT, JWT_SECRET. Keeps everything in memory (DATABASE_URL is ignored).
const http = require('http');
const crypto = require('crypto');
const sockjs = require('sockjs');

const port = Number(process.env.PORT || 0);
const secret = process.env.JWT_SECRET || 'dev';
const users = new Map(); // id -> user
const byName = new Map();
const rooms = new Map(); // id -> { id, name, members:Set }
const topics = new Map(); // destination -> Set(session)
let nextUser = 1;
let nextRoom = 1;
let nextMsg = 1;

const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
function sign(payload) {
  const h = b64({ alg: 'HS256', typ: 'JWT' });
  const p = b64(payload);
  return `${h}.${p}.${crypto.createHmac('sha256', secret).update(`${h}.${p}`).digest('base64url')}`;
}
function verify(token) {
  const [h, p, s] = String(token || '').split('.');
  if (!s || crypto.createHmac('sha256', secret).update(`${h}.${p}`).digest('base64url') !== s) return null;
  return JSON.parse(Buffer.from(p, 'base64url').toString());
}

function json(res, code, body) {
  const s = JSON.stringify(body);
  res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(s) });
  res.end(s);
}

const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (d) => (body += d));
  req.on('end', () => {
    const b = body ? JSON.parse(body) : {};
    const auth = verify((req.headers.authorization || '').replace(/^Bearer /, ''));
    const u = req.url;
    let m;
    if (req.method === 'POST' && u === '/api/v1/auth/register') {
      if (byName.has(b.username)) return json(res, 409, { message: 'taken' });
      const user = { id: nextUser++, username: b.username, email: b.email, password: b.password };
      users.set(user.id, user);
      byName.set(user.username, user);
      return json(res, 201, { id: user.id, username: user.username, email: user.email });
    }
    if (req.method === 'POST' && u === '/api/v1/auth/login') {
      const user = byName.get(b.usernameOrEmail);
      if (!user || user.password !== b.password) return json(res, 401, { message: 'bad credentials' });
      return json(res, 200, { token: sign({ sub: user.id, username: user.username }), user: { id: user.id } });
    }
    if (!auth) return json(res, 401, { message: 'unauthorized' });
    if (req.method === 'POST' && u === '/api/v1/rooms') {
      const r = { id: nextRoom++, name: b.name, type: b.type, members: new Set([auth.sub]), owner: auth.sub };
      rooms.set(r.id, r);
      return json(res, 201, { id: r.id, name: r.name, type: r.type });
    }
    if (req.method === 'POST' && (m = u.match(/^\/api\/v1\/rooms\/(\d+)\/members\/(\d+)$/))) {
      const r = rooms.get(Number(m[1]));
      if (!r) return json(res, 404, {});
      if (r.owner !== auth.sub && Number(m[2]) !== auth.sub) return json(res, 403, {});
      r.members.add(Number(m[2]));
      return json(res, 201, {});
    }
    json(res, 404, {});
  });
});

function frame(cmd, headers, body = '') {
  let s = cmd + '\n';
  for (const k in headers) s += `${k}:${headers[k]}\n`;
  return s + '\n' + body + '\0';
}

const sjs = sockjs.createServer({ prefix: '/ws/chat', log: () => {}, heartbeat_delay: 25000 });
sjs.on('connection', (conn) => {
  const sess = { conn, user: null, subs: new Map(), buf: '' };
  const err = (msg) => {
    conn.write(frame('ERROR', { message: msg }));
    conn.close();
  };
  conn.on('data', (data) => {
    sess.buf += data;
    let z;
    while ((z = sess.buf.indexOf('\0')) >= 0) {
      const f = sess.buf.slice(0, z).replace(/^[\r\n]+/, '');
      sess.buf = sess.buf.slice(z + 1);
      const he = f.indexOf('\n\n');
      const lines = f.slice(0, he).split('\n');
      const cmd = lines[0];
      const h = {};
      for (const l of lines.slice(1)) h[l.slice(0, l.indexOf(':'))] = l.slice(l.indexOf(':') + 1);
      const body = f.slice(he + 2);
      if (cmd === 'CONNECT' || cmd === 'STOMP') {
        const claims = verify(h['X-Auth-Token']);
        if (!claims) return err('unauthorized');
        sess.user = claims;
        const cx = Number((h['heart-beat'] || '0,0').split(',')[1]);
        if (cx) sess.hb = setInterval(() => conn.write('\n'), Math.max(cx, 10000));
        conn.write(frame('CONNECTED', { version: '1.2', 'heart-beat': '10000,10000' }));
      } else if (!sess.user) return err('not connected');
      else if (cmd === 'SUBSCRIBE') {
        const m = h.destination.match(/^\/topic\/rooms\/(\d+)$/);
        const r = m && rooms.get(Number(m[1]));
        if (!r || !r.members.has(sess.user.sub)) return err('forbidden');
        if (!topics.has(h.destination)) topics.set(h.destination, new Set());
        topics.get(h.destination).add(sess);
        sess.subs.set(h.id, h.destination);
        if (h.receipt) conn.write(frame('RECEIPT', { 'receipt-id': h.receipt }));
      } else if (cmd === 'SEND' && h.destination === '/app/chat.sendMessage') {
        const m = JSON.parse(body);
        const r = rooms.get(Number(m.roomId));
        if (!r || !r.members.has(sess.user.sub)) return err('forbidden');
        const dest = `/topic/rooms/${r.id}`;
        const msg = JSON.stringify({ id: nextMsg++, roomId: r.id, senderId: sess.user.sub, senderUsername: sess.user.username, content: m.content, type: 'TEXT', createdAt: new Date().toISOString() });
        setImmediate(() => {
          // "after commit"
          for (const s of topics.get(dest) || []) {
            for (const [id, d] of s.subs) if (d === dest) s.conn.write(frame('MESSAGE', { subscription: id, 'message-id': String(nextMsg), destination: dest, 'content-type': 'application/json' }, msg));
          }
          if (h.receipt) conn.write(frame('RECEIPT', { 'receipt-id': h.receipt }));
        });
      } else if (cmd === 'DISCONNECT') conn.close();
    }
  });
  conn.on('close', () => {
    clearInterval(sess.hb);
    for (const d of sess.subs.values()) topics.get(d) && topics.get(d).delete(sess);
  });
});
sjs.installHandlers(server);
server.listen(port, '127.0.0.1', () => console.log(`LISTENING ${/** @type {import('net').AddressInfo} */ (server.address()).port}`));
