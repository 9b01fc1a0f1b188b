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

export interface StompBusDisconnectUser {
  type: 'disconnect-user';
  userId: string;
  message: string;
}

export type StompBusMessage =
  StompBusBroadcast | StompBusUserMessage | StompBusSessionMessage | StompBusRevoke | StompBusDisconnectUser;

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
