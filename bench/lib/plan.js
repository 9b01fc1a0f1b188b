'use strict';
// Pure planning helpers of the C2 and M1 rows (no I/O, unit-tested in bench/test/):
// loopback source addresses, the file-descriptor cap, M1's rooms and memberships.
const fs = require('fs');

// ---------------- C2: many connections to one port ----------------

// The local address of the i-th connection: `perAddress` connections per address, from
// 127.0.0.<first> up (carrying into the third octet). One address has ~28k ephemeral ports
// (ip_local_port_range) towards one server port, so 50,000 connections need several.
function sourceAddress(i, perAddress, first = 2) {
  const n = first + Math.floor(i / perAddress);
  if (n > 0xffff - 1) throw new Error(`sourceAddress: ${i} connections need more than 127.0.255.254`);
  return `127.0.${n >> 8}.${n & 0xff}`;
}

// The soft limit on open files of this process (inherited by every child it starts), or null.
function openFilesLimit() {
  try {
    const m = fs.readFileSync('/proc/self/limits', 'utf8').match(/^Max open files\s+(\d+|unlimited)/m);
    return !m || m[1] === 'unlimited' ? null : Number(m[1]);
  } catch {
    return null;
  }
}

// How many connections a run can hold when every process has `fdLimit` descriptors: the server
// holds all of them in one process, so `requested` is capped to fdLimit - reserve; the load side
// needs at least ceil(conns / (fdLimit - reserve)) workers.
// Returns { conns, workers, capped }.
function fdPlan(requested, workers, fdLimit, reserve = 1000) {
  if (!fdLimit) return { conns: requested, workers, capped: false };
  const per = Math.max(1, fdLimit - reserve);
  const conns = Math.min(requested, per);
  return { conns, workers: Math.max(workers, Math.ceil(conns / per)), capped: conns < requested };
}

// ---------------- M1: a realistic mix ----------------

// Room sizes from `min` to `max` members, most rooms small and a few large (cubic ramp), the
// shape of a real workspace: sizes[i] = min + (max - min) * (i / (rooms - 1))^3, rounded.
function roomSizes(rooms, min, max) {
  if (rooms === 1) return [max];
  return Array.from({ length: rooms }, (_, i) => Math.round(min + (max - min) * (i / (rooms - 1)) ** 3));
}

// Members (user indexes) of every room: room i takes the next sizes[i] users, cycling through
// all users, so each room's members are distinct (sizes[i] <= users) and memberships are spread
// evenly (each user is in floor or ceil of sum(sizes) / users rooms). Every user is in a room
// when sum(sizes) >= users.
function memberships(sizes, users) {
  let next = 0;
  return sizes.map((size) => {
    if (size > users) throw new Error(`memberships: a room of ${size} members needs that many users (${users})`);
    const members = Array.from({ length: size }, (_, k) => (next + k) % users);
    next = (next + size) % users;
    return members;
  });
}

// Rooms of each user (indexes into `members`).
function roomsOfUsers(members, users) {
  const out = Array.from({ length: users }, () => []);
  members.forEach((list, room) => list.forEach((u) => out[u].push(room)));
  return out;
}

// Expected deliveries per message when every user sends at the same rate to one of its rooms
// chosen uniformly: the mean over users of the mean size of their rooms.
function expectedFanout(members, users) {
  const rooms = roomsOfUsers(members, users);
  let sum = 0;
  let counted = 0;
  for (const list of rooms) {
    if (!list.length) continue;
    sum += list.reduce((s, r) => s + members[r].length, 0) / list.length;
    counted++;
  }
  return counted ? sum / counted : 0;
}

// A small deterministic PRNG (mulberry32), so a run's schedule can be replayed from its seed.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

module.exports = { sourceAddress, openFilesLimit, fdPlan, roomSizes, memberships, roomsOfUsers, expectedFanout, rng };
