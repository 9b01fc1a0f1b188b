'use strict';
// Peer: raw `ws` room broadcast server (the ceiling).
//   node bench/peers/ws-broadcast.js [plain|frame-once] [port]
// Client connects to ws://127.0.0.1:<port>/?room=<id>, gets {"type":"joined"},
// sends {"roomId":<id>,"content":"..."}; the server builds the ~200-byte chat
// message and broadcasts it to every connection of that room (sender included).
//   plain      : one Buffer per message, ws.send(buf) per socket (ws frames it per socket)
//   frame-once : the frame is encoded once with WebSocket.Sender.frame and the
//                same bytes are written to every socket
// Prints "LISTENING <port>" when ready.
const WebSocket = require('ws');
const http = require('http');
const { chatMessage } = require('./message');

const variant = process.argv[2] || 'plain';
const port = Number(process.argv[3] || 0);
const rooms = new Map();

const server = http.createServer((req, res) => {
  res.writeHead(200);
  res.end('ok');
});
const wss = new WebSocket.Server({ server, perMessageDeflate: false, clientTracking: false });

wss.on('connection', (ws, req) => {
  const q = req.url.indexOf('room=');
  const room = q >= 0 ? Number(req.url.slice(q + 5)) : 0;
  let set = rooms.get(room);
  if (!set) rooms.set(room, (set = new Set()));
  set.add(ws);
  /** @type {any} */ (ws).isAlive = true;
  ws.on('pong', () => (/** @type {any} */ (ws).isAlive = true));
  ws.on('close', () => set.delete(ws));
  ws.on('error', () => set.delete(ws));
  ws.on('message', (data) => {
    let m;
    try {
      m = JSON.parse(data.toString());
    } catch {
      return;
    }
    const target = rooms.get(Number(m.roomId));
    if (!target) return;
    const buf = Buffer.from(chatMessage(Number(m.roomId), String(m.content)));
    if (variant === 'frame-once') {
      const frame = Buffer.concat(/** @type {any} */ (WebSocket).Sender.frame(buf, { fin: true, rsv1: false, opcode: 1, mask: false, readOnly: true }));
      for (const c of target) if (c.readyState === 1) c._socket.write(frame);
    } else {
      for (const c of target) if (c.readyState === 1) c.send(buf, { binary: false });
    }
  });
  ws.send('{"type":"joined"}');
});

// keep-alive like a real server (ws ping every 25 s)
setInterval(() => {
  for (const set of rooms.values())
    for (const ws of set) {
      if (!ws.isAlive) {
        ws.terminate();
        continue;
      }
      ws.isAlive = false;
      ws.ping();
    }
}, 25000).unref();

server.listen(port, '127.0.0.1', () => console.log(`LISTENING ${/** @type {import('net').AddressInfo} */ (server.address()).port}`));
process.on('disconnect', () => process.exit(0));
