'use strict';
// The chat message a peer broadcasts: same shape and size (~200 bytes JSON) as
// the payload our server broadcasts on /topic/rooms/<id>.
let nextId = 1;
function chatMessage(roomId, content) {
  return JSON.stringify({
    id: nextId++,
    roomId,
    senderId: 4242,
    senderUsername: 'bench-user-0042',
    content,
    type: 'TEXT',
    createdAt: new Date().toISOString(),
  });
}
function chatObject(roomId, content) {
  return {
    id: nextId++,
    roomId,
    senderId: 4242,
    senderUsername: 'bench-user-0042',
    content,
    type: 'TEXT',
    createdAt: new Date().toISOString(),
  };
}
module.exports = { chatMessage, chatObject };
