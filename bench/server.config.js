'use strict';
// ---------------------------------------------------------------------------
// How the harness starts and talks to OUR server. This is the only file to
// touch when the server's start command, env or API changes. Every value can
// be overridden by an environment variable (BENCH_SERVER_*), see README.
// ---------------------------------------------------------------------------
const fs = require('fs');
const path = require('path');
const http = require('http');
const { spawn } = require('child_process');
const { track, killChild, freePort, waitTcp } = require('./lib/procs');

const ROOT = path.resolve(__dirname, '..');
const env = process.env;

const config = {
  // the built server; missing -> every server row is "skipped: server not built"
  entry: path.resolve(ROOT, env.BENCH_SERVER_ENTRY || 'dist/apps/chat-server/src/main.js'),
  // MariaDB: a fresh database is (re)created for every server start
  mysqlUrl: env.BENCH_MYSQL_URL || 'mysql://root@127.0.0.1:3306',
  database: env.BENCH_SERVER_DB || 'chat_bench',
  jwtSecret: env.BENCH_JWT_SECRET || 'bench-jwt-secret-0123456789abcdef0123456789abcdef',
  // extra env for the server, JSON object, e.g. '{"LOG_LEVEL":"warn"}'
  extraEnv: env.BENCH_SERVER_ENV ? JSON.parse(env.BENCH_SERVER_ENV) : {},
  // node flags for the server process, e.g. BENCH_SERVER_NODE_ARGS='--cpu-prof --cpu-prof-dir=bench/out/prof'
  // (the profile is written when the server exits on the harness's SIGTERM)
  nodeArgs: env.BENCH_SERVER_NODE_ARGS ? env.BENCH_SERVER_NODE_ARGS.split(' ').filter(Boolean) : [],
  startTimeoutMs: Number(env.BENCH_SERVER_START_TIMEOUT_MS || 60000),
  // STOMP endpoint shape
  wsPath: env.BENCH_SERVER_WS_PATH || '/ws/chat/websocket', // raw WebSocket endpoint
  sockjsPath: env.BENCH_SERVER_SOCKJS_PATH || '/ws/chat', // SockJS endpoint (…/<server>/<session>/websocket)
  subDest: '/topic/rooms/{room}',
  sendDest: '/app/chat.sendMessage',
  tokenHeader: 'X-Auth-Token', // CONNECT header carrying the JWT
  // WebSocket subprotocols offered on the raw endpoint (ws fails the handshake
  // if some are offered and the server selects none), e.g. 'v12.stomp,v11.stomp'
  wsProtocols: env.BENCH_SERVER_WS_PROTOCOLS ? env.BENCH_SERVER_WS_PROTOCOLS.split(',') : [],
  // REST API
  api: '/api/v1',
  users: Number(env.BENCH_SERVER_USERS || 20), // users created per run; connections reuse them round-robin
  password: 'Bench-pass-123!',
};

function available() {
  if (!fs.existsSync(config.entry)) return { ok: false, reason: `server not built (${path.relative(ROOT, config.entry)} missing; run npm run build)` };
  return { ok: true };
}

async function recreateDatabase() {
  const mysql = require('mysql2/promise');
  const c = await mysql.createConnection(config.mysqlUrl);
  try {
    await c.query(`DROP DATABASE IF EXISTS \`${config.database}\``);
    await c.query(`CREATE DATABASE \`${config.database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await c.end();
  }
}

function serverEnv(port, ctx) {
  const e = {
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: `${config.mysqlUrl}/${config.database}`,
    JWT_SECRET: config.jwtSecret,
    LOGIN_MAX_FAILURES: '1000000',
    LOGIN_MAX_FAILURES_PER_IP: '10000000',
    STOMP_MAX_SESSIONS_PER_IP: '1000000', // C1 opens 10,000 sessions from 127.0.0.1
    // C1/C2 spread their sessions over the bench users (500+ each): the per-user cap (20) is for people.
    STOMP_MAX_SESSIONS_PER_USER: '100000',
    // F1/P1 measure the broker, not the per-user abuse limits (README "Configuration"): a bench
    // user sends far past 10 messages a second, and every client is 127.0.0.1.
    ...Object.fromEntries(
      ['REGISTER', 'LOGIN', 'POST', 'DM_OPEN', 'ROOM_CREATE', 'NOTIFY', 'NOTIFY_PAIR'].flatMap((name) => [
        [`${name}_RATE_PER_MINUTE`, '100000000'],
        [`${name}_BURST`, '100000000'],
      ]),
    ),
    LOGIN_MAX_FAILURES_PER_ACCOUNT: '1000000',
    // Every bench client is 127.0.0.1: the per-address socket cap (256 by default) would refuse
    // most of C1's 10,000 sockets, and the global cap (10,000) the last few.
    HTTP_MAX_CONNECTIONS_PER_IP: '1000000',
    HTTP_MAX_CONNECTIONS: '15000',
    LOG_LEVEL: 'warn',
    // logins are set-up, not measured: cheap password hashing keeps server starts short
    ARGON2_MEMORY_KIB: '1024',
    ARGON2_TIME_COST: '1',
    ...config.extraEnv,
  };
  if (ctx.redisUrl) e.REDIS_URL = ctx.redisUrl;
  return { ...e, ...(ctx.env || {}) };
}

// ---- REST helpers (keep-alive, loopback only) ----
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
function request(port, method, p, body, token) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? null : Buffer.from(JSON.stringify(body));
    const headers = { accept: 'application/json' };
    if (data) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = data.length;
    }
    if (token) headers.authorization = `Bearer ${token}`;
    const req = http.request({ host: '127.0.0.1', port, method, path: p, headers, agent, timeout: 30000 }, (res) => {
      let s = '';
      res.on('data', (d) => (s += d));
      res.on('end', () => {
        let json = null;
        try {
          json = s ? JSON.parse(s) : null;
        } catch {
          /* not json */
        }
        resolve({ status: res.statusCode, json, text: s });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${p}: timeout`)));
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

function expect(r, codes, what) {
  if (!codes.includes(r.status)) throw new Error(`${what}: HTTP ${r.status} ${r.text.slice(0, 300)}`);
  return r.json;
}

function jwtClaims(token) {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
  } catch {
    return {};
  }
}

async function pool(n, items, fn) {
  let i = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (i < items.length) {
        const k = i++;
        await fn(items[k], k);
      }
    }),
  );
}

// Creates `users` users (register + login; at most config.users unless `uncapped`) and `rooms`
// PUBLIC rooms created by user 0, with every user added as a member of every room; or, with
// `members` (M1: user indexes per room), room i created by its first member with exactly those.
// Returns { users: [{ id, token, username }], roomIds: [..] }.
async function prepare(port, { rooms, users, members = undefined, uncapped = false }) {
  const api = config.api;
  const tag = Date.now().toString(36);
  const nUsers = Math.max(1, uncapped ? users : Math.min(users, config.users));
  const list = [];
  await pool(4, Array.from({ length: nUsers }, (_, i) => i), async (i) => {
    const username = `bench_${tag}_${i}`;
    const email = `${username}@bench.local`;
    const reg = expect(await request(port, 'POST', `${api}/auth/register`, { username, email, password: config.password }), [200, 201], 'register');
    const login = expect(await request(port, 'POST', `${api}/auth/login`, { usernameOrEmail: username, password: config.password }), [200, 201], 'login');
    const token = login.token || login.accessToken || login.access_token;
    if (!token) throw new Error(`login: no token in ${JSON.stringify(login).slice(0, 200)}`);
    const claims = jwtClaims(token);
    const id = (reg && (reg.id || (reg.user && reg.user.id))) || (login.user && login.user.id) || claims.sub || claims.userId || claims.id;
    if (id === undefined) throw new Error('cannot find the user id (register body id/user.id, login user.id or JWT sub)');
    list[i] = { id, token, username };
  });
  const roomIds = [];
  await pool(8, Array.from({ length: rooms }, (_, i) => i), async (i) => {
    const owner = list[members ? members[i][0] : 0];
    const r = expect(await request(port, 'POST', `${api}/rooms`, { name: `bench-${tag}-${i}`, type: 'PUBLIC' }, owner.token), [200, 201], 'create room');
    roomIds[i] = r.id;
  });
  const adds = [];
  roomIds.forEach((rid, i) => {
    const owner = members ? members[i][0] : 0;
    for (const u of members ? members[i].slice(1) : list.keys()) if (u !== owner) adds.push([rid, list[u].id, list[owner].token]);
  });
  await pool(8, adds, async ([rid, uid, token]) => {
    expect(await request(port, 'POST', `${api}/rooms/${rid}/members/${uid}`, undefined, token), [200, 201, 204, 409], 'add member');
  });
  return { users: list, roomIds };
}

// ctx: { transport: 'ws'|'sockjs'|'sockjs-client', heartbeat, redisUrl, completion }
async function start(ctx) {
  const a = available();
  if (!a.ok) return { skipped: a.reason };
  try {
    // ctx.keepDatabase: a second instance on the database the first one created (X1)
    if (!ctx.keepDatabase) await recreateDatabase();
  } catch (e) {
    return { skipped: `MariaDB not usable at ${config.mysqlUrl}: ${e.message}` };
  }
  const port = await freePort();
  const cp = track(
    spawn(process.execPath, [...config.nodeArgs, config.entry], { cwd: ROOT, env: { ...process.env, ...serverEnv(port, ctx) }, stdio: ['ignore', 'ignore', 'pipe'] }),
    'our-server',
  );
  let stderr = '';
  cp.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  try {
    await Promise.race([
      waitTcp(port, config.startTimeoutMs),
      new Promise((_, rej) => cp.once('exit', (c) => rej(new Error(`server exited with ${c}: ${stderr.slice(-800)}`)))),
    ]);
  } catch (e) {
    await killChild(cp);
    return { skipped: `server did not start: ${e.message}` };
  }
  const base = `ws://127.0.0.1:${port}`;
  const sockjs = ctx.transport === 'sockjs' || ctx.transport === 'sockjs-client';
  return {
    pid: cp.pid,
    port,
    stop: () => killChild(cp),
    prepare: (needs) => prepare(port, needs),
    spec: {
      kind: 'stomp',
      transport: ctx.transport || 'ws',
      url: ctx.transport === 'sockjs-client' ? `http://127.0.0.1:${port}${config.sockjsPath}` : sockjs ? `${base}${config.sockjsPath}` : `${base}${config.wsPath}`,
      protocols: sockjs ? [] : config.wsProtocols,
      host: '127.0.0.1',
      tokenHeader: config.tokenHeader,
      subDest: config.subDest,
      sendDest: config.sendDest,
      bodyShape: 'app', // SEND body {roomId, content}
      subscribeReceipt: true,
      heartbeat: ctx.heartbeat || [0, 0],
    },
    stderrTail: () => stderr,
  };
}

module.exports = { config, available, start, prepare, request, databaseUrl: () => `${config.mysqlUrl}/${config.database}` };
