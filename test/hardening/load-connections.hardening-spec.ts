import { request as httpRequest } from 'node:http';
import { connect, Socket } from 'node:net';
import { createUser, TestUser } from '../factories/users';
import { startTestApp, TestApp } from '../helpers/test-app';
import { recordHardening } from './summary';
import { median, sleep, waitFor } from './support/chat-traffic';

const PER_ADDRESS = 50;
const MAX_CONNECTIONS = 200;
const HEADERS_TIMEOUT_MS = 1500;
const REQUEST_TIMEOUT_MS = 3000;
const KEEP_ALIVE_TIMEOUT_MS = 1000;
/** Idle sockets of the one-address flood: 12x the per-address cap. */
const FLOOD = 600;
/** Addresses of the many-address flood, each opening the per-address cap: 2x the global cap. */
const FLOOD_ADDRESSES = 8;

const ATTACKER = '127.0.0.1';
const BYSTANDER = '127.0.0.2';
const SLOW = '127.0.0.3';

/** A raw TCP socket from `localAddress` that records how it ended. */
interface Probe {
  socket: Socket;
  opened: boolean;
  closed: boolean;
  received: string;
}

function open(port: number, localAddress: string): Promise<Probe> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress });
    const probe: Probe = { socket, opened: false, closed: false, received: '' };
    socket.on('connect', () => {
      probe.opened = true;
      resolve(probe);
    });
    socket.on('data', (chunk: Buffer) => (probe.received += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      probe.closed = true;
      resolve(probe);
    });
  });
}

/** One HTTP exchange from `localAddress`, on a socket of its own; status 0 when it failed. */
function exchange(
  port: number,
  localAddress: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; ms: number; text: string }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        localAddress,
        method,
        path,
        agent: false,
        timeout: 15_000,
        headers: payload
          ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
          : {},
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started, text }));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve({ status: 0, ms: performance.now() - started, text: '' }));
    req.end(payload);
  });
}

/** `/health` and a login from the bystander's address, `rounds` times: statuses and median latency. */
async function bystander(port: number, user: TestUser, rounds: number) {
  const health: number[] = [];
  const logins: number[] = [];
  const statuses: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const h = await exchange(port, BYSTANDER, 'GET', '/health');
    const l = await exchange(port, BYSTANDER, 'POST', '/api/v1/auth/login', {
      usernameOrEmail: user.username,
      password: user.password,
    });
    statuses.push(h.status, l.status);
    health.push(h.ms);
    logins.push(l.ms);
  }
  return {
    statuses,
    healthMs: Math.round(median(health) * 10) / 10,
    loginMs: Math.round(median(logins) * 10) / 10,
  };
}

/** A gauge or counter of /metrics, read from the bystander's address. */
async function metric(port: number, series: string): Promise<number> {
  const { text } = await exchange(port, BYSTANDER, 'GET', '/metrics');
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.split(' ')[1]) : NaN;
}

const rssMiB = () => Math.round(process.memoryUsage().rss / 1048576);

/**
 * Floods of TCP connections that send nothing (or a byte now and then): the sockets one address
 * holds stay under HTTP_MAX_CONNECTIONS_PER_IP, all addresses together under HTTP_MAX_CONNECTIONS,
 * and every silent socket is closed once HTTP_HEADERS_TIMEOUT_MS is over; another address keeps
 * getting /health and its login answered throughout.
 */
describe('load: connection floods', () => {
  let t: TestApp;
  let user: TestUser;
  const probes: Probe[] = [];

  beforeAll(async () => {
    t = await startTestApp({
      HTTP_MAX_CONNECTIONS_PER_IP: String(PER_ADDRESS),
      HTTP_MAX_CONNECTIONS: String(MAX_CONNECTIONS),
      HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
      HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      HTTP_KEEP_ALIVE_TIMEOUT_MS: String(KEEP_ALIVE_TIMEOUT_MS),
    });
    // Registered from the test's own address before the floods (it needs a few sockets).
    user = await createUser(t);
  });

  afterAll(async () => {
    for (const p of probes) p.socket.destroy();
    await t?.close();
  });

  it('holds at most the per-address cap of idle sockets from one address, closes them on time, and serves another address', async () => {
    const baseline = await bystander(t.port, user, 10);
    const rssBefore = rssMiB();

    const flood = await Promise.all(Array.from({ length: FLOOD }, () => open(t.port, ATTACKER)));
    probes.push(...flood);
    // The server closes what is over the cap at once; what it holds waits for the header timeout.
    await waitFor(
      () => flood.filter((p) => !p.closed).length <= PER_ADDRESS,
      'the flood to be cut to the cap',
      10_000,
    );
    const heldDuring = flood.filter((p) => !p.closed).length;
    const openDuring = await metric(t.port, 'http_connections');
    const during = await bystander(t.port, user, 10);
    const rssDuring = rssMiB();

    await waitFor(() => flood.every((p) => p.closed), 'every idle socket to be closed', 15_000);
    const timedOut = flood.filter((p) => p.received.startsWith('HTTP/1.1 408')).length;
    await sleep(200);
    const openAfter = await metric(t.port, 'http_connections');
    const refused = await metric(t.port, 'http_connections_refused_total{reason="per_address"}');
    const after = await bystander(t.port, user, 5);

    recordHardening('load-connections-one-address', {
      faultsInjected: 1,
      faultsSurvived: [...during.statuses, ...after.statuses].every((s) => s === 200) ? 1 : 0,
      notes: {
        idleSockets: FLOOD,
        perAddressCap: PER_ADDRESS,
        heldDuring,
        serverOpenDuring: openDuring,
        refusedPerAddress: refused,
        closed408: timedOut,
        serverOpenAfter: openAfter,
        bystanderHealthMs: `${baseline.healthMs} -> ${during.healthMs}`,
        bystanderLoginMs: `${baseline.loginMs} -> ${during.loginMs}`,
        rssMiB: `${rssBefore} -> ${rssDuring} -> ${rssMiB()}`,
      },
    });

    // The bound: never more than the cap held for one address (the bystander's own request
    // sockets are the only others on the server).
    expect(heldDuring).toBeLessThanOrEqual(PER_ADDRESS);
    expect(openDuring).toBeLessThanOrEqual(PER_ADDRESS + 1);
    expect(refused).toBeGreaterThanOrEqual(FLOOD - PER_ADDRESS);
    // The silent ones it held were closed by the header timeout, with a 408.
    expect(timedOut).toBeGreaterThan(0);
    expect(openAfter).toBeLessThanOrEqual(1);
    // The other address was served all along.
    expect(during.statuses.filter((s) => s !== 200)).toEqual([]);
    expect(after.statuses.filter((s) => s !== 200)).toEqual([]);
  });

  it('closes sockets that trickle their headers or body at the header and request timeouts', async () => {
    const trickleHeaders = await Promise.all(Array.from({ length: 10 }, () => open(t.port, SLOW)));
    const trickleBody = await Promise.all(Array.from({ length: 10 }, () => open(t.port, SLOW)));
    probes.push(...trickleHeaders, ...trickleBody);
    for (const p of trickleHeaders) p.socket.write('GET /health HTTP/1.1\r\nHost: x\r\n');
    for (const p of trickleBody)
      p.socket.write(
        `POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{`,
      );
    // One byte every 300 ms: each socket is never idle for long, yet never finishes.
    let trickling = true;
    const trickle = (async () => {
      while (trickling) {
        for (const p of trickleHeaders) if (!p.closed) p.socket.write('X');
        for (const p of trickleBody) if (!p.closed) p.socket.write(' ');
        await sleep(300);
      }
    })();
    const served = await bystander(t.port, user, 3);
    await waitFor(
      () => [...trickleHeaders, ...trickleBody].every((p) => p.closed),
      'every trickling socket to close',
      15_000,
    );
    trickling = false;
    await trickle;

    recordHardening('load-connections-slow-requests', {
      faultsInjected: 1,
      faultsSurvived: served.statuses.every((s) => s === 200) ? 1 : 0,
      notes: {
        trickledHeaders: trickleHeaders.length,
        trickledBodies: trickleBody.length,
        headersTimeoutMs: HEADERS_TIMEOUT_MS,
        requestTimeoutMs: REQUEST_TIMEOUT_MS,
        closed408: [...trickleHeaders, ...trickleBody].filter((p) => p.received.startsWith('HTTP/1.1 408'))
          .length,
      },
    });
    expect([...trickleHeaders, ...trickleBody].filter((p) => !p.received.startsWith('HTTP/1.1 408'))).toEqual(
      [],
    );
    expect(served.statuses.filter((s) => s !== 200)).toEqual([]);
  });

  it('closes a kept-alive socket that stays silent after its answer at the keep-alive timeout', async () => {
    const kept = await Promise.all(Array.from({ length: 10 }, () => open(t.port, SLOW)));
    probes.push(...kept);
    for (const p of kept) p.socket.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
    await waitFor(() => kept.every((p) => p.received.includes('"status":"ok"')), 'every answer', 10_000);
    await waitFor(() => kept.every((p) => p.closed), 'every kept-alive socket to close', 10_000);
    recordHardening('load-connections-keep-alive', {
      notes: {
        keptAlive: kept.length,
        keepAliveTimeoutMs: KEEP_ALIVE_TIMEOUT_MS,
        closed: kept.filter((p) => p.closed).length,
      },
    });
    // One answer each, then a plain close (no 408: the request was complete).
    expect(kept.filter((p) => (p.received.match(/HTTP\/1\.1 /g) ?? []).length !== 1)).toEqual([]);
  });

  it('holds at most HTTP_MAX_CONNECTIONS sockets in all when many addresses flood, and recovers', async () => {
    const rssBefore = rssMiB();
    const floods = await Promise.all(
      Array.from({ length: FLOOD_ADDRESSES }, (_, i) =>
        Promise.all(Array.from({ length: PER_ADDRESS }, () => open(t.port, `127.0.0.${10 + i}`))),
      ),
    );
    const all = floods.flat();
    probes.push(...all);
    await waitFor(
      () => all.filter((p) => !p.closed).length <= MAX_CONNECTIONS,
      'the floods to be cut to the cap',
      10_000,
    );
    const heldDuring = all.filter((p) => !p.closed).length;
    const rssDuring = rssMiB();
    await waitFor(() => all.every((p) => p.closed), 'every idle socket to be closed', 15_000);
    await sleep(200);
    const refused = await metric(t.port, 'http_connections_refused_total{reason="max_connections"}');
    const after = await bystander(t.port, user, 5);

    recordHardening('load-connections-many-addresses', {
      faultsInjected: 1,
      faultsSurvived: after.statuses.every((s) => s === 200) ? 1 : 0,
      notes: {
        addresses: FLOOD_ADDRESSES,
        idleSockets: all.length,
        maxConnections: MAX_CONNECTIONS,
        heldDuring,
        refusedMaxConnections: refused,
        bystanderAfterHealthMs: after.healthMs,
        rssMiB: `${rssBefore} -> ${rssDuring} -> ${rssMiB()}`,
      },
    });
    expect(heldDuring).toBeLessThanOrEqual(MAX_CONNECTIONS);
    expect(refused).toBeGreaterThanOrEqual(all.length - MAX_CONNECTIONS);
    expect(after.statuses.filter((s) => s !== 200)).toEqual([]);
  });
});
