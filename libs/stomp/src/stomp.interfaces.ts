import type { StompVersion } from './frame/stomp-frame';

/** Who is behind a session, as returned by the app's {@link StompAuthenticator}. */
export interface StompPrincipal {
  id: string;
  name: string;
  /** Epoch milliseconds after which the session is closed with an ERROR frame. */
  expiresAt?: number;
  /** Anything the app wants to keep with the principal (roles, claims, ...). */
  data?: unknown;
  /**
   * What the session was authenticated with, so the app can end only the sessions of one
   * credential (`StompBroker.disconnectUser(userId, message, { credentialId })`) or of the
   * credentials older than a generation (`{ generationBelow }`), e.g. a token's id and version.
   */
  credential?: StompCredential;
}

/** The credential behind a session: an opaque id and/or a generation that only grows. */
export interface StompCredential {
  id?: string;
  generation?: number;
}

export type StompTransportKind = 'websocket' | 'sockjs';

/** Read-only view of a live session handed to hooks and handlers. */
export interface StompSessionInfo {
  readonly id: string;
  /** Set once CONNECT has been authenticated. */
  readonly principal: StompPrincipal | undefined;
  readonly version: StompVersion;
  readonly remoteAddress: string | undefined;
  /** `websocket` (raw ws endpoint) or `sockjs`. */
  readonly transport: StompTransportKind;
  /** SockJS transport name (`websocket`, `xhr-streaming`, ...) or `websocket`. */
  readonly transportName: string;
  /** Free-form per-session storage for the app. */
  readonly attributes: Map<string, unknown>;
}

/**
 * A SEND's place in its session's order, for the handler (`@FrameOrder()`). A `@Pipelined()`
 * handler runs while earlier SENDs of the session are still in flight, and uses it to keep their
 * order where it matters; for any other handler every earlier frame is already done, so both
 * methods run or resolve at once.
 */
export interface StompFrameOrder {
  /**
   * Runs `fn` once every earlier frame of the session has had its turn, and passes the turn to the
   * next frame when `fn` returns (or the promise it returns settles). A frame that never takes its
   * turn passes it when its handler settles. Meant to be called once per frame: a second call is not
   * ordered again. Resolves (or rejects) with `fn`'s outcome.
   */
  turn<T>(fn: () => T | PromiseLike<T>): Promise<T>;
  /** Resolves once every earlier frame of the session is done: handled, and its RECEIPT or error written. */
  previousDone(): Promise<void>;
}

export interface StompConnectRequest {
  /** Headers of the CONNECT/STOMP frame (login, passcode, custom auth headers...). */
  headers: Readonly<Record<string, string>>;
  remoteAddress: string | undefined;
  transport: StompTransportKind;
  /** HTTP headers of the upgrade / SockJS request (SockJS only forwards a few of them). */
  httpHeaders: Readonly<Record<string, string | string[] | undefined>>;
  sessionId: string;
}

/** Decides who may CONNECT. Throw (any error) to refuse: the client gets ERROR with the error's message. */
export interface StompAuthenticator {
  authenticate(request: StompConnectRequest): Promise<StompPrincipal>;
}

/** Decides what a session may SUBSCRIBE / SEND to. `false` is a security error: ERROR, then close. */
export interface StompAuthorizer {
  canSubscribe(session: StompSessionInfo, destination: string): boolean | Promise<boolean>;
  canSend?(session: StompSessionInfo, destination: string): boolean | Promise<boolean>;
}

export type StompDisconnectReason =
  | 'client-disconnect'
  | 'transport-closed'
  | 'protocol-error'
  | 'unauthorized'
  | 'forbidden'
  | 'heartbeat-timeout'
  | 'connect-timeout'
  | 'slow-consumer'
  | 'expired'
  | 'server-disconnect'
  | 'too-many-sessions'
  | 'shutdown';

export interface StompConnectedEvent {
  session: StompSessionInfo;
}

export interface StompDisconnectedEvent {
  session: StompSessionInfo;
  reason: StompDisconnectReason;
}

export interface StompNackEvent {
  session: StompSessionInfo;
  subscriptionId: string;
  messageId: string;
}

export interface StompEventMap {
  connected: StompConnectedEvent;
  disconnected: StompDisconnectedEvent;
  nack: StompNackEvent;
}

export interface StompFanoutTiming {
  destination: string;
  deliveries: number;
  /** Time spent encoding and writing, in nanoseconds. */
  durationNs: bigint;
}

/** Counters of one broker's sessions since it started (and the unacked gauge). */
export interface StompCounters {
  framesIn: number;
  framesOut: number;
  messagesDelivered: number;
  slowConsumerCloses: number;
  protocolErrors: number;
  /** Sockets refused at accept time by `limits.maxConnectionsPerAddress`. */
  connectionsRefused: number;
  /** CONNECTs refused by `limits.maxSessionsPerUser`. */
  sessionsRefused: number;
  /** Delivered message ids awaiting an ACK/NACK, all sessions together (bounded per session). */
  unackedMessages: number;
}

export interface StompBrokerStats extends StompCounters {
  sessions: number;
  subscriptions: number;
}
