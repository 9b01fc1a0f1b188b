import type { StompSession } from './stomp-session';

export type StompAckMode = 'auto' | 'client' | 'client-individual';

export interface Subscription {
  readonly id: string;
  /** Destination as the client subscribed to it (e.g. `/topic/a` or `/user/queue/x`). */
  readonly destination: string;
  /** For user destinations, the destination without the user prefix (`/queue/x`); otherwise undefined. */
  readonly userDestination: string | undefined;
  readonly ackMode: StompAckMode;
  readonly session: StompSession;
  /** Message ids delivered and not yet ACKed/NACKed (client ack modes only), oldest first. */
  readonly unacked: Set<string>;
}
