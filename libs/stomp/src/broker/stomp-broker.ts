import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationShutdown,
  OnModuleInit,
  Optional,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { InProcessStompBus } from '../bus/in-process.bus';
import type {
  StompBus,
  StompBusMessage,
  StompCredentialMatch,
  StompDestinationMatch,
} from '../bus/stomp-bus';
import { innerUserDestination, matchesPrefix } from '../destination-prefix';
import type { StompFrame } from '../frame/stomp-frame';
import { findHandler, invokeHandler, resolveHandler } from '../handlers/stomp-handler.invoke';
import { StompHandlerRegistry } from '../handlers/stomp-handler.registry';
import { PeriodicGroups } from '../session/periodic-groups';
import { IMMEDIATE_ORDER } from '../session/send-pipeline';
import type { ConnectRefusal, HeartbeatMember, SessionHost } from '../session/session-host';
import { StompSession } from '../session/stomp-session';
import {
  STOMP_AUTHENTICATOR,
  STOMP_AUTHORIZER,
  STOMP_BUS,
  STOMP_MODULE_OPTIONS,
  StompCloseCode,
} from '../stomp.constants';
import { StompEvents } from '../stomp-events';
import type {
  StompAuthenticator,
  StompAuthorizer,
  StompBrokerStats,
  StompCounters,
  StompConnectRequest,
  StompDisconnectReason,
  StompFanoutTiming,
  StompFrameOrder,
  StompPrincipal,
  StompSessionInfo,
} from '../stomp.interfaces';
import type { ResolvedStompOptions } from '../stomp.options';
import type { StompConnection } from '../transport/stomp-connection';
import { AccessControl } from './access-control';
import { LocalDelivery } from './local-delivery';
import { StompBody, toBytes, withContentType } from './message-body';
import { SessionRegistry } from './session-registry';
import { StompExceptionHandler } from './stomp-exception-handler';
import { SubscriptionRegistry } from './subscription-registry';

export type { StompBody } from './message-body';
export type { StompErrorPayload } from './stomp-exception-handler';

/**
 * The broker facade, after Spring's `SimpleBrokerMessageHandler`: the service the application uses
 * to publish, address users and sessions, revoke subscriptions and disconnect users, and the host
 * its sessions call back. The work is done by its parts: {@link SessionRegistry} and
 * {@link SubscriptionRegistry} (who is connected and subscribed to what), {@link StompExceptionHandler}
 * (errors to payloads and ERROR frames), {@link LocalDelivery} (bus messages to local sessions) and the
 * {@link StompHandlerRegistry} (SENDs to `@MessageMapping` methods).
 */
@Injectable()
export class StompBroker
  implements SessionHost, OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown
{
  readonly logger = new Logger('StompBroker');
  /** Session lifecycle events: `connected`, `disconnected` (with reason), `nack`. */
  readonly events = new StompEvents(this.logger);
  /** @internal */
  readonly counters: StompCounters = {
    framesIn: 0,
    framesOut: 0,
    messagesDelivered: 0,
    slowConsumerCloses: 0,
    protocolErrors: 0,
    connectionsRefused: 0,
    sessionsRefused: 0,
    unackedMessages: 0,
  };
  /** @internal */
  readonly subscriptions = new SubscriptionRegistry();
  /** @internal */
  readonly exceptionHandler: StompExceptionHandler;
  /** @internal */
  readonly heartbeatsOut = new PeriodicGroups<HeartbeatMember>((session) => session.heartbeatDue());
  /** @internal */
  readonly heartbeatChecks = new PeriodicGroups<HeartbeatMember>((session, now) => session.checkSilence(now));

  private readonly sessions = new SessionRegistry();
  private readonly delivery: LocalDelivery;
  private readonly access: AccessControl;
  private authenticator: StompAuthenticator | undefined;
  private authorizer: StompAuthorizer | undefined;
  private bus: StompBus = new InProcessStompBus();
  private unsubscribeBus: (() => void) | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(STOMP_MODULE_OPTIONS) readonly options: ResolvedStompOptions,
    private readonly handlers: StompHandlerRegistry,
    @Optional() private readonly moduleRef?: ModuleRef,
  ) {
    this.exceptionHandler = new StompExceptionHandler(options, this.logger);
    this.delivery = new LocalDelivery(
      options,
      this.sessions,
      this.subscriptions,
      this.exceptionHandler,
      this.logger,
    );
    this.access = new AccessControl(
      this.sessions,
      this.subscriptions,
      {
        canSubscribe: (session, destination) => this.canSubscribe(session, destination),
        notify: (session, notice, destination) =>
          this.delivery.sendError(session, this.exceptionHandler.revoked(notice, destination)),
        checkFailed: (session, error) =>
          session.closeWithError(
            this.exceptionHandler.frameFailed(error, session.id),
            'server-disconnect',
            StompCloseCode.POLICY_VIOLATION,
          ),
      },
      this.logger,
    );
  }

  onModuleInit(): void {
    this.authenticator = this.lookup<StompAuthenticator>(STOMP_AUTHENTICATOR);
    this.authorizer = this.lookup<StompAuthorizer>(STOMP_AUTHORIZER);
    this.bus = this.lookup<StompBus>(STOMP_BUS) ?? this.bus;
    if (!this.authenticator) {
      this.logger.warn(
        'No STOMP_AUTHENTICATOR provided: every CONNECT is accepted as an anonymous principal',
      );
    }
    this.unsubscribeBus = this.bus.subscribe((message) => this.onBusMessage(message));
    const timeout = this.options.limits.slowConsumerTimeoutMs;
    this.sweepTimer = setInterval(() => this.sweep(), Math.max(50, Math.min(1000, Math.floor(timeout / 4))));
    this.sweepTimer.unref();
  }

  /** Graceful shutdown: sessions get an ERROR and a close before the HTTP server closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.closeAll();
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweepTimer);
    this.heartbeatsOut.clear();
    this.heartbeatChecks.clear();
    this.unsubscribeBus?.();
    for (const session of [...this.sessions.values()])
      session.close('shutdown', this.options.shutdownCloseCode);
  }

  private lookup<T>(token: symbol): T | undefined {
    if (!this.moduleRef) return undefined;
    try {
      return this.moduleRef.get<T>(token, { strict: false });
    } catch {
      return undefined;
    }
  }

  // ------------------------------------------------------------------ public API

  /** Broadcast to every subscriber of a broker destination (e.g. `/topic/rooms/1`) on every instance. */
  async publish(destination: string, body: StompBody, headers: Record<string, string> = {}): Promise<void> {
    if (!matchesPrefix(destination, this.options.brokerDestinationPrefixes)) {
      throw new Error(
        `${destination} is not a broker destination (${this.options.brokerDestinationPrefixes.join(', ')})`,
      );
    }
    const [bytes, contentType] = toBytes(body);
    return await this.toBus({
      type: 'broadcast',
      destination,
      headers: withContentType(headers, contentType),
      body: bytes,
    });
  }

  /** Send to every session of a user (on every instance) subscribed to `/user<destination>`. */
  async sendToUser(
    userId: string,
    destination: string,
    body: StompBody,
    headers: Record<string, string> = {},
  ): Promise<void> {
    return await this.toBus({ type: 'user', userId, ...this.userMessage(destination, body, headers) });
  }

  /** Send to one session (wherever it lives) subscribed to `/user<destination>`. */
  async sendToSession(
    sessionId: string,
    destination: string,
    body: StompBody,
    headers: Record<string, string> = {},
  ): Promise<void> {
    return await this.toBus({ type: 'session', sessionId, ...this.userMessage(destination, body, headers) });
  }

  /** The bus message of a `/user` send: the inner destination, the body's bytes and content type. */
  private userMessage(destination: string, body: StompBody, headers: Record<string, string>) {
    const [bytes, contentType] = toBytes(body);
    return {
      destination: innerUserDestination(destination, this.options.userDestinationPrefix),
      headers: withContentType(headers, contentType),
      body: bytes,
    };
  }

  /**
   * Cancel a user's live subscriptions, cluster-wide. A string is an exact destination, or a prefix
   * when it ends with `/**` (`/topic/rooms/5/**` matches `/topic/rooms/5` and `/topic/rooms/5/typing`).
   * With a notice, each affected session gets `{status: 403, message: notice, destination}` on its
   * error destination.
   */
  async revokeSubscriptions(
    userId: string,
    destination: string | StompDestinationMatch,
    notice?: string,
  ): Promise<void> {
    const match: StompDestinationMatch =
      typeof destination !== 'string'
        ? destination
        : destination.endsWith('/**')
          ? { prefix: destination.slice(0, -3) }
          : { exact: destination };
    return await this.toBus({ type: 'revoke', userId, match, notice });
  }

  /**
   * Send ERROR with `message` to every session of the user, cluster-wide, and close them. With
   * `only`, just the sessions authenticated with that credential (`StompPrincipal.credential`): one
   * credential id, or every generation below a number (e.g. tokens older than a password change).
   * A selective disconnect is also remembered for a while on every instance, so a CONNECT whose
   * authentication with that credential was already under way is refused when it lands.
   */
  async disconnectUser(userId: string, message: string, only?: StompCredentialMatch): Promise<void> {
    return await this.toBus(
      only
        ? { type: 'disconnect-user', userId, message, only }
        : { type: 'disconnect-user', userId, message },
    );
  }

  /**
   * Authorize every subscription of a user again, cluster-wide: the authorizer's `canSubscribe` runs
   * once more for each, and those refused now are removed, each session told `notice` (as a 403 on
   * its error destination). For changes the app cannot name destinations for, e.g. a user's roles.
   */
  async reauthorize(userId: string, notice?: string): Promise<void> {
    return await this.toBus(
      notice === undefined ? { type: 'reauthorize', userId } : { type: 'reauthorize', userId, notice },
    );
  }

  /**
   * Graceful shutdown of this instance: ERROR ("Server shutting down") and close every session with
   * the shutdown close code (1012 by default). Resolves once the close frames had a moment to flush.
   */
  async closeAll(message = this.options.shutdownMessage): Promise<void> {
    const sessions = [...this.sessions.values()];
    for (const session of sessions) {
      session.closeWithError(message, 'shutdown', this.options.shutdownCloseCode);
    }
    if (sessions.length > 0) {
      // Give the ERROR and close frames a moment to flush; sockets that do not close are destroyed after closeGraceMs.
      await new Promise<void>((resolve) =>
        setTimeout(resolve, Math.min(this.options.closeGraceMs, 200)).unref(),
      );
    }
  }

  /** Live session of this instance. */
  getSession(sessionId: string): StompSessionInfo | undefined {
    return this.sessions.get(sessionId);
  }

  /** Live sessions of a user on this instance. */
  getUserSessions(userId: string): StompSessionInfo[] {
    return [...this.sessions.ofUser(userId)];
  }

  stats(): StompBrokerStats {
    return { sessions: this.sessions.size, subscriptions: this.subscriptions.size, ...this.counters };
  }

  /** Observe how long each local fan-out took (for metrics); pass undefined to stop. */
  setFanoutObserver(observer: ((timing: StompFanoutTiming) => void) | undefined): void {
    this.delivery.fanoutObserver = observer;
  }

  // ------------------------------------------------------------------ transport entry point

  /** @internal Called by transports for each new connection. */
  openSession(connection: StompConnection): StompSession {
    const session = new StompSession(randomUUID(), connection, this);
    this.sessions.add(session);
    return session;
  }

  // ------------------------------------------------------------------ SessionHost

  /** @internal */
  async authenticate(request: StompConnectRequest): Promise<StompPrincipal> {
    if (!this.authenticator) return { id: `anonymous-${request.sessionId}`, name: 'anonymous' };
    return this.authenticator.authenticate(request);
  }

  /** @internal */
  admit(principal: StompPrincipal): ConnectRefusal | undefined {
    const revoked = this.access.revokedMessage(principal, Date.now());
    if (revoked !== undefined) return { message: revoked, reason: 'server-disconnect' };
    const max = this.options.limits.maxSessionsPerUser;
    if (max > 0 && this.sessions.ofUser(principal.id).size >= max) {
      this.counters.sessionsRefused++;
      return { message: `Too many sessions for this user (max ${max})`, reason: 'too-many-sessions' };
    }
    return undefined;
  }

  /** @internal */
  async canSubscribe(session: StompSessionInfo, destination: string): Promise<boolean> {
    return this.authorizer ? await this.authorizer.canSubscribe(session, destination) : true;
  }

  /** @internal */
  async canSend(session: StompSessionInfo, destination: string): Promise<boolean> {
    return this.authorizer?.canSend ? await this.authorizer.canSend(session, destination) : true;
  }

  /** @internal Find the handler of a SEND and validate its arguments, without running it. */
  async validateSend(session: StompSessionInfo, destination: string, frame: StompFrame): Promise<void> {
    await resolveHandler(
      this.handlers,
      this.options.applicationDestinationPrefixes,
      session,
      destination,
      frame,
      IMMEDIATE_ORDER,
    );
  }

  /** @internal */
  pipelined(destination: string): boolean {
    const prefixes = this.options.applicationDestinationPrefixes;
    if (!matchesPrefix(destination, prefixes)) return false;
    return findHandler(this.handlers, prefixes, destination)?.handler.pipelined === true;
  }

  /** @internal Run the `@MessageMapping` handler of a SEND and route its return value. */
  async dispatch(
    session: StompSessionInfo,
    destination: string,
    frame: StompFrame,
    order: StompFrameOrder,
  ): Promise<void> {
    const { handler, result } = await invokeHandler(
      this.handlers,
      this.options.applicationDestinationPrefixes,
      session,
      destination,
      frame,
      order,
    );
    if (result === undefined) return;
    if (handler.sendToUser && session.principal) {
      if (handler.sendToUser.broadcast)
        await this.sendToUser(session.principal.id, handler.sendToUser.destination, result);
      else await this.sendToSession(session.id, handler.sendToUser.destination, result);
    }
    if (handler.sendTo) await this.publish(handler.sendTo, result);
  }

  /** @internal */
  reportError(sessionId: string, destination: string, error: unknown, receiptId: string | undefined): void {
    const payload = this.exceptionHandler.handlerFailed(error, destination, sessionId, receiptId);
    const session = this.sessions.get(sessionId);
    if (session) this.delivery.sendError(session, payload, receiptId);
  }

  /** @internal */
  sessionConnected(sessionId: string): void {
    const session = this.sessions.get(sessionId);
    if (!session) return;
    const userId = (session.principal as StompPrincipal).id;
    this.sessions.bindUser(userId, session);
    this.logger.debug({
      msg: 'STOMP session connected',
      sessionId,
      userId,
      transport: session.transportName,
    });
    this.events.emit('connected', { session });
  }

  /** @internal */
  sessionClosed(sessionId: string, reason: StompDisconnectReason, wasConnected: boolean): void {
    const session = this.sessions.get(sessionId);
    if (!session) return;
    const userId = wasConnected ? (session.principal as StompPrincipal).id : undefined;
    this.sessions.remove(session, userId);
    this.subscriptions.removeAll(sessionId);
    if (userId === undefined) return;
    this.logger.debug({ msg: `STOMP session closed (${reason})`, sessionId, userId });
    this.events.emit('disconnected', { session, reason });
  }

  /** @internal */
  nacked(sessionId: string, subscriptionId: string, messageId: string): void {
    const session = this.sessions.get(sessionId);
    if (session) this.events.emit('nack', { session, subscriptionId, messageId });
  }

  // ------------------------------------------------------------------ internals

  private async toBus(message: StompBusMessage): Promise<void> {
    await this.bus.publish(message);
  }

  /** A bus message (from this instance or another): access control first, then local delivery. */
  private onBusMessage(message: StompBusMessage): void {
    switch (message.type) {
      case 'disconnect-user':
        if (message.only) {
          const sessions = this.access.revokeCredentials(
            message.userId,
            message.only,
            message.message,
            Date.now(),
          );
          for (const session of sessions)
            session.closeWithError(message.message, 'server-disconnect', StompCloseCode.POLICY_VIOLATION);
          return;
        }
        break;
      case 'revoke':
        this.access.accessChanged(message.userId);
        break;
      case 'reauthorize':
        this.access
          .reauthorize(message.userId, message.notice)
          .catch((err: unknown) => this.logger.error({ msg: 'Re-authorizing subscriptions failed', err }));
        return;
    }
    this.delivery.onBusMessage(message);
  }

  private sweep(): void {
    const now = Date.now();
    for (const session of this.sessions.values()) session.checkDeadlines(now);
    this.access.sweep(now);
  }
}
