import type { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { StompBusMessage, StompDestinationMatch } from '../bus/stomp-bus';
import type { StompSession } from '../session/stomp-session';
import { StompCloseCode } from '../stomp.constants';
import type { StompFanoutTiming } from '../stomp.interfaces';
import type { ResolvedStompOptions } from '../stomp.options';
import { toBuffer } from './message-body';
import { PreparedMessage } from './prepared-message';
import type { SessionRegistry } from './session-registry';
import type { StompErrorPayload, StompExceptionHandler } from './stomp-exception-handler';
import type { SubscriptionRegistry } from './subscription-registry';

const JSON_HEADERS: Readonly<Record<string, string>> = { 'content-type': 'application/json' };

/**
 * What this instance does with a bus message: encode it once ({@link PreparedMessage}) and write it
 * to the local subscribers the registries name, or apply a control operation (revoke, disconnect).
 */
export class LocalDelivery {
  /** Observer of how long each local fan-out took (for metrics). */
  fanoutObserver: ((timing: StompFanoutTiming) => void) | undefined;
  private readonly instanceId = randomBytes(4).toString('hex');
  private messageSeq = 0;

  constructor(
    private readonly options: ResolvedStompOptions,
    private readonly sessions: SessionRegistry,
    private readonly subscriptions: SubscriptionRegistry,
    private readonly exceptions: StompExceptionHandler,
    private readonly logger: Logger,
  ) {}

  onBusMessage(message: StompBusMessage): void {
    try {
      switch (message.type) {
        case 'broadcast':
          return this.broadcast(message.destination, message.headers, toBuffer(message.body));
        case 'user': {
          const sessions = this.sessions.ofUser(message.userId);
          if (sessions.size === 0) return;
          const prepared = this.prepare(
            this.options.userDestinationPrefix + message.destination,
            message.headers,
            message.body,
          );
          for (const session of sessions) this.toUserDestination(session, message.destination, prepared);
          return;
        }
        case 'session': {
          const session = this.sessions.get(message.sessionId);
          if (session) this.toSession(session, message.destination, message.headers, toBuffer(message.body));
          return;
        }
        case 'revoke':
          return this.revoke(message.userId, message.match, message.notice);
        case 'disconnect-user':
          for (const session of [...this.sessions.ofUser(message.userId)]) {
            session.closeWithError(message.message, 'server-disconnect', StompCloseCode.POLICY_VIOLATION);
          }
          return;
      }
    } catch (error) {
      this.logger.error({ msg: `Failed to deliver a ${message.type} bus message`, err: error });
    }
  }

  /** Put an error payload on the session's error destination. */
  sendError(session: StompSession, payload: StompErrorPayload, receiptId?: string): void {
    const headers =
      receiptId === undefined ? { ...JSON_HEADERS } : { ...JSON_HEADERS, 'receipt-id': receiptId };
    this.toSession(session, this.options.errorDestination, headers, Buffer.from(JSON.stringify(payload)));
  }

  private prepare(
    destination: string,
    headers: Record<string, string>,
    body: Buffer | string,
  ): PreparedMessage {
    return new PreparedMessage(
      destination,
      `${this.instanceId}-${++this.messageSeq}`,
      headers,
      toBuffer(body),
    );
  }

  private broadcast(destination: string, headers: Record<string, string>, body: Buffer): void {
    const subscriptions = this.subscriptions.findByDestination(destination);
    if (!subscriptions) return;
    const started = this.fanoutObserver ? process.hrtime.bigint() : 0n;
    const prepared = this.prepare(destination, headers, body);
    // A delivery may close a slow consumer, which deletes its subscription from this Set; Set iteration
    // tolerates deletion, so no per-broadcast copy is needed.
    let deliveries = 0;
    for (const subscription of subscriptions) {
      subscription.session.deliver(subscription, prepared);
      deliveries++;
    }
    if (this.fanoutObserver) {
      this.fanoutObserver({
        destination,
        deliveries,
        durationNs: process.hrtime.bigint() - started,
      });
    }
  }

  private toUserDestination(session: StompSession, userDestination: string, prepared: PreparedMessage): void {
    const subscriptions = this.subscriptions.findUserSubscriptions(session.id, userDestination);
    if (!subscriptions) return;
    for (const subscription of subscriptions) session.deliver(subscription, prepared);
  }

  private toSession(
    session: StompSession,
    userDestination: string,
    headers: Record<string, string>,
    body: Buffer,
  ): void {
    if (!this.subscriptions.findUserSubscriptions(session.id, userDestination)) {
      this.logger.debug({
        msg: `No subscription to ${userDestination}, message dropped`,
        sessionId: session.id,
      });
      return;
    }
    const prepared = this.prepare(this.options.userDestinationPrefix + userDestination, headers, body);
    this.toUserDestination(session, userDestination, prepared);
  }

  private revoke(userId: string, match: StompDestinationMatch, notice: string | undefined): void {
    for (const session of this.sessions.ofUser(userId)) {
      for (const subscription of this.subscriptions.match(session.id, match)) {
        this.subscriptions.remove(session.id, subscription.id);
        this.logger.debug({
          msg: `Subscription to ${subscription.destination} revoked`,
          sessionId: session.id,
        });
        if (notice !== undefined) {
          this.sendError(session, this.exceptions.revoked(notice, subscription.destination));
        }
      }
    }
  }
}
