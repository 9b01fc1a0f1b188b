import type { PreparedMessage } from '../broker/prepared-message';

export type StompAckMode = 'auto' | 'client' | 'client-individual';

/** The receiving end of a subscription (a session), seen through the one call delivery needs. */
export interface Subscriber {
  readonly id: string;
  deliver(subscription: Subscription, message: PreparedMessage): void;
  /** The registry dropped this subscription (UNSUBSCRIBE, revocation, close): release what it held. */
  released?(subscription: Subscription): void;
}

export interface Subscription {
  readonly id: string;
  /** Destination as the client subscribed to it (e.g. `/topic/a` or `/user/queue/x`). */
  readonly destination: string;
  /** For user destinations, the destination without the user prefix (`/queue/x`); otherwise undefined. */
  readonly userDestination: string | undefined;
  readonly ackMode: StompAckMode;
  /**
   * The session that subscribed. Kept on the record (not looked up by id) so a broadcast reaches each
   * subscriber without a map lookup per delivered frame.
   */
  readonly session: Subscriber;
  /** Message ids delivered and not yet ACKed/NACKed (client ack modes only), oldest first. */
  readonly unacked: Set<string>;
}
