'use strict';
// Load-generator worker process (forked by bench/lib/load.js). Holds a slice of
// the connections: subscribers (count deliveries, check loss/dups/order,
// record latency) and/or publishers (open-loop fixed rate, or max rate with a
// bounded in-flight window completed by RECEIPT or by the publisher's own
// copy of the message). Talks to the parent over IPC only.
const { createConn } = require('./clients');
const { Histogram } = require('./hist');
const { nowUs } = require('./clock');
const { connectAll } = require('./connect-all');

const MARK = 'bench|';
let PAD = 'x'.repeat(40);

let spec = null;
let conns = []; // { c, room, pub, count, pubId, trackers: [] }
let pubs = [];
let run = null;
const lat = new Histogram();
const compLat = new Histogram();
const stats = { delivered: 0, distinct: 0, dups: 0, order: 0, foreign: 0, inWindow: 0, errorsAfterReady: 0, timeouts: 0 };
const firstErrors = [];

function send(m) {
  if (process.connected) process.send(m);
}

function noteError(e) {
  if (firstErrors.length < 5) firstErrors.push(String(e && e.message ? e.message : e));
}

// content = bench|<pubId>|<seq>|<sendUs>|<padding>
function parse(body) {
  const i = body.indexOf(MARK);
  if (i < 0) return null;
  const a = i + MARK.length;
  const b = body.indexOf('|', a);
  const c = body.indexOf('|', b + 1);
  const d = body.indexOf('|', c + 1);
  return { pubId: +body.slice(a, b), seq: +body.slice(b + 1, c), ts: +body.slice(c + 1, d) };
}

function track(entry, m) {
  let t = entry.trackers[m.pubId];
  if (!t) t = entry.trackers[m.pubId] = { last: -1, bits: new Uint8Array(1024) };
  if (m.seq >= t.bits.length * 8) {
    let n = t.bits.length;
    while (m.seq >= n * 8) n *= 2;
    const nb = new Uint8Array(n);
    nb.set(t.bits);
    t.bits = nb;
  }
  const byte = m.seq >> 3;
  const bit = 1 << (m.seq & 7);
  if (t.bits[byte] & bit) {
    stats.dups++;
    return;
  }
  t.bits[byte] |= bit;
  stats.distinct++;
  if (m.seq < t.last) stats.order++;
  else t.last = m.seq;
}

function onDelivery(entry, body) {
  const now = nowUs();
  const m = parse(body);
  if (!m) {
    stats.foreign++;
    return;
  }
  if (entry.pub && m.pubId === entry.pubId && run) {
    const p = entry.pubState;
    const st = p.pending.get(m.seq);
    if (st !== undefined && run.completion === 'echo') complete(p, m.seq, now, st);
  }
  if (!entry.count || !run) return;
  stats.delivered++;
  track(entry, m);
  const b = Math.floor((now - run.t0) / run.bucketUs);
  if (b >= 0 && b < run.delBuckets.length) run.delBuckets[b]++;
  if (m.ts >= run.winStart && m.ts <= run.winEnd) {
    stats.inWindow++;
    lat.record(now - m.ts);
  }
}

function complete(p, seq, now, st) {
  p.pending.delete(seq);
  p.inflight--;
  p.completed++;
  p.lastCompletion = now;
  const b = Math.floor((now - run.t0) / run.bucketUs);
  if (b >= 0 && b < run.compBuckets.length) run.compBuckets[b]++;
  if (st >= run.winStart && st <= run.winEnd) compLat.record(now - st);
  if (run.mode === 'max') pump(p);
}

function sendOne(p, ts) {
  const seq = p.seq++;
  const content = MARK + p.pubId + '|' + seq + '|' + Math.round(ts) + '|' + PAD;
  try {
    if (run.completion === 'receipt') p.entry.c.publish(content, 'r' + seq);
    else p.entry.c.publish(content);
  } catch (e) {
    noteError(e);
  }
  if (run.completion !== 'none') {
    p.pending.set(seq, ts);
    p.inflight++;
  }
  const b = Math.floor((nowUs() - run.t0) / run.bucketUs);
  if (b >= 0 && b < run.sentBuckets.length) run.sentBuckets[b]++;
}

function pump(p) {
  if (run.stopped || p.entry.c.dead) return;
  while (p.inflight < run.window && p.seq < run.maxMsgs && !run.stopped) sendOne(p, nowUs());
}

function rateTick() {
  if (run.stopped) return;
  const now = nowUs();
  let next = Infinity;
  for (const p of pubs) {
    while (p.next <= now && p.seq < run.maxMsgs) {
      sendOne(p, p.next);
      p.next += run.intervalUs;
    }
    if (p.seq < run.maxMsgs && p.next < next) next = p.next;
  }
  if (next < Infinity) run.timer = setTimeout(rateTick, Math.max(0, (next - nowUs()) / 1000));
}

async function init(msg) {
  spec = msg.spec;
  if (msg.padLen !== undefined) PAD = 'x'.repeat(msg.padLen);
  const t0 = Date.now();
  conns = msg.conns.map((d) => ({
    ...d,
    trackers: [],
    c: createConn(d.url || d.localAddress ? { ...spec, ...(d.url ? { url: d.url } : {}), ...(d.localAddress ? { localAddress: d.localAddress } : {}) } : spec, d.room, d.user),
  }));
  const { ok, failed } = await connectAll(
    conns,
    msg.concurrency || 50,
    async (e) => {
      await e.c.open();
      e.c.onDelivery = (body) => onDelivery(e, body);
      e.c.onError = (err) => {
        stats.errorsAfterReady++;
        noteError(err);
      };
    },
    (e, err) => {
      e.failed = true;
      noteError(err);
    },
  );
  pubs = conns
    .filter((e) => e.pub && !e.failed)
    .map((e) => {
      const p = { entry: e, pubId: e.pubId, seq: 0, inflight: 0, completed: 0, pending: new Map(), lastCompletion: 0 };
      e.pubState = p;
      e.c.onReceipt = (id) => {
        if (!run || run.completion !== 'receipt') return;
        const seq = +id.slice(1);
        const st = p.pending.get(seq);
        if (st !== undefined) complete(p, seq, nowUs(), st);
      };
      return p;
    });
  send({ type: 'ready', ok, failed, ms: Date.now() - t0, errors: firstErrors.slice() });
}

function start(msg) {
  const n = Math.ceil((msg.durationUs + msg.drainUs + 2e6) / msg.bucketUs);
  run = {
    ...msg,
    stopped: false,
    winStart: msg.t0 + msg.warmupUs,
    winEnd: msg.t0 + msg.durationUs,
    delBuckets: new Float64Array(n),
    sentBuckets: new Float64Array(n),
    compBuckets: new Float64Array(n),
    intervalUs: msg.rate ? 1e6 / msg.rate : 0,
  };
  const wait = Math.max(0, (msg.t0 - nowUs()) / 1000);
  setTimeout(() => {
    if (pubs.length) {
      if (run.mode === 'rate') {
        pubs.forEach((p, i) => (p.next = run.t0 + (i * run.intervalUs) / pubs.length + (msg.pubOffsetUs || 0)));
        rateTick();
      } else {
        for (const p of pubs) {
          p.lastCompletion = nowUs();
          pump(p);
        }
        // stall guard: a lost completion must not freeze the window forever
        run.guard = setInterval(() => {
          const now = nowUs();
          for (const p of pubs) {
            if (p.inflight > 0 && now - p.lastCompletion > (msg.stallMs || 3000) * 1000) {
              stats.timeouts += p.inflight;
              p.pending.clear();
              p.inflight = 0;
              p.lastCompletion = now;
              pump(p);
            }
          }
        }, 500);
      }
    }
    setTimeout(
      () => {
        run.stopped = true;
        clearTimeout(run.timer);
        clearInterval(run.guard);
      },
      Math.max(0, (run.t0 + run.durationUs - nowUs()) / 1000),
    );
  }, wait);
}

function poll() {
  let sent = 0;
  let completed = 0;
  let inflight = 0;
  for (const p of pubs) {
    sent += p.seq;
    completed += p.completed;
    inflight += p.inflight;
  }
  send({ type: 'poll', delivered: stats.delivered, sent, completed, inflight, stopped: !!(run && run.stopped) });
}

function report() {
  const sentByPub = pubs.map((p) => ({ pubId: p.pubId, room: p.entry.room, sent: p.seq, completed: p.completed }));
  const countingByRoom = {};
  let counting = 0;
  let stale = 0;
  let dead = 0;
  let hbIn = 0;
  let hbOut = 0;
  const now = Date.now();
  for (const e of conns) {
    if (e.failed) continue;
    hbIn += e.c.hbIn || 0;
    hbOut += e.c.hbOut || 0;
    if (e.c.dead) dead++;
    else if (e.c.stale(now)) stale++;
    if (!e.count) continue;
    counting++;
    countingByRoom[e.room] = (countingByRoom[e.room] || 0) + 1;
  }
  const cpu = process.cpuUsage();
  send({
    type: 'report',
    stats: { ...stats },
    sentByPub,
    countingByRoom,
    counting,
    stale,
    dead,
    hbIn,
    hbOut,
    lat: lat.toJSON(),
    compLat: compLat.toJSON(),
    delBuckets: run ? Array.from(run.delBuckets) : [],
    sentBuckets: run ? Array.from(run.sentBuckets) : [],
    compBuckets: run ? Array.from(run.compBuckets) : [],
    cpuUs: cpu.user + cpu.system,
    rssKiB: Math.round(process.memoryUsage().rss / 1024),
    errors: firstErrors.slice(),
  });
}

setInterval(() => {
  const now = Date.now();
  for (const e of conns) if (!e.failed) e.c.heartbeat(now);
}, 1000).unref();

process.on('message', (/** @type {any} */ msg) => {
  if (msg.cmd === 'init') init(msg).catch((e) => send({ type: 'fatal', error: String(e && e.stack) }));
  else if (msg.cmd === 'start') start(msg);
  else if (msg.cmd === 'poll') poll();
  else if (msg.cmd === 'report') report();
  else if (msg.cmd === 'close') {
    for (const e of conns) e.c.close();
    setTimeout(() => process.exit(0), 200);
  }
});
// never outlive the orchestrator
process.on('disconnect', () => process.exit(0));
process.on('uncaughtException', (e) => {
  noteError(e);
  send({ type: 'error', error: String(e && e.stack) });
});
