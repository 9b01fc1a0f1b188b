import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  Optional,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import * as sockjs from 'sockjs';
import { WebSocket, WebSocketServer } from 'ws';
import { StompBroker } from '../broker/stomp-broker';
import { STOMP_MODULE_OPTIONS, StompCloseCode } from '../stomp.constants';
import type { ResolvedStompOptions } from '../stomp.options';
import { AddressLimiter } from './address-limiter';
import { SockJsConnection } from './sockjs.connection';
import { SockJsHttpPolicy, linearBodyFilters } from './sockjs-http';
import { WebSocketConnection } from './websocket.connection';

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;
type UpgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
type SockJsHandler = (req: IncomingMessage, resOrSocket: ServerResponse | Duplex, head?: Buffer) => boolean;
type SockJsErrorHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  x: { status?: number; message?: string } | undefined,
) => unknown;

const SUBPROTOCOLS = ['v12.stomp', 'v11.stomp', 'v10.stomp'];

/** The iframe page sockjs serves for a client URL (rendered once, to hash its inline script). */
function renderIframePage(clientUrl: string): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { app } = require('sockjs/lib/iframe') as {
    app: { iframe(this: object, req: object, res: object): string };
  };
  return app.iframe.call(
    { options: { sockjs_url: clientUrl } },
    { headers: {} },
    { setHeader: () => undefined },
  );
}
const TOO_MANY_CONNECTIONS = 'Too many connections from this address';

/**
 * Serves STOMP on an existing node HTTP server (the one the REST API listens on): SockJS at
 * `path` and raw WebSocket at `path/websocket`. Our dispatcher runs first for those paths and hands
 * every other request and upgrade to the listeners that were there before (Fastify / Express).
 */
@Injectable()
export class StompServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('StompServer');
  private server: Server | undefined;
  private wss: WebSocketServer | undefined;
  private restore: (() => void) | undefined;
  /** Open sockets per remote address (`limits.maxConnectionsPerAddress`). */
  readonly addresses: AddressLimiter;

  constructor(
    @Inject(STOMP_MODULE_OPTIONS) private readonly options: ResolvedStompOptions,
    private readonly broker: StompBroker,
    @Optional() private readonly adapterHost?: HttpAdapterHost,
  ) {
    this.addresses = new AddressLimiter(options.limits.maxConnectionsPerAddress);
  }

  onApplicationBootstrap(): void {
    if (!this.options.autoAttach || this.server) return;
    const server: unknown = this.adapterHost?.httpAdapter?.getHttpServer();
    if (!server) {
      this.logger.warn('No HTTP server to attach STOMP to; call StompServer.attach(server)');
      return;
    }
    this.attach(server as Server);
  }

  /** Stop accepting connections; the broker closes the live sessions. */
  beforeApplicationShutdown(): void {
    this.detach();
  }

  /** Start serving STOMP on `server`. */
  attach(server: Server): void {
    if (this.server) throw new Error('StompServer is already attached');
    this.server = server;
    const { path, limits } = this.options;
    const websocketPath = `${path}/websocket`;

    const wss = this.options.websocket
      ? new WebSocketServer({
          noServer: true,
          perMessageDeflate: false,
          // Room for a frame at the limit plus a few packed after it; the decoder enforces the real limit.
          maxPayload: limits.maxFrameBytes * 2 + limits.maxHeaderLineBytes,
          handleProtocols: (protocols) => SUBPROTOCOLS.find((p) => protocols.has(p)) ?? false,
        })
      : undefined;
    this.wss = wss;

    let sockjsHandler: SockJsHandler | undefined;
    let policy: SockJsHttpPolicy | undefined;
    if (this.options.sockjs) {
      policy = new SockJsHttpPolicy(path, this.options.sockjs, renderIframePage);
      const clientUrl = policy.clientUrl();
      // `disable_cors` is a sockjs option @types/sockjs does not list.
      const sockjsServer = sockjs.createServer({
        prefix: path,
        // Never sockjs' default (a CDN): without a client of ours the iframe page is not served.
        sockjs_url: clientUrl ?? 'about:blank',
        heartbeat_delay: this.options.sockjs.heartbeatDelayMs,
        disconnect_delay: this.options.sockjs.disconnectDelayMs,
        websocket: this.options.sockjs.transports.has('websocket'),
        // A websocket message holds a batch of frames, as an xhr_send body does: the same cap. faye's
        // default (64 MiB) let one message, read and JSON-parsed whole before any frame is looked
        // at, cost the server far more than the session's pending-frames budget.
        faye_server_options: { maxLength: this.options.sockjs.maxRequestBytes },
        // CORS is ours (SockJsHttpPolicy, allowedOrigins): sockjs would reflect any Origin.
        disable_cors: true,
        log: (severity: string, message: string) => {
          // A client's bad content type is its mistake, not ours: no error line per request.
          if (severity === 'error' && !message.startsWith('Unsupported content-type'))
            this.logger.error(message);
          else this.logger.verbose(message);
        },
      } as sockjs.ServerOptions);
      sockjsServer.on('connection', (conn: sockjs.Connection | null) => {
        if (!conn) return;
        const address = conn.remoteAddress;
        if (!this.addresses.acquire(address)) {
          this.refuse(address);
          // sockjs writes the code into its close frame as given (@types/sockjs says string).
          const close = conn.close.bind(conn) as unknown as (code: number, reason: string) => boolean;
          close(StompCloseCode.POLICY_VIOLATION, TOO_MANY_CONNECTIONS);
          return;
        }
        conn.once('close', () => this.addresses.release(address));
        this.broker.openSession(new SockJsConnection(conn));
      });
      const listener = (
        sockjsServer as unknown as {
          listener(o: object): {
            getHandler(): SockJsHandler;
            app: { handle_error: SockJsErrorHandler } & ReturnType<typeof linearBodyFilters>;
          };
        }
      ).listener({
        prefix: path,
      });
      // sockjs answers a client's mistakes (no payload, broken JSON, a bad JSONP callback) with 500:
      // they are the client's, so 400, as on the REST surface. Its own failures stay 500.
      const handleError = listener.app.handle_error.bind(listener.app);
      listener.app.handle_error = (req, res, x) =>
        handleError(
          req,
          res,
          typeof x === 'object' && x?.status === 500 && x.message ? { ...x, status: 400 } : x,
        );
      // sockjs reads POST bodies in quadratic time and memory: ours read them in linear.
      Object.assign(listener.app, linearBodyFilters());
      sockjsHandler = listener.getHandler();
    }

    const underPath = (url: string | undefined): boolean =>
      url !== undefined &&
      url.startsWith(path) &&
      (url.length === path.length || '/?'.includes(url[path.length]));
    const pathname = (url: string | undefined): string => (url ?? '').split('?')[0];

    const previousRequest = server.listeners('request') as RequestListener[];
    const previousUpgrade = server.listeners('upgrade') as UpgradeListener[];
    server.removeAllListeners('request');
    server.removeAllListeners('upgrade');

    const onRequest: RequestListener = (req, res) => {
      if (sockjsHandler && underPath(req.url) && (policy!.handle(req, res) || sockjsHandler(req, res)))
        return;
      for (const listener of previousRequest) listener.call(server, req, res);
    };
    const onUpgrade: UpgradeListener = (req, socket, head) => {
      if (wss && pathname(req.url) === websocketPath) {
        wss.handleUpgrade(req, socket, head, (ws) => this.acceptWebSocket(ws, socket as Socket, req));
        return;
      }
      if (
        sockjsHandler &&
        underPath(req.url) &&
        (policy!.refuseUpgrade(req, socket) || sockjsHandler(req, socket, head))
      )
        return;
      if (previousUpgrade.length === 0) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
        return;
      }
      for (const listener of previousUpgrade) listener.call(server, req, socket, head);
    };
    server.on('request', onRequest);
    server.on('upgrade', onUpgrade);
    this.restore = () => {
      server.removeListener('request', onRequest);
      server.removeListener('upgrade', onUpgrade);
      for (const listener of previousRequest) server.on('request', listener);
      for (const listener of previousUpgrade) server.on('upgrade', listener);
    };
    this.logger.log(
      `STOMP on ${[this.options.sockjs ? `SockJS ${path}` : '', wss ? `WebSocket ${websocketPath}` : ''].filter(Boolean).join(', ')}`,
    );
    if (this.options.sockjs) {
      const transports = [...this.options.sockjs.transports].filter(
        (t) => t !== 'iframe' || policy!.iframeAvailable,
      );
      this.logger.log(`SockJS transports: ${transports.join(', ')}`);
      if (this.options.sockjs.transports.has('iframe') && !policy!.iframeAvailable)
        this.logger.warn(
          'SockJS iframe transports off: no clientScript or clientUrl to load the SockJS client from',
        );
    }
  }

  /**
   * A method, not a closure inside the upgrade listener, and no 'close' listener of its own (the
   * connection gives the address slot back from the listener it has anyway): a closure here kept
   * the listener's whole context (the upgrade request, its raw headers, the head buffer) alive for
   * the life of the connection, ~1.5 KB per idle session, and `once` adds ~200 bytes of wrapper
   * (C1 heap snapshots).
   */
  private acceptWebSocket(ws: WebSocket, socket: Socket, req: IncomingMessage): void {
    const address = req.socket.remoteAddress;
    if (!this.addresses.acquire(address)) {
      this.refuse(address);
      ws.close(StompCloseCode.POLICY_VIOLATION, TOO_MANY_CONNECTIONS);
      setTimeout(() => ws.terminate(), this.options.closeGraceMs).unref();
      return;
    }
    this.broker.openSession(new WebSocketConnection(ws, socket, req, this.addresses));
  }

  private refuse(address: string | undefined): void {
    if (this.broker.counters.connectionsRefused++ % 1000 === 0) {
      this.logger.warn(
        `Refusing STOMP sockets from ${address ?? 'unknown'}: more than ${this.options.limits.maxConnectionsPerAddress} open (${this.broker.counters.connectionsRefused} refused so far)`,
      );
    }
  }

  /** Stop accepting new STOMP connections and give the HTTP listeners back their server. */
  detach(): void {
    this.restore?.();
    this.restore = undefined;
    this.wss?.close();
    this.wss = undefined;
    this.server = undefined;
  }
}
