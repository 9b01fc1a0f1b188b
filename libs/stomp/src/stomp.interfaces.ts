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

export interface StompBrokerStats {
  sessions: number;
  subscriptions: number;
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
