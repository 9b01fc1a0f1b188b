'use strict';
// Lean load-side clients. One object per connection, all with the same shape:
//   conn.open() -> Promise (resolved when connected AND subscribed to its room)
//   conn.publish(content, receiptId) -> sends one chat message to its room
//   conn.onDelivery = (bodyString) => {}; conn.onReceipt = (receiptId) => {}
//   conn.close()
// Kinds: 'stomp' (STOMP 1.2 over raw WebSocket, over a hand-rolled SockJS
// websocket transport, or over the sockjs-client library), 'ws-raw' (JSON
// broadcast protocol of bench/peers/ws-broadcast.js) and 'socketio' (a
// hand-rolled Engine.IO v4 / Socket.IO v5 websocket client).
const WebSocket = require('ws');
const { nowUs } = require('./clock');

const WS_OPTS = { perMessageDeflate: false, handshakeTimeout: 20000, skipUTF8Validation: true };

// spec.localAddress (C2): connect from that loopback address (127.0.0.2, ...) so that more
// connections than one address's ephemeral ports can reach one server port.
function wsOptions(spec) {
  return spec.localAddress ? { ...WS_OPTS, localAddress: spec.localAddress } : WS_OPTS;
}

function fill(tpl, room) {
  return tpl.replace('{room}', String(room));
}

// The chat payload (~200 bytes of JSON) that our server broadcasts. Peers that
// do not build it themselves (RabbitMQ) get it from the publisher as is.
function fullMessage(room, content, id) {
  return JSON.stringify({
    id,
    roomId: room,
    senderId: 4242,
    senderUsername: 'bench-user-0042',
    content,
    type: 'TEXT',
    createdAt: new Date().toISOString(),
  });
}

// ---------------- transports (text messages in/out) ----------------

function rand(n) {
  let s = '';
  const a = 'abcdefghijklmnopqrstuvwxyz0123456789';
  for (let i = 0; i < n; i++) s += a[Math.floor(Math.random() * a.length)];
  return s;
}

// Returns { send(str), close(), onText, onOpen, onClose }
function openTransport(spec, url, protocols) {
  const t = { onText: null, onOpen: null, onClose: null, closed: false };
  const kind = spec.transport || 'ws';
  if (kind === 'sockjs-client') {
    const SockJS = require('sockjs-client');
    const sock = new SockJS(url, null, { transports: ['websocket'] });
    sock.onopen = () => t.onOpen && t.onOpen();
    sock.onmessage = (e) => t.onText && t.onText(e.data);
    sock.onclose = (e) => {
      t.closed = true;
      t.onClose && t.onClose(new Error(`sockjs closed ${e && e.code} ${e && e.reason}`));
    };
    t.send = (s) => sock.send(s);
    t.close = () => sock.close();
    return t;
  }
  const sockjs = kind === 'sockjs';
  const wsUrl = sockjs ? `${url.replace(/\/$/, '')}/${Math.floor(Math.random() * 1000)}/${rand(8)}/websocket` : url;
  const ws = new WebSocket(wsUrl, sockjs ? undefined : protocols, wsOptions(spec));
  t.ws = ws;
  if (sockjs) {
    ws.on('message', (data) => {
      const s = data.toString();
      const c = s[0];
      if (c === 'a') {
        const arr = JSON.parse(s.slice(1));
        for (let i = 0; i < arr.length; i++) t.onText(arr[i]);
      } else if (c === 'm') {
        t.onText(JSON.parse(s.slice(1)));
      } else if (c === 'o') {
        t.onOpen && t.onOpen();
      } else if (c === 'c') {
        t.onClose && t.onClose(new Error(`sockjs close frame ${s}`));
      } // 'h' = heartbeat
    });
    t.send = (s) => ws.send(JSON.stringify([s]));
  } else {
    ws.on('open', () => t.onOpen && t.onOpen());
    ws.on('message', (data) => t.onText(data.toString()));
    t.send = (s) => ws.send(s);
  }
  ws.on('error', (e) => {
    if (!t.closed) {
      t.closed = true;
      t.onClose && t.onClose(e);
    }
  });
  ws.on('close', (code, reason) => {
    if (!t.closed) {
      t.closed = true;
      t.onClose && t.onClose(new Error(`ws closed ${code} ${reason}`));
    }
  });
  t.close = () => {
    t.closed = true;
    try {
      ws.terminate();
    } catch {
      /* ignore */
    }
  };
  return t;
}

// ---------------- STOMP 1.2 ----------------

function frame(cmd, headers, body) {
  let s = cmd + '\n';
  for (const k in headers) {
    if (headers[k] !== undefined && headers[k] !== null) s += k + ':' + headers[k] + '\n';
  }
  return s + '\n' + (body || '') + '\0';
}

function parseHeaders(f, from, to) {
  const h = {};
  const lines = f.slice(from, to).split('\n');
  for (const l of lines) {
    const i = l.indexOf(':');
    if (i > 0 && !(l.slice(0, i) in h)) h[l.slice(0, i)] = l.slice(i + 1).replace(/\r$/, '');
  }
  return h;
}

class StompConn {
  constructor(spec, room, user) {
    this.spec = spec;
    this.room = room;
    this.user = user || {};
    this.buf = '';
    this.onDelivery = null;
    this.onReceipt = null;
    this.onError = null;
    this.hbOutMs = 0;
    this.hbInMs = 0;
    this.lastSent = 0;
    this.lastRecv = 0;
    this.dead = false;
    // heart-beats received from the server and sent to it (C1/C2: the cost of idle connections)
    this.hbIn = 0;
    this.hbOut = 0;
  }
  open() {
    const spec = this.spec;
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (e) => {
        this.dead = true;
        if (!settled) {
          settled = true;
          reject(e);
        } else if (this.onError) this.onError(e);
      };
      const timer = setTimeout(() => fail(new Error('stomp connect/subscribe timeout')), spec.connectTimeoutMs || 30000);
      const t = openTransport(spec, spec.url, spec.protocols || []);
      this.t = t;
      t.onClose = (e) => {
        clearTimeout(timer);
        fail(e);
      };
      t.onOpen = () => {
        const hb = spec.heartbeat || [0, 0];
        const headers = {
          'accept-version': '1.2',
          host: spec.host || '127.0.0.1',
          login: this.user.login || spec.login,
          passcode: this.user.passcode || spec.passcode,
          'heart-beat': `${hb[0]},${hb[1]}`,
        };
        if (this.user.token && spec.tokenHeader) headers[spec.tokenHeader] = this.user.token;
        if (this.user.token && spec.authorizationHeader) headers.Authorization = 'Bearer ' + this.user.token;
        this.sendRaw(frame('CONNECT', headers));
      };
      this.onConnected = (h) => {
        const hb = spec.heartbeat || [0, 0];
        const sv = (h['heart-beat'] || '0,0').split(',').map(Number);
        this.hbOutMs = hb[0] && sv[1] ? Math.max(hb[0], sv[1]) : 0;
        this.hbInMs = hb[1] && sv[0] ? Math.max(hb[1], sv[0]) : 0;
        const sub = {
          id: 'sub-0',
          destination: fill(spec.subDest, this.room),
          ack: 'auto',
        };
        if (spec.subscribeReceipt !== false) sub.receipt = 'sub-r';
        this.sendRaw(frame('SUBSCRIBE', sub));
        if (spec.subscribeReceipt === false) {
          setTimeout(() => {
            clearTimeout(timer);
            settled = true;
            resolve();
          }, spec.subscribeSettleMs || 300);
        }
      };
      this.onSubReceipt = () => {
        clearTimeout(timer);
        settled = true;
        resolve();
      };
      this.onStompError = (h, body) => fail(new Error(`STOMP ERROR ${h.message || ''} ${body.slice(0, 200)}`));
      t.onText = (s) => this.onText(s);
    });
  }
  sendRaw(s) {
    this.lastSent = Date.now();
    this.t.send(s);
  }
  publish(content, receiptId) {
    const spec = this.spec;
    const body =
      spec.bodyShape === 'app'
        ? JSON.stringify({ roomId: this.room, content })
        : fullMessage(this.room, content, Math.floor(Math.random() * 1e9));
    const h = { destination: fill(spec.sendDest, this.room), 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    if (receiptId !== undefined) h.receipt = receiptId;
    this.sendRaw(frame('SEND', h, body));
  }
  heartbeat(now) {
    if (this.hbOutMs && now - this.lastSent >= this.hbOutMs * 0.8 && !this.dead) {
      this.hbOut++;
      this.sendRaw('\n');
    }
  }
  stale(now) {
    return this.hbInMs > 0 && now - this.lastRecv > this.hbInMs * 2.5;
  }
  onText(s) {
    this.lastRecv = Date.now();
    if (s === '\n' || s === '\r\n') this.hbIn++;
    if (this.buf.length === 0) {
      // fast path: exactly one complete frame
      const z = s.indexOf('\0');
      const c0 = s.charCodeAt(0);
      if (z === s.length - 1 && c0 !== 10 && c0 !== 13) {
        this.handleFrame(s, z);
        return;
      }
    }
    this.buf += s;
    for (;;) {
      let i = 0;
      while (i < this.buf.length && (this.buf.charCodeAt(i) === 10 || this.buf.charCodeAt(i) === 13)) i++;
      if (i) this.buf = this.buf.slice(i);
      const z = this.buf.indexOf('\0');
      if (z < 0) return;
      const f = this.buf.slice(0, z + 1);
      this.buf = this.buf.slice(z + 1);
      this.handleFrame(f, z);
    }
  }
  handleFrame(f, z) {
    const nl = f.indexOf('\n');
    let cmd = f.slice(0, nl);
    if (cmd.charCodeAt(cmd.length - 1) === 13) cmd = cmd.slice(0, -1);
    let he = f.indexOf('\n\n', nl);
    let bodyStart = he + 2;
    if (he < 0) {
      he = f.indexOf('\r\n\r\n', nl);
      bodyStart = he + 4;
    }
    if (cmd === 'MESSAGE') {
      if (this.onDelivery) this.onDelivery(f.slice(bodyStart, z));
    } else if (cmd === 'RECEIPT') {
      const h = parseHeaders(f, nl + 1, he);
      const id = h['receipt-id'];
      if (id === 'sub-r') this.onSubReceipt && this.onSubReceipt();
      else if (this.onReceipt) this.onReceipt(id);
    } else if (cmd === 'CONNECTED') {
      this.onConnected(parseHeaders(f, nl + 1, he));
    } else if (cmd === 'ERROR') {
      this.onStompError(parseHeaders(f, nl + 1, he), f.slice(bodyStart, z));
    }
  }
  close() {
    this.dead = true;
    try {
      this.t.close();
    } catch {
      /* ignore */
    }
  }
}

// ---------------- raw ws peer protocol ----------------
// connect to <url>?room=<id>; server sends {"type":"joined"} once joined;
// client sends {"roomId":<id>,"content":"..."}; server broadcasts the full
// chat message JSON to every connection of the room (sender included).
class WsRawConn {
  constructor(spec, room) {
    this.spec = spec;
    this.room = room;
    this.onDelivery = null;
    this.onReceipt = null;
    this.onError = null;
    this.dead = false;
    this.hbIn = 0;
    this.hbOut = 0;
  }
  open() {
    return new Promise((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => fail(new Error('ws connect timeout')), this.spec.connectTimeoutMs || 30000);
      const fail = (e) => {
        this.dead = true;
        clearTimeout(timer);
        if (!settled) {
          settled = true;
          reject(e);
        } else if (this.onError) this.onError(e);
      };
      const ws = new WebSocket(`${this.spec.url}?room=${this.room}`, wsOptions(this.spec));
      // the peer's keep-alive: ws answers its pings itself
      ws.on('ping', () => this.hbIn++);
      this.ws = ws;
      ws.on('message', (data) => {
        const s = data.toString();
        if (!settled) {
          clearTimeout(timer);
          settled = true;
          resolve();
          return;
        }
        if (this.onDelivery) this.onDelivery(s);
      });
      ws.on('error', fail);
      ws.on('close', (c) => fail(new Error(`ws closed ${c}`)));
    });
  }
  publish(content) {
    this.ws.send(JSON.stringify({ roomId: this.room, content }));
  }
  heartbeat() {}
  stale() {
    return false;
  }
  close() {
    this.dead = true;
    try {
      this.ws.terminate();
    } catch {
      /* ignore */
    }
  }
}

// ---------------- Socket.IO (EIO=4, websocket only) ----------------
class SocketIoConn extends WsRawConn {
  open() {
    return new Promise((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => fail(new Error('socket.io connect timeout')), this.spec.connectTimeoutMs || 30000);
      const fail = (e) => {
        this.dead = true;
        clearTimeout(timer);
        if (!settled) {
          settled = true;
          reject(e);
        } else if (this.onError) this.onError(e);
      };
      const ws = new WebSocket(`${this.spec.url}/socket.io/?EIO=4&transport=websocket&room=${this.room}`, wsOptions(this.spec));
      this.ws = ws;
      ws.on('message', (data) => {
        const s = data.toString();
        const c = s.charCodeAt(0);
        if (c === 52 /* '4' */) {
          if (s.startsWith('42["message"')) {
            if (this.onDelivery) this.onDelivery(s);
          } else if (s.startsWith('42["joined"')) {
            clearTimeout(timer);
            settled = true;
            resolve();
          } else if (s.startsWith('44')) {
            fail(new Error('socket.io connect_error ' + s));
          }
        } else if (c === 50 /* '2' ping */) {
          ws.send('3');
        } else if (c === 48 /* '0' open */) {
          ws.send('40');
        } else if (c === 49 /* '1' close */) {
          fail(new Error('engine.io close'));
        }
      });
      ws.on('error', fail);
      ws.on('close', (c) => fail(new Error(`ws closed ${c}`)));
    });
  }
  publish(content) {
    this.ws.send('42' + JSON.stringify(['chat', { roomId: this.room, content }]));
  }
}

function createConn(spec, room, user) {
  if (spec.kind === 'stomp') return new StompConn(spec, room, user);
  if (spec.kind === 'ws-raw') return new WsRawConn(spec, room);
  if (spec.kind === 'socketio') return new SocketIoConn(spec, room);
  throw new Error('unknown target kind ' + spec.kind);
}

module.exports = { createConn, fullMessage, frame, parseHeaders, openTransport, nowUs };
