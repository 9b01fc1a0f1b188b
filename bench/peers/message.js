'use strict';
// The chat message a peer broadcasts: same shape and size (~200 bytes JSON) as
// the payload our server broadcasts on /topic/rooms/<id>.
//
// BENCH_PEER_MESSAGE_BYTES=N (diagnostic, off by default) pads every message with a leading "pad"
// field to N bytes in all, e.g. 350 to give a peer our STOMP MESSAGE frame's size (headers +
// the contract's body with the sender's email), so the share of a gap that is just bytes on the
// wire and in the load generator can be measured (bench/PROFILE.md).
let nextId = 1;
const PAD_TO = Number(process.env.BENCH_PEER_MESSAGE_BYTES) || 0;
const PAD_FIELD = '"pad":"",'.length;
function pad(json) {
  const missing = PAD_TO - json.length - PAD_FIELD;
  return missing > 0 ? `{"pad":"${'p'.repeat(missing)}",${json.slice(1)}` : json;
}
function chatMessage(roomId, content) {
  return pad(JSON.stringify(chatObject(roomId, content)));
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
