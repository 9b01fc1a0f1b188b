import { Client, IFrame, IMessage, StompSubscription } from '@stomp/stompjs';
import SockJS from 'sockjs-client';

export type LiveState =
  | { kind: 'connecting'; attempt: number }
  | { kind: 'connected'; transport: string }
  | { kind: 'waiting'; attempt: number; retryAt: number; reason: string }
  | { kind: 'stopped' };

export interface LiveOptions {
  /** SockJS endpoint, e.g. `/ws/chat`. */
  url: string;
  token: () => string | undefined;
  /** SockJS transports to allow (all when undefined). */
  transports?: string[];
  onState(state: LiveState): void;
  /**
   * Runs after each CONNECTED, before the subscriptions are (re)made: the app drops the ones it
   * may no longer make (a room it left), so a refused SUBSCRIBE cannot loop reconnects.
   */
  beforeSubscribe?(reconnect: boolean): Promise<void>;
  /**
   * Runs once the server confirmed the subscriptions: the moment to catch up on missed messages
   * and load counts (anything after this point arrives live).
   */
  onReady(reconnect: boolean): void;
  /** The server refused the token: the session is over. */
  onAuthFailed(message: string): void;
  /** An ERROR frame that is not about authentication. */
  onServerError(message: string): void;
}

interface Sub {
  handler: (body: unknown) => void;
  stomp?: StompSubscription;
  /** Settles when the server answered this SUBSCRIBE (a RECEIPT), or it was given up. */
  confirmed?: Promise<void>;
}

const MIN_DELAY_MS = 500;
const MAX_DELAY_MS = 15_000;
const RECEIPT_TIMEOUT_MS = 15_000;
const AUTH_ERROR = /unauthori[sz]ed|token|authenticat/i;

/**
 * One live STOMP connection over SockJS that survives network loss: a fresh client per attempt,
 * exponential backoff with jitter between attempts, and every subscription made again after a
 * reconnect.
 */
export class Live {
  private client: Client | undefined;
  private attempt = 0;
  private everConnected = false;
  private timer: number | undefined;
  private stopped = true;
  private lastError = '';
  private readonly subs = new Map<string, Sub>();
  /** Pending receipts, failed at once when the connection drops. */
  private readonly closeWaiters = new Set<() => void>();
  private receiptSeq = 0;
  private state: LiveState = { kind: 'stopped' };
  /** A change of the session's token under way (see changingToken). */
  private tokenChange: Promise<void> | undefined;

  constructor(private readonly options: LiveOptions) {
    window.addEventListener('online', () => this.reconnectNow());
  }

  get connected(): boolean {
    return this.state.kind === 'connected';
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    window.clearTimeout(this.timer);
    const client = this.client;
    this.client = undefined;
    void client?.deactivate();
    this.setState({ kind: 'stopped' });
  }

  /** Skip the remaining backoff and try at once. */
  reconnectNow(): void {
    if (this.stopped || this.state.kind === 'connected' || this.state.kind === 'connecting') return;
    window.clearTimeout(this.timer);
    this.connect();
  }

  /** Subscribes now when connected, and again after every reconnect; returns the unsubscribe. */
  subscribe(destination: string, handler: (body: unknown) => void): () => void {
    this.unsubscribe(destination);
    const sub: Sub = { handler };
    this.subs.set(destination, sub);
    if (this.client?.connected && this.connected) this.subscribeOne(this.client, destination, sub);
    return () => {
      if (this.subs.get(destination) === sub) this.unsubscribe(destination);
    };
  }

  unsubscribe(destination: string): void {
    const sub = this.subs.get(destination);
    if (!sub) return;
    this.subs.delete(destination);
    if (sub.stomp && this.client?.connected) {
      try {
        sub.stomp.unsubscribe();
      } catch {
        // The connection went away meanwhile; nothing to undo.
      }
    }
  }

  isSubscribed(destination: string): boolean {
    return this.subs.has(destination);
  }

  destinations(): string[] {
    return [...this.subs.keys()];
  }

  /**
   * Settles once the server has confirmed every subscription made so far (each SUBSCRIBE carries a
   * receipt; one that fails ends the connection). A summary loaded after this counts exactly what
   * will not arrive live. While disconnected it settles at once: the next connection subscribes
   * again and calls `onReady` after its own confirmations.
   */
  async subscribed(): Promise<void> {
    await Promise.all([...this.subs.values()].flatMap((sub) => (sub.confirmed ? [sub.confirmed] : [])));
  }

  /**
   * SENDs a JSON body. With `receipt`, resolves when the server's RECEIPT arrives (for a chat
   * message: once it is stored) and rejects when the connection drops first or it takes too long.
   */
  send(destination: string, body: unknown, receipt = false): Promise<void> {
    const client = this.client;
    if (!client?.connected || !this.connected) return Promise.reject(new Error('Not connected'));
    const payload = JSON.stringify(body);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (!receipt) {
      client.publish({ destination, body: payload, headers });
      return Promise.resolve();
    }
    return this.withReceipt(client, (receipt) =>
      client.publish({ destination, body: payload, headers: { ...headers, receipt } }),
    );
  }

  /**
   * Sends a frame carrying a fresh `receipt` header (by `write`) and resolves on the server's
   * RECEIPT; rejects when the connection drops first or the server takes too long.
   */
  private withReceipt(client: Client, write: (receipt: string) => void): Promise<void> {
    const id = `r-${Date.now().toString(36)}-${++this.receiptSeq}`;
    return new Promise<void>((resolve, reject) => {
      const timer = window.setTimeout(() => {
        cleanup();
        reject(new Error('No confirmation from the server'));
      }, RECEIPT_TIMEOUT_MS);
      const onClose = () => {
        cleanup();
        reject(new Error('Connection lost before the server confirmed'));
      };
      const cleanup = () => {
        window.clearTimeout(timer);
        this.closeWaiters.delete(onClose);
      };
      this.closeWaiters.add(onClose);
      client.watchForReceipt(id, () => {
        cleanup();
        resolve();
      });
      write(id);
    });
  }

  private connect(): void {
    if (this.stopped) return;
    const token = this.options.token();
    if (!token) return;
    const previous = this.client;
    this.client = undefined;
    void previous?.deactivate();
    this.setState({ kind: 'connecting', attempt: this.attempt });
    // The token this connection authenticates with; the session may get a new one meanwhile.
    const usedToken = token;
    const transports = this.options.transports;
    let socket: WebSocket | undefined;
    const client = new Client({
      webSocketFactory: () => {
        socket = new SockJS(this.options.url, undefined, transports?.length ? { transports } : undefined);
        return socket;
      },
      connectHeaders: { 'X-Auth-Token': token },
      heartbeatIncoming: 10_000,
      heartbeatOutgoing: 10_000,
      reconnectDelay: 0,
      connectionTimeout: 10_000,
      debug: () => undefined,
    });
    this.client = client;
    client.onConnect = () => {
      if (this.client !== client) return;
      const reconnect = this.everConnected;
      this.everConnected = true;
      this.attempt = 0;
      this.lastError = '';
      const transport = (socket as unknown as { transport?: string } | undefined)?.transport ?? 'websocket';
      void (async () => {
        try {
          await this.options.beforeSubscribe?.(reconnect);
        } catch {
          // The app shows its own errors; subscribing what is left is still right.
        }
        if (this.client !== client || !client.connected) return;
        this.setState({ kind: 'connected', transport });
        for (const [destination, sub] of this.subs) this.subscribeOne(client, destination, sub);
        await this.subscribed();
        if (this.client !== client || !client.connected) return;
        this.options.onReady(reconnect);
      })();
    };
    client.onStompError = (frame: IFrame) => {
      if (this.client !== client) return;
      const message = frame.headers.message || frame.body || 'The server closed the connection';
      this.lastError = message;
      if (AUTH_ERROR.test(message) && !/rate|limit/i.test(message)) {
        this.client = undefined;
        void client.deactivate();
        this.connectionLost();
        void this.afterAuthError(usedToken, message);
        return;
      }
      this.options.onServerError(message);
    };
    client.onWebSocketClose = () => {
      if (this.client !== client) return;
      this.client = undefined;
      this.connectionLost();
      void client.deactivate();
      this.scheduleReconnect();
    };
    client.activate();
  }

  /**
   * Runs `work` (a password change that stores the session's new token) during which the server
   * may revoke the token this connection uses: a refusal meanwhile waits for `work` to finish, then
   * reconnects with the new token instead of ending the session.
   */
  async changingToken<T>(work: () => Promise<T>): Promise<T> {
    const running = work();
    const change = running.then(
      () => undefined,
      () => undefined,
    );
    this.tokenChange = change;
    try {
      return await running;
    } finally {
      if (this.tokenChange === change) this.tokenChange = undefined;
    }
  }

  /** The server refused the token `usedToken`: a new one (changed meanwhile) reconnects, else the session is over. */
  private async afterAuthError(usedToken: string, message: string): Promise<void> {
    await this.tokenChange;
    if (this.stopped) return;
    if (this.options.token() !== usedToken) {
      this.attempt = 0;
      this.connect();
      return;
    }
    this.stopped = true;
    this.setState({ kind: 'stopped' });
    this.options.onAuthFailed(message);
  }

  /** Pending receipts fail, subscriptions are to be made again. */
  private connectionLost(): void {
    for (const waiter of [...this.closeWaiters]) waiter();
    for (const sub of this.subs.values()) {
      sub.stomp = undefined;
      sub.confirmed = undefined;
    }
  }

  private subscribeOne(client: Client, destination: string, sub: Sub): void {
    const handle = (message: IMessage) => {
      let body: unknown = message.body;
      try {
        body = JSON.parse(message.body);
      } catch {
        // Not JSON: hand over the text.
      }
      sub.handler(body);
    };
    // Given up on (connection lost, no answer in time) counts as settled: the next connection
    // subscribes again, and waiting longer would hold the page's catch-up for nothing.
    sub.confirmed = this.withReceipt(client, (receipt) => {
      sub.stomp = client.subscribe(destination, handle, { receipt });
    }).catch(() => undefined);
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    const base = Math.min(MAX_DELAY_MS, MIN_DELAY_MS * 2 ** this.attempt);
    const delay = Math.round(base * (0.75 + Math.random() * 0.5));
    this.attempt += 1;
    const retryAt = Date.now() + delay;
    this.setState({
      kind: 'waiting',
      attempt: this.attempt,
      retryAt,
      reason: this.lastError || (navigator.onLine ? 'Connection lost' : 'You are offline'),
    });
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => this.connect(), delay);
  }

  private setState(state: LiveState): void {
    this.state = state;
    this.options.onState(state);
  }
}
