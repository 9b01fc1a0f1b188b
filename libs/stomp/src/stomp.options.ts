import type { ModuleMetadata, Provider } from '@nestjs/common';
import type { StompVersion } from './frame/stomp-frame';

export interface StompHeartbeatOptions {
  /** How often the server can send heart-beats (ms, 0 = never). Default 10000. */
  outgoing?: number;
  /** How often the server wants client heart-beats (ms, 0 = never). Default 10000. */
  incoming?: number;
  /** Extra silence tolerated on top of 2x the negotiated incoming interval (ms). Default 1000. */
  graceMs?: number;
}

export interface StompLimitsOptions {
  /** Largest inbound frame in bytes; larger -> ERROR and close. Default 65536. */
  maxFrameBytes?: number;
  /** Most headers per inbound frame. Default 64. */
  maxHeaders?: number;
  /** Longest header line in bytes. Default 8192. */
  maxHeaderLineBytes?: number;
  /** Most live subscriptions of one session (at most one per destination). Default 1000. */
  maxSubscriptionsPerSession?: number;
  /**
   * Most connected sessions of one user on this instance; one more CONNECT is refused (ERROR
   * `Too many sessions`, close 1008) and the sessions already open are kept. 0 = no limit. Default 20.
   */
  maxSessionsPerUser?: number;
  /**
   * Most transactions open at once in one session. 0 refuses BEGIN (ERROR, close): for
   * applications that have no use for STOMP transactions. Default 8.
   */
  maxTransactionsPerSession?: number;
  /**
   * Most bytes (bodies and headers) one session may hold in its open transactions together; the
   * frame that would pass it gets ERROR and the session closes. Default 65536.
   */
  maxTransactionBytes?: number;
  /**
   * Most delivered-but-unacknowledged message ids one session remembers across its `client` and
   * `client-individual` subscriptions; past it the oldest are forgotten (an ACK or NACK of a
   * forgotten id is ignored). Default 1000.
   */
  maxUnackedPerSession?: number;
  /**
   * Most bytes of received frames waiting to be processed in one session (frames are handled one
   * at a time); past it the session gets ERROR `Too many unprocessed frames` and closes. Default 1 MiB.
   */
  maxPendingBytes?: number;
  /** A session whose unsent output passes this many bytes is closed with 4500. Default 512 KiB. */
  maxOutboundBufferBytes?: number;
  /** A session that cannot be written to for this long is closed with 4500. Default 10000 ms. */
  slowConsumerTimeoutMs?: number;
  /**
   * Most concurrent sockets (WebSocket and SockJS together, connected or not) from one remote
   * address; one more is accepted and closed at once with 1008. Default 0 (no limit).
   */
  maxConnectionsPerAddress?: number;
  /**
   * Frames a session has read and not yet answered (handled, RECEIPT or error written): queued,
   * being handled, or `@Pipelined()` SENDs in flight. At this many the session stops reading its
   * socket until one is answered (raw WebSocket; SockJS cannot pause and relies on the hard cap of
   * 1000 queued frames), and no more pipelined SENDs are dispatched. 1-1000, default 32.
   */
  maxFramesInFlight?: number;
}

/** The SockJS transports, as sockjs-client names them (`iframe` stands for every `iframe-*` one). */
export type SockJsTransport =
  'websocket' | 'xhr-streaming' | 'xhr-polling' | 'eventsource' | 'htmlfile' | 'jsonp-polling' | 'iframe';

export const SOCKJS_TRANSPORTS: readonly SockJsTransport[] = [
  'websocket',
  'xhr-streaming',
  'xhr-polling',
  'eventsource',
  'htmlfile',
  'jsonp-polling',
  'iframe',
];

/** The transports kept for old browsers: every client since ~2012 has websocket and xhr with CORS. */
export const SOCKJS_LEGACY_TRANSPORTS: readonly SockJsTransport[] = [
  'eventsource',
  'htmlfile',
  'jsonp-polling',
  'iframe',
];

export interface StompSockJsOptions {
  /**
   * URL of the SockJS client the iframe page loads (the iframe transports). Prefer `clientScript`.
   * Without either, the iframe transport is not served (sockjs' default is a third-party CDN).
   */
  clientUrl?: string;
  /**
   * The SockJS client itself (`sockjs-client/dist/sockjs.min.js`), served by the endpoint under
   * a content-hashed name and loaded by the iframe page.
   */
  clientScript?: Buffer;
  /** Transports served; the others answer 404. Default: all of {@link SOCKJS_TRANSPORTS}. */
  transports?: readonly SockJsTransport[];
  /**
   * Origins whose pages may use the endpoint cross-origin (CORS of the HTTP transports, framing
   * of the iframe page); `true` for any. Default none: same-origin pages only.
   */
  allowedOrigins?: readonly string[] | true;
  /** Headers added to every HTTP answer of the endpoint (e.g. the application's security headers). */
  responseHeaders?: Readonly<Record<string, string>>;
  /**
   * Largest request body (xhr_send, jsonp_send, ...); larger gets 413 (sockjs reads bodies whole,
   * without a limit). Also the largest message of the websocket transport (larger closes it, 1009).
   * Default 8x `limits.maxFrameBytes`: a frame at the limit in its worst JSON encoding, with room
   * for frames sent together.
   */
  maxRequestBytes?: number;
  /** SockJS heart-beat (`h` frame) delay in ms. Default 25000. */
  heartbeatDelayMs?: number;
  /** How long a polling session may go without a receiving request (ms). Default 5000. */
  disconnectDelayMs?: number;
}

/** What {@link StompModuleOptions.mapError} turns an application error into. */
export interface StompMappedError {
  status: number;
  message: string;
  /** Field-level details (e.g. validation problems), sent as `errors` on the error destination. */
  errors?: unknown;
}

export interface StompModuleOptions {
  /** Endpoint prefix: SockJS at `path`, raw WebSocket at `path + '/websocket'`. Default `/ws`. */
  path?: string;
  /** Serve SockJS (`false` to disable, or SockJS options). Default enabled. */
  sockjs?: boolean | StompSockJsOptions;
  /** Serve raw WebSocket at `path + '/websocket'`. Default true. */
  websocket?: boolean;
  /** Attach to Nest's HTTP server on bootstrap. Set false to call `StompServer.attach(server)` yourself. Default true. */
  autoAttach?: boolean;
  heartbeat?: StompHeartbeatOptions;
  limits?: StompLimitsOptions;
  /** Sockets that do not CONNECT within this time are closed. Default 10000 ms. */
  connectTimeoutMs?: number;
  /** `server` header of CONNECTED. Default `nest-stomp/1.0`. */
  serverName?: string;
  /** Versions offered, most preferred first. Default 1.2, 1.1, 1.0. */
  versions?: StompVersion[];
  /** Prefixes routed to `@MessageMapping` handlers. Default `['/app']`. */
  applicationDestinationPrefixes?: string[];
  /** Prefixes served by the simple broker. Default `['/topic', '/queue']`. */
  brokerDestinationPrefixes?: string[];
  /** Prefix of user destinations. Default `/user`. */
  userDestinationPrefix?: string;
  /** User destination (without the user prefix) that receives application errors. Default `/queue/errors`. */
  errorDestination?: string;
  /** ERROR message and close code used by `closeAll()` on shutdown. */
  shutdownMessage?: string;
  shutdownCloseCode?: number;
  /** Time given to sockets to flush their close before they are destroyed (ms). Default 2000. */
  closeGraceMs?: number;
  /**
   * Maps an application error that is not a {@link StompError} (e.g. the app's HTTP exceptions, or
   * a database driver's "connection lost") to a status and message, for handler errors on the error
   * destination and for the ERROR frame when a SUBSCRIBE check fails. Return undefined to keep the
   * default: a logged 500 `Internal server error`.
   */
  mapError?: (error: unknown) => StompMappedError | undefined;
}

export interface ResolvedStompOptions {
  path: string;
  sockjs:
    | false
    | {
        clientUrl?: string;
        clientScript?: Buffer;
        heartbeatDelayMs: number;
        disconnectDelayMs: number;
        transports: ReadonlySet<SockJsTransport>;
        allowedOrigins: readonly string[] | true;
        responseHeaders: Readonly<Record<string, string>>;
        maxRequestBytes: number;
      };
  websocket: boolean;
  autoAttach: boolean;
  heartbeat: Required<StompHeartbeatOptions>;
  limits: Required<StompLimitsOptions>;
  connectTimeoutMs: number;
  serverName: string;
  versions: StompVersion[];
  applicationDestinationPrefixes: string[];
  brokerDestinationPrefixes: string[];
  userDestinationPrefix: string;
  errorDestination: string;
  shutdownMessage: string;
  shutdownCloseCode: number;
  closeGraceMs: number;
  mapError?: (error: unknown) => StompMappedError | undefined;
}

export interface StompModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  inject?: any[];
  useFactory: (...args: any[]) => StompModuleOptions | Promise<StompModuleOptions>;
  /** Extra providers (e.g. `STOMP_AUTHENTICATOR`) registered inside the module. */
  providers?: Provider[];
}

function trimSlash(prefix: string): string {
  return prefix.length > 1 && prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
}

export function resolveStompOptions(options: StompModuleOptions = {}): ResolvedStompOptions {
  const sockjs = options.sockjs ?? true;
  return {
    path: trimSlash(options.path ?? '/ws'),
    sockjs:
      sockjs === false
        ? false
        : {
            clientUrl: sockjs === true ? undefined : sockjs.clientUrl,
            clientScript: sockjs === true ? undefined : sockjs.clientScript,
            heartbeatDelayMs: (sockjs !== true && sockjs.heartbeatDelayMs) || 25000,
            disconnectDelayMs: (sockjs !== true && sockjs.disconnectDelayMs) || 5000,
            transports: new Set((sockjs !== true && sockjs.transports) || SOCKJS_TRANSPORTS),
            allowedOrigins: (sockjs !== true && sockjs.allowedOrigins) || [],
            responseHeaders: (sockjs !== true && sockjs.responseHeaders) || {},
            maxRequestBytes:
              (sockjs !== true && sockjs.maxRequestBytes) || 8 * (options.limits?.maxFrameBytes ?? 64 * 1024),
          },
    websocket: options.websocket ?? true,
    autoAttach: options.autoAttach ?? true,
    heartbeat: {
      outgoing: options.heartbeat?.outgoing ?? 10000,
      incoming: options.heartbeat?.incoming ?? 10000,
      graceMs: options.heartbeat?.graceMs ?? 1000,
    },
    limits: {
      maxFrameBytes: options.limits?.maxFrameBytes ?? 64 * 1024,
      maxHeaders: options.limits?.maxHeaders ?? 64,
      maxHeaderLineBytes: options.limits?.maxHeaderLineBytes ?? 8192,
      maxSubscriptionsPerSession: options.limits?.maxSubscriptionsPerSession ?? 1000,
      maxSessionsPerUser: options.limits?.maxSessionsPerUser ?? 20,
      maxTransactionsPerSession: options.limits?.maxTransactionsPerSession ?? 8,
      maxTransactionBytes: options.limits?.maxTransactionBytes ?? 64 * 1024,
      maxUnackedPerSession: options.limits?.maxUnackedPerSession ?? 1000,
      maxPendingBytes: options.limits?.maxPendingBytes ?? 1024 * 1024,
      maxOutboundBufferBytes: options.limits?.maxOutboundBufferBytes ?? 512 * 1024,
      slowConsumerTimeoutMs: options.limits?.slowConsumerTimeoutMs ?? 10000,
      maxConnectionsPerAddress: options.limits?.maxConnectionsPerAddress ?? 0,
      maxFramesInFlight: Math.min(1000, Math.max(1, options.limits?.maxFramesInFlight ?? 32)),
    },
    connectTimeoutMs: options.connectTimeoutMs ?? 10000,
    serverName: options.serverName ?? 'nest-stomp/1.0',
    versions: options.versions?.length ? options.versions : ['1.2', '1.1', '1.0'],
    applicationDestinationPrefixes: (options.applicationDestinationPrefixes ?? ['/app']).map(trimSlash),
    brokerDestinationPrefixes: (options.brokerDestinationPrefixes ?? ['/topic', '/queue']).map(trimSlash),
    userDestinationPrefix: trimSlash(options.userDestinationPrefix ?? '/user'),
    errorDestination: options.errorDestination ?? '/queue/errors',
    shutdownMessage: options.shutdownMessage ?? 'Server shutting down',
    shutdownCloseCode: options.shutdownCloseCode ?? 1012,
    closeGraceMs: options.closeGraceMs ?? 2000,
    mapError: options.mapError,
  };
}
