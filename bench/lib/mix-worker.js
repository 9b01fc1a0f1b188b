'use strict';
// M1 load worker (forked by bench/lib/mix.js): holds a slice of the users, one STOMP session each,
// subscribed like the web client (every room's messages and events, typing of the open room,
// /topic/status and the user queues), and plays a realistic mix: a message per user every
// ~interval in its open room (typing first; now and then it opens another of its rooms first),
// read markers as the web client moves them (the open room only, while the page is visible, one
// pending per user), reactions on what arrives, and presence churn (a user disconnects and comes
// back later). Measures delivery latency of the messages, and counts every error. Talks to the
// parent over IPC only.
const { openTransport, frame, parseHeaders } = require('./clients');
const { Histogram } = require('./hist');
const { nowUs } = require('./clock');
const { rng } = require('./plan');
const { connectAll } = require('./connect-all');

const MARK = 'bench|';
const PAD = 'x'.repeat(40);
const EMOJI = '\u{1F44D}';

let spec = null;
let P = null; // parameters of the run (see mix.js)
let random = Math.random;
/** @type {MixUser[]} */
let users = [];
let run = null;
let closingAll = false;
const lat = new Histogram();
const stats = {
  sent: 0,
  receipts: 0,
  echoMissing: 0,
  deliveries: 0, // messages received (all subscribers, own echo included)
  typingSent: 0,
  readsSent: 0,
  reactionsSent: 0,
  churns: 0,
  reconnects: 0,
  typing: 0,
  events: 0,
  status: 0,
  reads: 0,
  notifications: 0,
  errors: 0,
};
const firstErrors = [];

function send(m) {
  if (process.connected) process.send(m);
}

function noteError(what) {
  stats.errors++;
  if (firstErrors.length < 5) firstErrors.push(String(what).slice(0, 300));
}

const uniform = (a, b) => a + (b - a) * random();

class MixUser {
  constructor(u) {
    this.idx = u.idx;
    this.token = u.token;
    this.rooms = u.rooms; // room ids
    this.t = null;
    this.buf = '';
    this.connected = false;
    this.away = false;
    /** DISCONNECT sent, its session not closed yet: no new session before it is. */
    this.leaving = false;
    this.seq = 0;
    /** @type {Map<number, { us: number, echoed: boolean }>} seq -> pending send */
    this.pending = new Map();
    /** @type {Map<number, { at: number, messageId: number }>} room -> read marker to send */
    this.reads = new Map();
    this.nextSendAt = Infinity;
    /** The room the user has open (the web client's current room): it types, sends and reads there. */
    this.openRoom = u.rooms[0];
    /** Whether the page is in front: only then does the open room's marker move (redrawn at each send). */
    this.visible = false;
    this.typingRoom = 0;
    this.messageAt = Infinity;
    this.churnAt = Infinity;
    this.backAt = Infinity;
    this.onReady = null;
  }

  connect() {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('connect/subscribe timeout')), 60000);
      this.onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      const t = openTransport(spec, spec.url, spec.protocols || []);
      this.t = t;
      this.buf = '';
      t.onOpen = () => {
        const headers = { 'accept-version': '1.2', host: spec.host || '127.0.0.1', 'heart-beat': '0,0' };
        headers[spec.tokenHeader] = this.token;
        t.send(frame('CONNECT', headers));
      };
      t.onText = (s) => this.onText(s);
      t.onClose = (e) => {
        if (this.t !== t) return; // an earlier session's socket
        this.connected = false;
        this.leaving = false;
        if (this.onReady) {
          // before the session was ready
          this.onReady = null;
          clearTimeout(timer);
          reject(e);
        } else if (!this.away && !closingAll) noteError(`connection lost: ${e && e.message}`);
      };
    });
  }

  subscribeAll() {
    const dests = [];
    for (const r of this.rooms) dests.push(`/topic/rooms/${r}`, `/topic/rooms/${r}/events`);
    dests.push('/topic/status', '/user/queue/errors', '/user/queue/read', '/user/queue/notifications');
    let out = frame('SUBSCRIBE', { id: 'typing', destination: `/topic/rooms/${this.openRoom}/typing`, ack: 'auto' });
    dests.forEach((d, i) => (out += frame('SUBSCRIBE', { id: `s${i}`, destination: d, ack: 'auto', receipt: i === dests.length - 1 ? 'ready' : undefined })));
    out += frame('SEND', { destination: '/app/chat.addUser', 'content-type': 'application/json' }, '{}');
    this.t.send(out);
  }

  sendFrame(s) {
    if (this.connected && !this.t.closed) this.t.send(s);
  }

  onText(s) {
    this.buf += s;
    for (;;) {
      let i = 0;
      while (i < this.buf.length && (this.buf.charCodeAt(i) === 10 || this.buf.charCodeAt(i) === 13)) i++;
      if (i) this.buf = this.buf.slice(i);
      const z = this.buf.indexOf('\0');
      if (z < 0) return;
      const f = this.buf.slice(0, z);
      this.buf = this.buf.slice(z + 1);
      this.onFrame(f);
    }
  }

  onFrame(f) {
    const nl = f.indexOf('\n');
    const cmd = f.slice(0, nl).replace(/\r$/, '');
    let he = f.indexOf('\n\n', nl);
    let bodyStart = he + 2;
    if (he < 0) {
      he = f.indexOf('\r\n\r\n', nl);
      bodyStart = he + 4;
    }
    const h = parseHeaders(f, nl + 1, he);
    const body = f.slice(bodyStart);
    if (cmd === 'MESSAGE') this.onMessage(h.destination || '', body);
    else if (cmd === 'RECEIPT') this.onReceipt(h['receipt-id']);
    else if (cmd === 'CONNECTED') {
      this.connected = true;
      this.subscribeAll();
    } else if (cmd === 'ERROR') noteError(`ERROR ${h.message || ''} ${body.slice(0, 200)}`);
  }

  onReceipt(id) {
    if (id === 'ready') {
      const ready = this.onReady;
      this.onReady = null;
      if (ready) ready();
      return;
    }
    if (id === 'bye') {
      this.connected = false;
      this.leaving = false;
      // A DISCONNECT's RECEIPT comes after every earlier frame is answered.
      if (this.pending.size) noteError(`${this.pending.size} send(s) without a RECEIPT before the DISCONNECT's`);
      this.pending.clear();
      this.t.close();
      return;
    }
    if (id[0] !== 'm') return;
    const seq = Number(id.slice(1));
    const p = this.pending.get(seq);
    if (!p) return;
    this.pending.delete(seq);
    stats.receipts++;
    // The echo is written before the RECEIPT on the same socket: it must be here already.
    if (!p.echoed) stats.echoMissing++;
  }

  onMessage(dest, body) {
    const now = nowUs();
    if (dest === '/topic/status') return void stats.status++;
    if (dest.startsWith('/user/queue/')) {
      if (dest === '/user/queue/errors') noteError(`error queue: ${body.slice(0, 200)}`);
      else if (dest === '/user/queue/read') stats.reads++;
      else stats.notifications++;
      return;
    }
    if (dest.endsWith('/typing')) return void stats.typing++;
    if (dest.endsWith('/events')) return void stats.events++;
    // a room's messages
    const m = body.indexOf(MARK);
    if (m < 0) return;
    const a = m + MARK.length;
    const b = body.indexOf('|', a);
    const c = body.indexOf('|', b + 1);
    const d = body.indexOf('|', c + 1);
    const from = +body.slice(a, b);
    const seq = +body.slice(b + 1, c);
    const ts = +body.slice(c + 1, d);
    stats.deliveries++;
    if (run) {
      const k = Math.floor((now - run.t0) / run.bucketUs);
      if (k >= 0 && k < run.delBuckets.length) run.delBuckets[k]++;
      if (ts >= run.winStart && ts <= run.winEnd) lat.record(now - ts);
    }
    if (from === this.idx) {
      const p = this.pending.get(seq);
      if (p) p.echoed = true;
      return;
    }
    if (!run || run.stopped) return;
    const idMatch = /^\{"id":(\d+),"roomId":(\d+)/.exec(body);
    if (!idMatch) return;
    const messageId = Number(idMatch[1]);
    const roomId = Number(idMatch[2]);
    if (random() < P.reactProb) {
      stats.reactionsSent++;
      this.sendFrame(frame('SEND', { destination: '/app/chat.react', 'content-type': 'application/json' }, JSON.stringify({ messageId, emoji: EMOJI })));
    }
    // The web client moves the marker of the open room only, while the page is visible, batched.
    if (roomId !== this.openRoom || !this.visible) return;
    const pendingRead = this.reads.get(roomId);
    if (pendingRead) pendingRead.messageId = Math.max(pendingRead.messageId, messageId);
    else this.reads.set(roomId, { at: Date.now() + uniform(P.readDelayMs[0], P.readDelayMs[1]), messageId });
  }

  /** Opens another of the user's rooms: typing follows, and the room is read to its newest message. */
  open(roomId) {
    if (roomId === this.openRoom) return;
    this.reads.delete(this.openRoom);
    this.openRoom = roomId;
    stats.readsSent++;
    this.sendFrame(
      frame('UNSUBSCRIBE', { id: 'typing' }) +
        frame('SUBSCRIBE', { id: 'typing', destination: `/topic/rooms/${roomId}/typing`, ack: 'auto' }) +
        frame('SEND', { destination: '/app/chat.read', 'content-type': 'application/json' }, JSON.stringify({ roomId })),
    );
  }

  // One step of the user's schedule (called every tick).
  tick(now) {
    if (this.away) {
      // a new session only once the old one is closed (its DISCONNECT's RECEIPT may be late on
      // a loaded server: the new socket would otherwise replace it mid-close)
      if (now >= this.backAt && !this.leaving && !run.stopped) this.comeBack();
      return;
    }
    if (!this.connected || run.stopped) return;
    if (now >= this.churnAt) return this.leave(now);
    if (now >= this.nextSendAt) {
      this.nextSendAt = now + P.messageIntervalMs * uniform(0.5, 1.5);
      this.visible = random() < P.visibleProb;
      if (random() < P.switchProb) this.open(this.rooms[Math.floor(random() * this.rooms.length)]);
      this.typingRoom = this.openRoom;
      this.messageAt = now + P.typingLeadMs;
      stats.typingSent++;
      this.sendFrame(frame('SEND', { destination: '/app/chat.typing', 'content-type': 'application/json' }, JSON.stringify({ roomId: this.typingRoom, typing: true })));
    }
    if (now >= this.messageAt) {
      this.messageAt = Infinity;
      const seq = this.seq++;
      const us = nowUs();
      const content = MARK + this.idx + '|' + seq + '|' + Math.round(us) + '|' + PAD;
      this.pending.set(seq, { us, echoed: false });
      stats.sent++;
      const k = Math.floor((us - run.t0) / run.bucketUs);
      if (k >= 0 && k < run.sentBuckets.length) run.sentBuckets[k]++;
      this.sendFrame(frame('SEND', { destination: '/app/chat.sendMessage', 'content-type': 'application/json', receipt: 'm' + seq }, JSON.stringify({ roomId: this.typingRoom, content })));
    }
    for (const [roomId, r] of this.reads) {
      if (now < r.at) continue;
      this.reads.delete(roomId);
      stats.readsSent++;
      this.sendFrame(frame('SEND', { destination: '/app/chat.read', 'content-type': 'application/json' }, JSON.stringify({ roomId, messageId: r.messageId })));
    }
  }

  // Presence churn: DISCONNECT (its RECEIPT comes after every earlier frame is answered), away
  // for a while, then a new session.
  leave(now) {
    stats.churns++;
    this.away = true;
    this.churnAt = Infinity;
    this.messageAt = Infinity;
    this.reads.clear();
    this.backAt = now + uniform(P.awayMs[0], P.awayMs[1]);
    this.leaving = true;
    this.sendFrame(frame('DISCONNECT', { receipt: 'bye' }));
  }

  comeBack() {
    this.away = false;
    this.backAt = Infinity;
    this.connect().then(
      () => {
        stats.reconnects++;
        this.scheduleChurn(Date.now());
        this.nextSendAt = Date.now() + P.messageIntervalMs * random();
      },
      (e) => noteError(`reconnect: ${e && e.message}`),
    );
  }

  scheduleChurn(now) {
    // exponential inter-arrival: a mean of one churn per user per (3600 / churnPerHour) s
    this.churnAt = P.churnPerHour > 0 ? now - Math.log(1 - random()) * (3600000 / P.churnPerHour) : Infinity;
  }
}

async function init(msg) {
  spec = msg.spec;
  P = msg.params;
  random = rng(msg.seed);
  users = msg.users.map((u) => new MixUser(u));
  const t0 = Date.now();
  const { ok, failed } = await connectAll(
    users,
    msg.concurrency || 50,
    (u) => u.connect(),
    (_u, e) => noteError(`connect: ${e && /** @type {Error} */ (e).message}`),
  );
  send({ type: 'ready', ok, failed, ms: Date.now() - t0, errors: firstErrors.slice() });
}

function start(msg) {
  const n = Math.ceil((msg.durationUs + msg.drainUs + 2e6) / msg.bucketUs);
  run = { ...msg, stopped: false, winStart: msg.t0 + msg.warmupUs, winEnd: msg.t0 + msg.durationUs, delBuckets: new Float64Array(n), sentBuckets: new Float64Array(n) };
  setTimeout(
    () => {
      const now = Date.now();
      for (const u of users) {
        u.nextSendAt = now + P.messageIntervalMs * random(); // spread the first sends over one interval
        u.scheduleChurn(now);
      }
      run.timer = setInterval(() => {
        const t = Date.now();
        for (const u of users) u.tick(t);
      }, 20);
      setTimeout(() => (run.stopped = true), Math.max(0, (run.t0 + run.durationUs - nowUs()) / 1000));
    },
    Math.max(0, (msg.t0 - nowUs()) / 1000),
  );
}

function poll() {
  let pending = 0;
  let connected = 0;
  for (const u of users) {
    if (u.connected) {
      connected++;
      pending += u.pending.size;
    }
  }
  send({ type: 'poll', pending, connected, receipts: stats.receipts, deliveries: stats.deliveries });
}

function report() {
  let unanswered = 0;
  let connected = 0;
  for (const u of users) {
    if (!u.connected) continue;
    connected++;
    unanswered += u.pending.size;
  }
  send({
    type: 'report',
    stats: { ...stats },
    unanswered,
    connected,
    users: users.length,
    lat: lat.toJSON(),
    delBuckets: run ? Array.from(run.delBuckets) : [],
    sentBuckets: run ? Array.from(run.sentBuckets) : [],
    rssKiB: Math.round(process.memoryUsage().rss / 1024),
    errors: firstErrors.slice(),
  });
}

process.on('message', (/** @type {any} */ msg) => {
  if (msg.cmd === 'init') init(msg).catch((e) => send({ type: 'fatal', error: String(e && e.stack) }));
  else if (msg.cmd === 'start') start(msg);
  else if (msg.cmd === 'poll') poll();
  else if (msg.cmd === 'report') report();
  else if (msg.cmd === 'close') {
    closingAll = true;
    if (run) clearInterval(run.timer);
    for (const u of users) if (u.t) u.t.close();
    setTimeout(() => process.exit(0), 200);
  }
});
process.on('disconnect', () => process.exit(0));
process.on('uncaughtException', (e) => {
  noteError(e && e.stack);
  send({ type: 'error', error: String(e && e.stack) });
});
