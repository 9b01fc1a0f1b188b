import { Client, IFrame, IMessage, StompHeaders, Versions } from '@stomp/stompjs';
import SockJS from 'sockjs-client';
import WebSocket from 'ws';

export type StompTransport = 'websocket' | 'sockjs' | 'xhr-streaming';

export interface StompTestOptions {
  transport?: StompTransport;
  /** CONNECT headers; by default `X-Auth-Token: <token>`. */
  connectHeaders?: StompHeaders;
  heartbeatMs?: number;
}

/**
 * A real browser-style STOMP client (@stomp/stompjs over `ws` or `sockjs-client`) with helpers
 * to wait for what a user would see. Every wait is bounded.
 */
export class StompTestClient {
  readonly received = new Map<string, IMessage[]>();
  readonly errors: IFrame[] = [];
  closed = false;
  closeCode: number | undefined;
  private waiters: (() => void)[] = [];

  constructor(readonly client: Client) {}

  static async connect(
    baseUrl: string,
    token: string | undefined,
    options: StompTestOptions = {},
  ): Promise<StompTestClient> {
    const transport = options.transport ?? 'websocket';
    const client = new Client({
      webSocketFactory: () =>
        transport === 'websocket'
          ? new WebSocket(
              `${baseUrl.replace(/^http/, 'ws')}/ws/chat/websocket`,
              Versions.default.protocolVersions(),
            )
          : new SockJS(
              `${baseUrl}/ws/chat`,
              undefined,
              transport === 'xhr-streaming'
                ? { transports: ['xhr-streaming'] }
                : { transports: ['websocket'] },
            ),
      connectHeaders: options.connectHeaders ?? (token ? { 'X-Auth-Token': token } : {}),
      reconnectDelay: 0,
      heartbeatIncoming: options.heartbeatMs ?? 0,
      heartbeatOutgoing: options.heartbeatMs ?? 0,
      debug: () => undefined,
    });
    const t = new StompTestClient(client);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('STOMP connect timed out')), 10_000);
      client.onConnect = () => {
        clearTimeout(timer);
        resolve();
      };
      client.onStompError = (frame) => {
        t.errors.push(frame);
        t.notify();
        clearTimeout(timer);
        reject(Object.assign(new Error(`STOMP ERROR: ${frame.headers.message}`), { frame }));
      };
      client.onWebSocketClose = (event: { code?: number }) => {
        t.closed = true;
        t.closeCode = event?.code;
        t.notify();
        clearTimeout(timer);
        reject(new Error(`socket closed before CONNECTED (code ${event?.code})`));
      };
      client.activate();
    });
    // After CONNECTED, record errors and closes instead of rejecting.
    client.onStompError = (frame) => {
      t.errors.push(frame);
      t.notify();
    };
    client.onWebSocketClose = (event: { code?: number }) => {
      t.closed = true;
      t.closeCode = event?.code;
      t.notify();
    };
    return t;
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Subscribes and records every MESSAGE of the destination. */
  subscribe(destination: string, headers: StompHeaders = {}): { unsubscribe(): void; id: string } {
    const list = this.received.get(destination) ?? [];
    this.received.set(destination, list);
    const sub = this.client.subscribe(
      destination,
      (m) => {
        list.push(m);
        this.notify();
      },
      headers,
    );
    return sub;
  }

  /** Subscribes and waits for the server's RECEIPT, so later broadcasts are sure to reach it. */
  async subscribeConfirmed(destination: string): Promise<void> {
    const receipt = `sub-${destination}-${Math.random().toString(36).slice(2)}`;
    const done = this.receipt(receipt);
    this.subscribe(destination, { receipt });
    await done;
  }

  bodies<T = any>(destination: string): T[] {
    return (this.received.get(destination) ?? []).map((m) => JSON.parse(m.body) as T);
  }

  /** Waits until the condition holds (re-checked on every frame or close), bounded. */
  async until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits for the n-th message (1-based) on a destination and returns all bodies so far. */
  async waitForMessages<T = any>(destination: string, count: number, timeoutMs = 10_000): Promise<T[]> {
    await this.until(
      () => (this.received.get(destination)?.length ?? 0) >= count,
      `${count} message(s) on ${destination}`,
      timeoutMs,
    );
    return this.bodies<T>(destination);
  }

  receipt(id: string, timeoutMs = 10_000): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no RECEIPT ${id}`)), timeoutMs);
      this.client.watchForReceipt(id, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** SEND with a receipt and wait for it (i.e. until the server has processed the frame). */
  async sendConfirmed(destination: string, body: object | string, headers: StompHeaders = {}): Promise<void> {
    const receipt = `r-${Math.random().toString(36).slice(2)}`;
    const done = this.receipt(receipt);
    this.send(destination, body, { ...headers, receipt });
    await done;
  }

  send(destination: string, body: object | string, headers: StompHeaders = {}): void {
    this.client.publish({
      destination,
      body: typeof body === 'string' ? body : JSON.stringify(body),
      headers,
    });
  }

  async waitClosed(timeoutMs = 10_000): Promise<void> {
    await this.until(() => this.closed, 'the connection to close', timeoutMs);
  }

  async close(): Promise<void> {
    if (!this.closed) await this.client.deactivate({ force: false }).catch(() => undefined);
  }
}

/** A raw WebSocket to the STOMP endpoint, for hand-made (and malformed) frames. */
export class RawStompSocket {
  readonly frames: string[] = [];
  closed = false;
  closeCode: number | undefined;
  private constructor(readonly ws: WebSocket) {}

  static open(baseUrl: string): Promise<RawStompSocket> {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/ws/chat/websocket`, ['v12.stomp']);
    const raw = new RawStompSocket(ws);
    ws.on('message', (data) => raw.frames.push(data.toString()));
    ws.on('close', (code) => {
      raw.closed = true;
      raw.closeCode = code;
    });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(raw));
      ws.once('error', reject);
    });
  }

  send(data: string | Buffer): void {
    this.ws.send(data);
  }

  async until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what}; frames: ${JSON.stringify(this.frames)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  frame(command: string): string | undefined {
    return this.frames.find((f) => f.startsWith(`${command}\n`));
  }

  close(): void {
    this.ws.terminate();
  }
}

export const connectFrame = (token: string, extra = '') =>
  `CONNECT\naccept-version:1.2\nhost:localhost\nX-Auth-Token:${token}\nheart-beat:0,0\n${extra}\n\0`;
