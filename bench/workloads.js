'use strict';
// Workload definitions (full size, and the tiny --smoke size).
// kind 'load': subscribers + publishers; 'idle': idle subscribed connections;
// In --smoke, `smoke.targets` narrows the targets (every adapter still runs in
// F1) so the whole smoke run stays under a minute.
// 'baseline': a non-chat reference measured in the same run; 'todo': needs our
// server's schema/API beyond chat and is not implemented yet.
const PEERS = ['ws', 'ws-frame', 'socketio', 'rabbitmq'];

const workloads = {
  F1: {
    title: '1 room, 1000 subscribers, 1 publisher at max rate (window 8, completion = own copy)',
    kind: 'load',
    targets: [...PEERS, 'server'],
    rooms: 1,
    subs: 1000,
    pubs: 1,
    mode: 'max',
    window: 8,
    warmupMs: 2000,
    durationMs: 10000,
    smoke: { subs: 20, warmupMs: 300, durationMs: 1000 },
  },
  F2: {
    title: '1 room, 100 subscribers, 4 publishers at max rate (window 8 each)',
    kind: 'load',
    targets: [...PEERS, 'server'],
    rooms: 1,
    subs: 100,
    pubs: 4,
    mode: 'max',
    window: 8,
    warmupMs: 2000,
    durationMs: 10000,
    smoke: { subs: 10, pubs: 2, warmupMs: 300, durationMs: 1000, targets: ['ws'] },
  },
  L1: {
    title: '1000 subscribers, 1 publisher open loop at 10 msg/s (10k deliveries/s)',
    kind: 'load',
    targets: [...PEERS, 'server'],
    rooms: 1,
    subs: 1000,
    pubs: 1,
    mode: 'rate',
    rate: 10,
    warmupMs: 3000,
    durationMs: 33000,
    smoke: { subs: 20, warmupMs: 300, durationMs: 1000, targets: ['socketio'] },
  },
  C1: {
    title: '10,000 idle subscribed connections (100 rooms), heart-beats on (STOMP 10s/10s; ws ping 25s; socket.io ping 25s)',
    kind: 'idle',
    targets: [...PEERS, 'server'],
    rooms: 100,
    conns: 10000,
    heartbeat: [10000, 10000],
    settleMs: 3000,
    idleMs: 15000,
    smoke: { conns: 40, rooms: 4, settleMs: 300, idleMs: 1200, targets: ['ws', 'rabbitmq', 'server'] },
  },
  S1: {
    title: 'F1 over SockJS (websocket transport) vs raw /websocket, our server',
    kind: 'load',
    targets: ['server', 'server-sockjs'],
    rooms: 1,
    subs: 1000,
    pubs: 1,
    mode: 'max',
    window: 8,
    warmupMs: 2000,
    durationMs: 10000,
    smoke: { subs: 20, warmupMs: 300, durationMs: 1000 },
  },
  P1: {
    title: '1000 rooms x 2 members, all sending at max rate (window 2, completion = RECEIPT after commit)',
    kind: 'load',
    targets: ['mysql-single-insert', 'server'],
    rooms: 1000,
    members: 2, // every member publishes and subscribes
    mode: 'max',
    window: 2,
    completion: 'receipt',
    warmupMs: 2000,
    durationMs: 10000,
    smoke: { rooms: 10, warmupMs: 300, durationMs: 1000 },
  },
  H1: { title: 'history page by cursor at 10k vs 1M messages in a room', kind: 'todo', targets: ['server'] },
  R1: { title: 'REST GET history page with JWT vs a bare Fastify route doing the same query', kind: 'todo', targets: ['server'] },
  X1: { title: 'F2 on 2 instances with Redis vs 1 instance', kind: 'todo', targets: ['server'] },
};

module.exports = { workloads, PEERS };
