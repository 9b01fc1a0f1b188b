/**
 * Messages exchanged between broker instances. Everything is plain data (bodies are Buffers or
 * strings, no functions) so a network bus can serialize it; each instance receiving a message encodes
 * it once for its own local subscribers.
 */
export type StompBusBody = Buffer | string;

/** Which subscriptions a control operation applies to. `prefix` matches whole path segments. */
export type StompDestinationMatch = { exact: string } | { prefix: string };

export interface StompBusBroadcast {
  type: 'broadcast';
  destination: string;
  headers: Record<string, string>;
  body: StompBusBody;
}

export interface StompBusUserMessage {
  type: 'user';
  userId: string;
  /** User destination without the user prefix, e.g. `/queue/notifications`. */
  destination: string;
  headers: Record<string, string>;
  body: StompBusBody;
}

export interface StompBusSessionMessage {
  type: 'session';
  sessionId: string;
  /** User destination without the user prefix, e.g. `/queue/errors`. */
  destination: string;
  headers: Record<string, string>;
  body: StompBusBody;
}

export interface StompBusRevoke {
  type: 'revoke';
  userId: string;
  match: StompDestinationMatch;
  /** When set, each affected session gets `{status: 403, message: notice, destination}` on its error destination. */
  notice?: string;
}

/**
 * Which sessions of a user a selective disconnect ends, by the credential they were authenticated
 * with ({@link StompCredential}): one credential id, or every generation below a number.
 */
export type StompCredentialMatch = { credentialId: string } | { generationBelow: number };

export interface StompBusDisconnectUser {
  type: 'disconnect-user';
  userId: string;
  message: string;
  /** Only the sessions whose credential matches (and, for a while, CONNECTs still in flight with it). */
  only?: StompCredentialMatch;
}

/** Run the authorizer's `canSubscribe` again on every subscription of the user's sessions. */
export interface StompBusReauthorize {
  type: 'reauthorize';
  userId: string;
  /** Told to each session on its error destination for every subscription removed. */
  notice?: string;
}

export type StompBusMessage =
  | StompBusBroadcast
  | StompBusUserMessage
  | StompBusSessionMessage
  | StompBusRevoke
  | StompBusDisconnectUser
  | StompBusReauthorize;

export type StompBusHandler = (message: StompBusMessage) => void;

/**
 * Transport between `StompBroker.publish/sendToUser/...` and delivery to local sessions. Every
 * instance publishes to the bus and delivers what it receives from it (its own messages included).
 * The default is {@link InProcessStompBus}; provide `STOMP_BUS` to spread messages over N instances.
 */
export interface StompBus {
  publish(message: StompBusMessage): void | Promise<void>;
  /** Register the handler that delivers to local sessions; returns an unsubscribe function. */
  subscribe(handler: StompBusHandler): () => void;
}

export function matchesDestination(destination: string, match: StompDestinationMatch): boolean {
  if ('exact' in match) return destination === match.exact;
  const prefix = match.prefix.endsWith('/') ? match.prefix.slice(0, -1) : match.prefix;
  return destination === prefix || destination.startsWith(`${prefix}/`);
}

/** Whether a session's credential is one a selective disconnect names. */
export function matchesCredential(
  credential: { id?: string; generation?: number } | undefined,
  match: StompCredentialMatch,
): boolean {
  if ('credentialId' in match) return credential?.id !== undefined && credential.id === match.credentialId;
  return credential?.generation !== undefined && credential.generation < match.generationBelow;
}
