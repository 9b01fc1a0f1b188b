import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { ensureBuilt, freePort } from '../../helpers/built-server';
import { GENEROUS_LIMITS } from '../../helpers/generous-limits';
import { ADMIN, freshDatabase, TEST_JWT_SECRET } from '../../helpers/test-app';
import { sleep, waitFor } from './chat-traffic';
import { rawHttp, sockjsSession, xhrSend } from './sockjs-raw';

/**
 * The built server (`node dist/.../main.js`) in a process of its own, so its memory is its own:
 * the attack's clients live in the test process and do not count. RSS is read from /proc.
 */
export interface MeasuredServer {
  url: string;
  child: ChildProcess;
  /** Resident set size of the server process now, in MiB. */
  rssMb(): number;
  /** CPU time the server process used so far (user + system), in ms. */
  cpuMs(): number;
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
    cpuMs: () => {
      // Fields 14 and 15 of /proc/<pid>/stat (after the command name), in clock ticks of 10 ms.
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12])) * 10;
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
 * What a lean client keeps of the frames it receives: counts by command, receipt ids, the ERROR
 * message, `ack` headers when asked; never the bodies, so thousands of deliveries cost the test
 * process little.
 */
abstract class LeanFrames {
  readonly counts: Record<string, number> = {};
  readonly receipts = new Set<string>();
  readonly acks: string[] = [];
  error: string | undefined;
  closed = false;

  constructor(private readonly keepAcks: boolean) {}

  /** Takes text holding whole STOMP frames. */
  protected receive(data: string): void {
    for (const frame of data.split('\0')) {
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

  /** CONNECTs with `token`: true when CONNECTED, else (the ERROR kept) once the session closed. */
  protected async connected(token: string): Promise<boolean> {
    await this.send(
      `CONNECT\naccept-version:1.2\nhost:localhost\nX-Auth-Token:${token}\nheart-beat:0,0\n\n\0`,
    );
    await this.until(() => !!this.counts.CONNECTED || this.closed, 'CONNECT answer');
    if (this.counts.CONNECTED) return true;
    await this.until(() => this.closed, 'the refused session to close');
    return false;
  }

  /** Writes raw frames; resolves once the transport took them (false when it is closed). */
  abstract send(frames: string): Promise<boolean>;

  abstract close(): void;

  async until(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(10);
    }
  }
}

/**
 * A lean raw STOMP client over the WebSocket endpoint, for floods. Sends wait for the socket to
 * take the bytes.
 */
export class LeanStomp extends LeanFrames {
  private constructor(
    private readonly ws: WebSocket,
    keepAcks: boolean,
  ) {
    super(keepAcks);
  }

  /** Opens a socket and CONNECTs: the client when CONNECTED, or the ERROR message when refused. */
  static async connect(
    url: string,
    token: string,
    options: { keepAcks?: boolean } = {},
  ): Promise<LeanStomp | { refused: string }> {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws/chat/websocket`, ['v12.stomp']);
    const client = new LeanStomp(ws, options.keepAcks ?? false);
    ws.on('message', (data: Buffer) => client.receive(data.toString('utf8')));
    ws.on('close', () => (client.closed = true));
    ws.on('error', () => (client.closed = true));
    await new Promise<void>((resolve) => {
      ws.once('open', () => resolve());
      ws.once('close', () => resolve());
    });
    if (client.closed) return { refused: 'socket closed' };
    return (await client.connected(token)) ? client : { refused: client.error ?? 'closed' };
  }

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

  close(): void {
    this.ws.terminate();
    this.closed = true;
  }
}

/**
 * The same lean client over SockJS' xhr transport, done by hand as an attacker would: one poll
 * at a time on `/xhr`, frames POSTed to `/xhr_send`, a JSON array of strings per request, as
 * many requests at once as it likes. The transport cannot pause: every frame of a request reaches
 * the session at once.
 */
export class LeanSockJsXhr extends LeanFrames {
  private polling: Promise<void> = Promise.resolve();

  private constructor(
    private readonly url: string,
    private readonly session: string,
  ) {
    super(false);
  }

  static async connect(url: string, token: string): Promise<LeanSockJsXhr | { refused: string }> {
    const client = new LeanSockJsXhr(url, sockjsSession());
    const opened = await rawHttp(url, 'POST', `/ws/chat${client.session}/xhr`);
    if (opened.body !== 'o\n') return { refused: `open answered ${opened.status} ${opened.body}` };
    client.polling = client.poll();
    return (await client.connected(token)) ? client : { refused: client.error ?? 'closed' };
  }

  private async poll(): Promise<void> {
    while (!this.closed) {
      const answer = await rawHttp(this.url, 'POST', `/ws/chat${this.session}/xhr`, {
        limitMs: 60_000,
      }).catch(() => undefined);
      if (answer?.status !== 200) break;
      for (const line of answer.body.split('\n')) {
        if (line.startsWith('a'))
          for (const frame of JSON.parse(line.slice(1)) as string[]) this.receive(frame);
        else if (line.startsWith('c')) this.closed = true;
      }
    }
    this.closed = true;
  }

  /**
   * POSTs `frames` as one xhr_send request (`chunkBytes` at a time when given): true when taken
   * (204; 404 once the session is gone).
   */
  async batch(frames: string[], chunkBytes?: number): Promise<boolean> {
    if (this.closed) return false;
    return (await xhrSend(this.url, this.session, frames, chunkBytes).catch(() => 0)) === 204;
  }

  send(frames: string): Promise<boolean> {
    return this.batch([frames]);
  }

  /** DISCONNECTs (which answers the pending poll) and waits for the poll loop to end. */
  async end(): Promise<void> {
    if (!this.closed) await this.send('DISCONNECT\n\n\0');
    await this.polling;
  }

  close(): void {
    void this.end();
  }
}

/**
 * The same lean client over SockJS' websocket transport (`/<server>/<session>/websocket`): every
 * message is a JSON array of frames, all handed to the session at once; SockJS cannot pause it.
 */
export class LeanSockJsWebSocket extends LeanFrames {
  /** The WebSocket close code the server ended with. */
  closeCode: number | undefined;

  private constructor(private readonly ws: WebSocket) {
    super(false);
  }

  static async connect(url: string, token: string): Promise<LeanSockJsWebSocket | { refused: string }> {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws/chat${sockjsSession()}/websocket`);
    const client = new LeanSockJsWebSocket(ws);
    let opened = false;
    ws.on('message', (data: Buffer) => {
      const message = data.toString('utf8');
      if (message === 'o') opened = true;
      else if (message.startsWith('a'))
        for (const frame of JSON.parse(message.slice(1)) as string[]) client.receive(frame);
    });
    ws.on('close', (code) => {
      client.closeCode = code;
      client.closed = true;
    });
    ws.on('error', () => (client.closed = true));
    await client.until(() => opened || client.closed, 'the SockJS open frame');
    if (client.closed) return { refused: 'socket closed' };
    return (await client.connected(token)) ? client : { refused: client.error ?? 'closed' };
  }

  /** Sends `frames` as one SockJS message; resolves once the socket took it (false when closed). */
  batch(frames: string[]): Promise<boolean> {
    if (this.closed || this.ws.readyState !== WebSocket.OPEN) return Promise.resolve(false);
    return new Promise((resolve) => this.ws.send(JSON.stringify(frames), (err) => resolve(!err)));
  }

  send(frames: string): Promise<boolean> {
    return this.batch([frames]);
  }

  close(): void {
    this.ws.terminate();
    this.closed = true;
  }
}
