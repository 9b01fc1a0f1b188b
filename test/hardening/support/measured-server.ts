import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { ensureBuilt, freePort } from '../../helpers/built-server';
import { GENEROUS_LIMITS } from '../../helpers/generous-limits';
import { ADMIN, freshDatabase, TEST_JWT_SECRET } from '../../helpers/test-app';
import { sleep, waitFor } from './chat-traffic';

/**
 * The built server (`node dist/.../main.js`) in a process of its own, so its memory is its own:
 * the attack's clients live in the test process and do not count. RSS is read from /proc.
 */
export interface MeasuredServer {
  url: string;
  child: ChildProcess;
  /** Resident set size of the server process now, in MiB. */
  rssMb(): number;
  /** A sample of /metrics (the first series of that name), or NaN when absent. */
  metric(name: string): Promise<number>;
  /** Whatever the server wrote to stdout/stderr (logs at `warn`). */
  output(): string;
  close(): Promise<void>;
}

export async function startMeasuredServer(env: Record<string, string> = {}): Promise<MeasuredServer> {
  const main = ensureBuilt();
  const db = await freshDatabase();
  const port = await freePort();
  const child = spawn(process.execPath, [main], {
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      NODE_ENV: 'test',
      DATABASE_URL: db.url,
      DATA_DIR: db.dataDir,
      JWT_SECRET: TEST_JWT_SECRET,
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
      ADMIN_EMAIL: ADMIN.email,
      ARGON2_MEMORY_KIB: '1024',
      ARGON2_TIME_COST: '1',
      LOGIN_MAX_FAILURES: '1000',
      LOGIN_MAX_FAILURES_PER_IP: '100000',
      LOG_LEVEL: 'warn',
      LOG_PRETTY: 'false',
      // The per-user abuse limits (posts, DMs, rooms...) are not what these attacks measure: a
      // spec that tests one of them sets it through `env`.
      ...GENEROUS_LIMITS,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (d: Buffer) => {
    out += d.toString();
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (gone) throw new Error(`server exited during startup:\n${out}`);
      return (await fetch(`${url}/health/ready`).catch(() => undefined))?.status === 200;
    },
    'the built server to be ready',
    60_000,
  );
  return {
    url,
    child,
    rssMb: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
    },
    metric: async (name) => {
      const text = await (await fetch(`${url}/metrics`)).text();
      const line = text.split('\n').find((l) => new RegExp(`^${name}(\\{[^}]*\\})? `).test(l));
      return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : NaN;
    },
    output: () => out,
    close: async () => {
      if (!gone) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(killer);
      }
      await db.drop();
    },
  };
}

/** RSS around an attack: a baseline (median of a few samples), the peak while it ran, and after it. */
export class RssProbe {
  readonly samples: number[] = [];
  private timer: NodeJS.Timeout | undefined;
  before = 0;
  peak = 0;
  after = 0;

  constructor(private readonly server: MeasuredServer) {}

  /** Samples a settled baseline, then keeps sampling every 100 ms for the peak. */
  async start(): Promise<void> {
    const baseline: number[] = [];
    for (let i = 0; i < 5; i++) {
      baseline.push(this.server.rssMb());
      await sleep(100);
    }
    this.before = baseline.sort((a, b) => a - b)[2];
    this.peak = this.before;
    this.timer = setInterval(() => {
      const rss = this.server.rssMb();
      this.samples.push(rss);
      this.peak = Math.max(this.peak, rss);
    }, 100);
  }

  /** Stops sampling; `after` is read once the attack's sockets had a moment to go. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await sleep(1000);
    this.after = this.server.rssMb();
    this.peak = Math.max(this.peak, this.after);
  }

  /** The figures for the summary (MiB, one decimal). */
  notes(): Record<string, string> {
    return {
      rssBeforeMb: this.before.toFixed(1),
      rssPeakMb: this.peak.toFixed(1),
      rssAfterMb: this.after.toFixed(1),
    };
  }
}

/**
 * A lean raw STOMP client for floods: counts frames by command and keeps only what the test reads
 * (receipt ids, the ERROR message, `ack` headers when asked), never the bodies, so thousands of
 * deliveries cost the test process little. Sends wait for the socket to take the bytes.
 */
export class LeanStomp {
  readonly counts: Record<string, number> = {};
  readonly receipts = new Set<string>();
  readonly acks: string[] = [];
  error: string | undefined;
  closed = false;
  private constructor(
    private readonly ws: WebSocket,
    private readonly keepAcks: boolean,
  ) {}

  /** Opens a socket and CONNECTs: the client when CONNECTED, or the ERROR message when refused. */
  static async connect(
    url: string,
    token: string,
    options: { keepAcks?: boolean } = {},
  ): Promise<LeanStomp | { refused: string }> {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws/chat/websocket`, ['v12.stomp']);
    const client = new LeanStomp(ws, options.keepAcks ?? false);
    ws.on('message', (data: Buffer) => client.receive(data));
    ws.on('close', () => (client.closed = true));
    ws.on('error', () => (client.closed = true));
    await new Promise<void>((resolve) => {
      ws.once('open', () => resolve());
      ws.once('close', () => resolve());
    });
    if (client.closed) return { refused: 'socket closed' };
    ws.send(`CONNECT\naccept-version:1.2\nhost:localhost\nX-Auth-Token:${token}\nheart-beat:0,0\n\n\0`);
    await client.until(() => !!client.counts.CONNECTED || client.closed, 'CONNECT answer');
    if (!client.counts.CONNECTED) {
      await client.until(() => client.closed, 'the refused socket to close');
      return { refused: client.error ?? 'closed' };
    }
    return client;
  }

  private receive(data: Buffer): void {
    for (const frame of data.toString('utf8').split('\0')) {
      const text = frame.replace(/^\n+/, '');
      if (!text) continue;
      const end = text.indexOf('\n\n');
      const head = (end < 0 ? text : text.slice(0, end)).split('\n');
      const command = head[0];
      this.counts[command] = (this.counts[command] ?? 0) + 1;
      const header = (name: string) => head.find((l) => l.startsWith(`${name}:`))?.slice(name.length + 1);
      if (command === 'RECEIPT') this.receipts.add(header('receipt-id') ?? '');
      else if (command === 'ERROR') this.error ??= header('message');
      else if (command === 'MESSAGE' && this.keepAcks) {
        const ack = header('ack');
        if (ack) this.acks.push(ack);
      }
    }
  }

  /** Writes raw frames; resolves once the socket took them (false when it is closed). */
  send(frames: string): Promise<boolean> {
    if (this.closed || this.ws.readyState !== WebSocket.OPEN) return Promise.resolve(false);
    return new Promise((resolve) => this.ws.send(frames, (err) => resolve(!err)));
  }

  /** Sends `frames` then an UNSUBSCRIBE probe with a receipt: true once the server processed them all. */
  async sendAndSync(frames: string, probe: string): Promise<boolean> {
    if (!(await this.send(`${frames}UNSUBSCRIBE\nid:probe\nreceipt:${probe}\n\n\0`))) return false;
    await this.until(() => this.receipts.has(probe) || this.closed, `receipt ${probe}`, 30_000);
    return this.receipts.has(probe);
  }

  async until(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(10);
    }
  }

  close(): void {
    this.ws.terminate();
    this.closed = true;
  }
}
