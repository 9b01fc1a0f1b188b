import type { Logger } from '@nestjs/common';
import type { StompExceptionHandler } from '../broker/stomp-exception-handler';
import type { SubscriptionRegistry } from '../broker/subscription-registry';
import type { StompFrame } from '../frame/stomp-frame';
import type { ResolvedStompOptions } from '../stomp.options';
import type {
  StompConnectRequest,
  StompCounters,
  StompDisconnectReason,
  StompFrameOrder,
  StompPrincipal,
  StompSessionInfo,
} from '../stomp.interfaces';
import type { PeriodicGroups } from './periodic-groups';

/** Why an authenticated CONNECT is refused all the same. */
export interface ConnectRefusal {
  message: string;
  reason: StompDisconnectReason;
}

/** A session as the shared heart-beat timers see it. */
export interface HeartbeatMember {
  /** Outgoing heart-beat tick. */
  heartbeatDue(): void;
  /** Incoming heart-beat check. */
  checkSilence(now: number): void;
}

/**
 * What a session needs from the broker; implemented by StompBroker. Sessions are named by id (the
 * broker finds them in its session registry), so this module does not depend on the session class.
 */
export interface SessionHost {
  readonly options: ResolvedStompOptions;
  readonly logger: Logger;
  readonly counters: StompCounters;
  /** Every subscription of the broker, sessions' included (a session's own are `ofSession(id)`). */
  readonly subscriptions: SubscriptionRegistry;
  readonly exceptionHandler: StompExceptionHandler;
  /** Shared timers: outgoing heart-beats by send period, silence checks by check period. */
  readonly heartbeatsOut: PeriodicGroups<HeartbeatMember>;
  readonly heartbeatChecks: PeriodicGroups<HeartbeatMember>;
  authenticate(request: StompConnectRequest): Promise<StompPrincipal>;
  /**
   * Whether an authenticated principal may open one more session now (the per-user cap, a
   * credential revoked while the CONNECT was being authenticated); the session is bound to its user
   * right after, in the same tick.
   */
  admit(principal: StompPrincipal): ConnectRefusal | undefined;
  canSubscribe(session: StompSessionInfo, destination: string): Promise<boolean>;
  canSend(session: StompSessionInfo, destination: string): Promise<boolean>;
  /**
   * Check a SEND as far as possible without running its handler (a handler exists, the payload is
   * valid): before a transaction holds it. Rejects with the error the handler's call would give.
   */
  validateSend(session: StompSessionInfo, destination: string, frame: StompFrame): Promise<void>;
  /** Whether the handler of this destination is `@Pipelined()` (false for no handler). */
  pipelined(destination: string): boolean;
  /** Run the application handler of a SEND; rejects with the handler's error. */
  dispatch(
    session: StompSessionInfo,
    destination: string,
    frame: StompFrame,
    order: StompFrameOrder,
  ): Promise<void>;
  /** Deliver an application error to the session's error destination. */
  reportError(sessionId: string, destination: string, error: unknown, receiptId: string | undefined): void;
  sessionConnected(sessionId: string): void;
  sessionClosed(sessionId: string, reason: StompDisconnectReason, wasConnected: boolean): void;
  nacked(sessionId: string, subscriptionId: string, messageId: string): void;
}
