'use strict';
// Workload definitions (full size, and the tiny --smoke size).
// kind 'load': subscribers + publishers; 'idle': idle subscribed connections;
// In --smoke, `smoke.targets` narrows the targets (every adapter still runs in
// F1) so the whole smoke run stays under a minute.
// 'baseline': a non-chat reference measured in the same run; 'extra': H1/H2/R1/X1,
// run by bench/lib/extra.js (they start our server themselves and return all their rows).
const PEERS = ['ws', 'ws-frame', 'socketio', 'rabbitmq'];

// Scale knobs of the long rows (full runs only; --smoke uses its own tiny sizes).
const env = (name, dflt) => (process.env[name] !== undefined && process.env[name] !== '' ? Number(process.env[name]) : dflt);
const M1_DURATION_MS = env('BENCH_M1_DURATION_S', 600) * 1000;

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
  C2: {
    title: `${env('BENCH_C2_CONNS', 50000).toLocaleString('en-US')} idle subscribed connections (500 rooms) from several loopback addresses, heart-beats on (STOMP 10s/10s; ws ping 25s)`,
    kind: 'idle',
    targets: ['ws', 'server'],
    rooms: 500,
    conns: env('BENCH_C2_CONNS', 50000),
    perAddress: 20000, // connections per source address (127.0.0.2, 127.0.0.3, ...): below one address's ephemeral ports
    workers: 4,
    heartbeat: [10000, 10000],
    settleMs: 5000,
    idleMs: 30000, // three rounds of 10 s heart-beats
    connectTimeoutMs: 600000,
    pairTimeoutMs: 900000,
    // the bench's own lift of the per-address and global socket caps (the server's defaults are
    // 20,000 STOMP sessions and 256 HTTP sockets per address, 10,000 sockets in all; the global cap
    // is lowered to what the open-files limit allows anyway)
    serverEnv: { STOMP_MAX_SESSIONS_PER_IP: '10000000', HTTP_MAX_CONNECTIONS_PER_IP: '1000000', HTTP_MAX_CONNECTIONS: '1000000' },
    smoke: { conns: 40, rooms: 4, perAddress: 20, workers: 2, settleMs: 300, idleMs: 1200 },
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
    targets: ['mysql-single-insert', 'mysql-single-insert-chat-table', 'server'],
    rooms: 1000,
    members: 2, // every member publishes and subscribes
    mode: 'max',
    window: 2,
    completion: 'receipt',
    warmupMs: 2000,
    durationMs: 10000,
    smoke: { rooms: 10, warmupMs: 300, durationMs: 1000 },
  },
  M1: {
    title: 'a realistic mix: users in rooms of 2-200 members, a message per user every ~20 s (typing first), read markers, reactions, presence churn, vs the raw ws peer broadcasting the same message rate to one room (the ceiling)',
    kind: 'extra',
    run: 'runM1',
    targets: ['server', 'ws'],
    users: env('BENCH_M1_USERS', 5000),
    rooms: env('BENCH_M1_ROOMS', 500),
    minMembers: 2,
    maxMembers: 200,
    messageIntervalMs: env('BENCH_M1_INTERVAL_MS', 20000),
    typingLeadMs: 1500, // typing indicator, then the message
    // Read markers move as the web client moves them (apps/chat-server/web/src/controllers/read.ts):
    // in the open room only, while the page is visible, batched. A user's page is visible with
    // this probability (drawn again at each of its sends); a message arriving in its open room
    // then moves the marker 1-3 s later (one pending at a time). Before a send the user opens
    // another of its rooms with switchProb, which reads that room to its newest message.
    visibleProb: 0.3,
    switchProb: 0.3,
    readDelayMs: [1000, 3000],
    reactProb: 0.02, // a received message gets a reaction
    churnPerHour: env('BENCH_M1_CHURN_PER_HOUR', 2), // each user leaves this often (exponential), and comes back
    awayMs: [5000, 30000],
    workers: 2,
    settleMs: 5000,
    warmupMs: 30000,
    durationMs: M1_DURATION_MS,
    drainMs: 15000,
    ceilingDurationMs: Math.min(60000, M1_DURATION_MS),
    timeoutMs: M1_DURATION_MS + 1800000, // set-up of 5,000 users and 500 rooms over REST, then the run, then the ceiling
    smoke: {
      users: 24,
      rooms: 6,
      maxMembers: 12,
      messageIntervalMs: 1000,
      typingLeadMs: 100,
      readDelayMs: [100, 300],
      churnPerHour: 300,
      awayMs: [300, 800],
      settleMs: 300,
      warmupMs: 500,
      durationMs: 3500,
      drainMs: 3000,
      ceilingDurationMs: 1500,
      timeoutMs: 90000,
    },
  },
  H1: {
    title: 'history page by cursor (before=<random id>, size 50) in a room of 10k vs a room of 1M messages (REST with JWT; also the SQL alone)',
    kind: 'extra',
    run: 'runH1',
    targets: ['server'],
    small: 10000,
    big: 1000000,
    warmup: 100,
    requests: 600,
    smoke: { small: 1000, big: 10000, warmup: 5, requests: 30 },
  },
  H2: {
    title: 'message search (a word in 50 messages; 100 rooms, the searcher in 10) at 10k vs 1M messages (REST with JWT; also the SQL alone) vs the same query with LIKE (peer)',
    kind: 'extra',
    run: 'runH2',
    targets: ['server'],
    small: 10000,
    big: 1000000,
    needles: 50,
    size: 20,
    warmup: 10,
    requests: 100,
    likeEvery: 5, // the LIKE peer scans: 20 samples
    timeoutMs: 1800000, // seeding and indexing a million messages, then the peer's scans
    rooms: 100,
    searcherRooms: 10,
    smoke: { small: 1000, big: 4000, needles: 10, warmup: 2, requests: 10, likeEvery: 2, rooms: 20, searcherRooms: 4, timeoutMs: 120000 },
  },
  U1: {
    title: 'unread summary (GET /api/v1/rooms/unread) of a user in 100 rooms holding 10k vs 1M messages in all, 20 unread per room either way',
    kind: 'extra',
    run: 'runU1',
    targets: ['server'],
    rooms: 100,
    unread: 20,
    small: 10000,
    big: 1000000,
    warmup: 50,
    requests: 300,
    smoke: { rooms: 10, small: 1000, big: 10000, warmup: 3, requests: 20 },
  },
  R1: {
    title: 'REST GET /api/v1/messages/room/{id}?size=50 with JWT vs a bare Fastify route doing the same SQL (autocannon, 16 connections)',
    kind: 'extra',
    run: 'runR1',
    targets: ['server', 'fastify-bare'],
    messages: 10000,
    connections: 16,
    durationSec: 15,
    warmupSec: 5,
    smoke: { messages: 1000, durationSec: 1, warmupSec: 1 },
  },
  A1: {
    title: 'attachments: download of a 5 MiB attachment with JWT vs @fastify/static, upload of the same bytes vs a bare Fastify multipart route (autocannon, 4 connections)',
    kind: 'extra',
    run: 'runA1',
    targets: ['server', 'fastify-static', 'fastify-multipart'],
    fileBytes: 5 * 1024 * 1024,
    connections: 4,
    durationSec: 5,
    smoke: { fileBytes: 256 * 1024, durationSec: 1 },
  },
  X1: {
    title: 'F2 (100 subscribers, 4 publishers, window 8) on 2 instances + Redis (publishers on A, subscribers spread over A and B) vs 1 instance',
    kind: 'extra',
    run: 'runX1',
    targets: ['server', 'server-2x-redis'],
    subs: 100,
    pubs: 4,
    window: 8,
    warmupMs: 2000,
    durationMs: 10000,
    smoke: { subs: 10, pubs: 2, warmupMs: 300, durationMs: 1000 },
  },
};

module.exports = { workloads, PEERS };
