'use strict';
// Peer: socket.io 4 room broadcast server (websocket transport).
//   node bench/peers/socketio-broadcast.js [port]
// Client connects with ?room=<id>; the server joins it to the room and emits
// "joined"; on "chat" {roomId, content} it emits "message" (the ~200-byte chat
// object) to the whole room, sender included (io.to(room).emit).
// Prints "LISTENING <port>" when ready.
const http = require('http');
const { Server } = require('socket.io');
const { chatObject } = require('./message');

const port = Number(process.argv[2] || 0);
const server = http.createServer();
const io = new Server(server, { transports: ['websocket'], perMessageDeflate: false, serveClient: false });

io.on('connection', (socket) => {
  const room = String(socket.handshake.query.room || '0');
  void socket.join(room);
  socket.on('chat', (m) => {
    if (!m) return;
    io.to(String(m.roomId)).emit('message', chatObject(Number(m.roomId), String(m.content)));
  });
  socket.emit('joined');
});

server.listen(port, '127.0.0.1', () => console.log(`LISTENING ${/** @type {import('net').AddressInfo} */ (server.address()).port}`));
process.on('disconnect', () => process.exit(0));
