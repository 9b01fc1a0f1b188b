'use strict';
// Unit tests of the harness's pure parts (no sockets, no timings):
//   node --test bench/test/
const test = require('node:test');
const assert = require('node:assert');
const { Histogram, indexOf, valueOf } = require('../lib/hist');
const { createConn, frame } = require('../lib/clients');

test('histogram: bucket error below 1 % and exact percentiles on a uniform set', () => {
  for (const v of [1, 255, 256, 1000, 12345, 999999, 60e6]) {
    const back = valueOf(indexOf(v));
    assert.ok(Math.abs(back - v) / v < 0.01, `${v} -> ${back}`);
  }
  const h = new Histogram();
  for (let i = 1; i <= 10000; i++) h.record(i * 10);
  const s = h.summary();
  assert.ok(Math.abs(s.p50Ms - 50) < 0.5, JSON.stringify(s));
  assert.ok(Math.abs(s.p99Ms - 99) < 1, JSON.stringify(s));
  assert.strictEqual(s.maxMs, 100);
});

test('histogram: merge across processes equals recording in one', () => {
  const a = new Histogram();
  const b = new Histogram();
  const all = new Histogram();
  for (let i = 0; i < 5000; i++) {
    const v = (i * 7919) % 100000;
    (i % 2 ? a : b).record(v);
    all.record(v);
  }
  const m = new Histogram();
  m.merge(JSON.parse(JSON.stringify(a.toJSON())));
  m.merge(b.toJSON());
  assert.deepStrictEqual(m.summary(), all.summary());
});

test('STOMP client: frames split across messages, heart-beats and several frames per message', () => {
  const c = /** @type {any} */ (createConn({ kind: 'stomp', subDest: '/topic/rooms/{room}', sendDest: '/app/chat.sendMessage', bodyShape: 'app' }, 7, {}));
  const got = [];
  const receipts = [];
  c.onDelivery = (b) => got.push(b);
  c.onReceipt = (r) => receipts.push(r);
  const m1 = frame('MESSAGE', { subscription: 'sub-0', 'message-id': '1', destination: '/topic/rooms/7' }, '{"content":"bench|0|1|5|x"}');
  const m2 = frame('MESSAGE', { subscription: 'sub-0', 'message-id': '2' }, '{"a":1}');
  const r1 = frame('RECEIPT', { 'receipt-id': 'r42' });
  c.onText(m1);
  c.onText('\n' + m2.slice(0, 10));
  c.onText(m2.slice(10) + '\n' + r1);
  c.onText('\r\n' + m1.replace(/\n/g, '\r\n').replace('\r\n\r\n{', '\r\n\r\n{'));
  assert.deepStrictEqual(got.slice(0, 2), ['{"content":"bench|0|1|5|x"}', '{"a":1}']);
  assert.strictEqual(got.length, 3);
  assert.deepStrictEqual(receipts, ['r42']);
});

test('STOMP client: SEND frame shape for our server', () => {
  const c = /** @type {any} */ (createConn({ kind: 'stomp', subDest: '/topic/rooms/{room}', sendDest: '/app/chat.sendMessage', bodyShape: 'app' }, 3, {}));
  const sent = [];
  c.t = { send: (s) => sent.push(s) };
  c.publish('bench|1|2|3|xx', 'r2');
  const f = sent[0];
  assert.ok(f.startsWith('SEND\ndestination:/app/chat.sendMessage\n'));
  assert.ok(f.includes('\nreceipt:r2\n'));
  const body = f.slice(f.indexOf('\n\n') + 2, -1);
  assert.deepStrictEqual(JSON.parse(body), { roomId: 3, content: 'bench|1|2|3|xx' });
  assert.ok(f.includes(`content-length:${Buffer.byteLength(body)}\n`));
  assert.strictEqual(f[f.length - 1], '\0');
});

test('H2 seeding: the searched word is in exactly `needles` messages, evenly spaced, never elsewhere', () => {
  const { contentOf, vocabulary, NEEDLE } = require('../lib/search');
  for (const [total, needles] of [
    [10000, 50],
    [4000, 10],
  ]) {
    const vocab = vocabulary(5000);
    const hits = [];
    for (let i = 0; i < total; i++) {
      const words = contentOf(i, total, needles, vocab).split(' ');
      assert.ok(words.length >= 6 && words.length <= 13, words.join(' '));
      if (words.includes(NEEDLE)) hits.push(i);
    }
    assert.strictEqual(hits.length, needles);
    const step = total / needles;
    assert.ok(hits.every((h, k) => k === 0 || h - hits[k - 1] === step), JSON.stringify(hits));
  }
});

test('A1: the multipart body holds the bytes in one part named file; ratios are ours / peer', () => {
  const { multipartBody, ratio, BOUNDARY } = require('../lib/attachments');
  const bytes = Buffer.from([0, 1, 2, 255]);
  const body = multipartBody(bytes, 'x.bin');
  const text = body.toString('latin1');
  assert.ok(text.startsWith(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="x.bin"\r\n`));
  assert.ok(text.endsWith(`\r\n--${BOUNDARY}--\r\n`));
  const start = body.indexOf('\r\n\r\n') + 4;
  assert.deepStrictEqual(body.subarray(start, start + bytes.length), bytes);
  assert.strictEqual(body.length, start + bytes.length + `\r\n--${BOUNDARY}--\r\n`.length);
  assert.strictEqual(ratio(90, 100), 0.9);
  assert.strictEqual(ratio(1, 3), 0.33);
  assert.strictEqual(ratio(0, 100), null);
  assert.strictEqual(ratio(5, undefined), null);
});
