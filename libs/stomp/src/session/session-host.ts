import type { Logger } from '@nestjs/common';
import type { StompFrame } from '../frame/stomp-frame';
import type { ResolvedStompOptions } from '../stomp.options';
import type { StompDisconnectReason, StompPrincipal } from '../stomp.interfaces';
import type { PeriodicGroups } from './periodic-groups';
import type { StompSession } from './stomp-session';
import type { Subscription } from './subscription';

/** Counters shared by all sessions of one broker. */
export interface StompCounters {
  framesIn: number;
  framesOut: number;
  messagesDelivered: number;
  slowConsumerCloses: number;
  protocolErrors: number;
  /** Sockets refused at accept time by `limits.maxConnectionsPerAddress`. */
  connectionsRefused: number;
}

/** What a session needs from the broker; implemented by StompBroker. */
export interface SessionHost {
  readonly options: ResolvedStompOptions;
  readonly logger: Logger;
  readonly counters: StompCounters;
  /** Shared timers: outgoing heart-beats by send period, silence checks by check period. */
  readonly heartbeatsOut: PeriodicGroups<StompSession>;
  readonly heartbeatChecks: PeriodicGroups<StompSession>;
  authenticate(session: StompSession, headers: Record<string, string>): Promise<StompPrincipal>;
  canSubscribe(session: StompSession, destination: string): Promise<boolean>;
  canSend(session: StompSession, destination: string): Promise<boolean>;
  /** Run the application handler of a SEND; rejects with the handler's error. */
  dispatch(session: StompSession, destination: string, frame: StompFrame): Promise<void>;
  /** Deliver an application error to the session's error destination. */
  reportError(
    session: StompSession,
    destination: string,
    error: unknown,
    receiptId: string | undefined,
  ): void;
  addSubscription(subscription: Subscription): void;
  removeSubscription(subscription: Subscription): void;
  sessionConnected(session: StompSession): void;
  sessionClosed(session: StompSession, reason: StompDisconnectReason, wasConnected: boolean): void;
  nacked(session: StompSession, subscriptionId: string, messageId: string): void;
}
