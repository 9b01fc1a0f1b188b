import { createConnection, createServer, Server, Socket } from 'node:net';

export type ProxyMode = 'open' | 'refuse' | 'swallow';

/**
 * A loopback TCP proxy put between the app and a real dependency (MariaDB, Redis), so a test can
 * cut the dependency for this app only, without stopping the service other tests use.
 *
 * - `cut()`: every proxied connection is destroyed (both sides see a reset) and new ones are
 *   accepted and closed at once, as if the dependency were down.
 * - `swallow()`: a black hole. Every connection, proxied or new, stays open and accepted, and
 *   every byte either side sends is dropped: the dependency accepts connections and never answers.
 * - `restore()`: new connections are forwarded again (clients reconnect on their own); the
 *   connections a black hole held are reset (their protocol state is lost with the dropped bytes).
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly pairs = new Set<[Socket, Socket]>();
  private readonly held = new Set<Socket>();
  private mode: ProxyMode = 'open';
  /** Connections forwarded / refused / held in a black hole since start, and the bytes dropped. */
  forwarded = 0;
  refused = 0;
  swallowed = 0;
  bytesDropped = 0;
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  /** A proxy for `url` (e.g. `mysql://root@127.0.0.1:3306/test`), listening on a free loopback port. */
  static async forUrl(url: string, defaultPort: number): Promise<TcpProxy> {
    const target = new URL(url);
    const proxy = new TcpProxy(target.hostname || '127.0.0.1', Number(target.port || defaultPort));
    await proxy.start();
    return proxy;
  }

  /** `url` with its host and port replaced by the proxy's. */
  rewrite(url: string): string {
    const u = new URL(url);
    u.hostname = '127.0.0.1';
    u.port = String(this.port);
    return u.toString();
  }

  get isCut(): boolean {
    return this.mode === 'refuse';
  }

  async start(): Promise<void> {
    const server = createServer((client) => this.accept(client));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.port = (server.address() as { port: number }).port;
  }

  cut(): void {
    this.mode = 'refuse';
    this.releaseHeld();
    for (const [client, upstream] of this.pairs) {
      client.resetAndDestroy();
      upstream.destroy();
    }
    this.pairs.clear();
  }

  swallow(): void {
    this.mode = 'swallow';
    for (const [client, upstream] of this.pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      // Let the real server go without taking the client side with it.
      upstream.removeAllListeners('close');
      upstream.removeAllListeners('error');
      upstream.on('error', () => undefined);
      upstream.destroy();
      this.hold(client);
    }
    this.pairs.clear();
  }

  restore(): void {
    this.mode = 'open';
    this.releaseHeld();
  }

  private hold(client: Socket): void {
    this.held.add(client);
    client.removeAllListeners('close');
    client.on('close', () => this.held.delete(client));
    client.on('data', (chunk: Buffer) => (this.bytesDropped += chunk.length));
    client.resume();
  }

  private releaseHeld(): void {
    for (const client of this.held) client.resetAndDestroy();
    this.held.clear();
  }

  async close(): Promise<void> {
    this.cut();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    client.on('error', () => undefined);
    if (this.mode === 'refuse') {
      this.refused++;
      client.resetAndDestroy();
      return;
    }
    if (this.mode === 'swallow') {
      this.swallowed++;
      this.hold(client);
      return;
    }
    this.forwarded++;
    const upstream = createConnection({ host: this.targetHost, port: this.targetPort });
    upstream.on('error', () => client.destroy());
    const pair: [Socket, Socket] = [client, upstream];
    this.pairs.add(pair);
    const drop = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', drop);
    upstream.on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
