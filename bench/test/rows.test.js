'use strict';
// Unit tests of the C2 and M1 rows' planning (no sockets, no timings):
//   node --test bench/test/
const test = require('node:test');
const assert = require('node:assert');
const { sourceAddress, fdPlan, roomSizes, memberships, roomsOfUsers, expectedFanout, rng } = require('../lib/plan');
const { createConn, frame } = require('../lib/clients');

test('C2: 50,000 connections over loopback source addresses, at most perAddress each, never 127.0.0.1', () => {
  const perAddress = 20000;
  const counts = new Map();
  for (let i = 0; i < 50000; i++) {
    const a = sourceAddress(i, perAddress);
    counts.set(a, (counts.get(a) || 0) + 1);
  }
  assert.deepStrictEqual([...counts.entries()], [
    ['127.0.0.2', 20000],
    ['127.0.0.3', 20000],
    ['127.0.0.4', 10000],
  ]);
  // carries into the third octet
  assert.strictEqual(sourceAddress(254 * 10, 10), '127.0.1.0');
  assert.strictEqual(sourceAddress(254 * 10 + 1, 10), '127.0.1.0');
});

test('C2: the open-files limit caps the connections and asks for enough load workers', () => {
  assert.deepStrictEqual(fdPlan(50000, 4, 20000), { conns: 19000, workers: 4, capped: true });
  assert.deepStrictEqual(fdPlan(50000, 2, 1048576), { conns: 50000, workers: 2, capped: false });
  assert.deepStrictEqual(fdPlan(50000, 2, 30000), { conns: 29000, workers: 2, capped: true });
  assert.deepStrictEqual(fdPlan(50000, 1, 12000), { conns: 11000, workers: 1, capped: true });
  assert.deepStrictEqual(fdPlan(300000, 2, 101000), { conns: 100000, workers: 2, capped: true });
  assert.deepStrictEqual(fdPlan(40, 2, null), { conns: 40, workers: 2, capped: false });
});

test('M1: 500 rooms of 2-200 members, most small; 5,000 users each in a room, rooms of distinct members', () => {
  const sizes = roomSizes(500, 2, 200);
  assert.strictEqual(sizes.length, 500);
  assert.strictEqual(Math.min(...sizes), 2);
  assert.strictEqual(Math.max(...sizes), 200);
  assert.ok(sizes.filter((s) => s <= 30).length >= 250, 'half the rooms have at most 30 members');
  assert.ok(sizes.filter((s) => s >= 100).length < 110, 'about a fifth have 100 or more');
  const members = memberships(sizes, 5000);
  members.forEach((list, i) => {
    assert.strictEqual(list.length, sizes[i]);
    assert.strictEqual(new Set(list).size, list.length, `room ${i} has distinct members`);
  });
  const rooms = roomsOfUsers(members, 5000);
  const per = rooms.map((r) => r.length);
  const total = sizes.reduce((s, n) => s + n, 0);
  assert.ok(Math.min(...per) >= Math.floor(total / 5000) && Math.max(...per) <= Math.ceil(total / 5000), 'memberships spread evenly');
  assert.ok(Math.min(...per) >= 1, 'every user is in a room');
  // A uniform sender rate over rooms of this shape reaches ~100 subscribers per message.
  const fanout = expectedFanout(members, 5000);
  assert.ok(fanout > 50 && fanout < 200, String(fanout));
});

test('M1: the expected fan-out weighs each room by how often its members send to it', () => {
  // users 0-1 in a room of 2, users 0-3 in a room of 4: users 0 and 1 split their sends.
  const members = [
    [0, 1],
    [0, 1, 2, 3],
  ];
  assert.deepStrictEqual(roomsOfUsers(members, 4), [[0, 1], [0, 1], [1], [1]]);
  assert.strictEqual(expectedFanout(members, 4), (3 + 3 + 4 + 4) / 4);
  assert.throws(() => memberships([5], 4), /needs that many users/);
});

test('M1: the schedule is replayable from its seed', () => {
  const a = rng(7);
  const b = rng(7);
  const xs = Array.from({ length: 5 }, () => a());
  assert.deepStrictEqual(xs, Array.from({ length: 5 }, () => b()));
  assert.ok(xs.every((v) => v >= 0 && v < 1));
  assert.notDeepStrictEqual(xs, Array.from({ length: 5 }, rng(8)));
});

test('STOMP client: counts heart-beats received and sent (C1, C2 idle cost)', () => {
  const c = /** @type {any} */ (createConn({ kind: 'stomp', subDest: '/topic/rooms/{room}', sendDest: '/app/chat.sendMessage', bodyShape: 'app' }, 1, {}));
  const sent = [];
  c.t = { send: (s) => sent.push(s) };
  c.onText('\n');
  c.onText(frame('RECEIPT', { 'receipt-id': 'r1' }));
  c.onText('\n');
  assert.strictEqual(c.hbIn, 2);
  c.hbOutMs = 1000;
  c.lastSent = 0;
  c.heartbeat(1000);
  c.heartbeat(1001); // just sent: not due again
  assert.deepStrictEqual(sent, ['\n']);
  assert.strictEqual(c.hbOut, 1);
});
