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
import { randomBytes, randomUUID } from 'node:crypto';
import { InProcessStompBus } from '../bus/in-process.bus';
import { StompBus, StompBusMessage, StompDestinationMatch, matchesDestination } from '../bus/stomp-bus';
import type { StompFrame } from '../frame/stomp-frame';
import { StompHandlerRegistry } from '../handlers/stomp-handler.registry';
import type { SessionHost, StompCounters } from '../session/session-host';
import { StompSession, matchesPrefix } from '../session/stomp-session';
import type { Subscription } from '../session/subscription';
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
  StompDisconnectReason,
  StompFanoutTiming,
  StompPrincipal,
  StompSessionInfo,
} from '../stomp.interfaces';
import type { ResolvedStompOptions } from '../stomp.options';
import type { StompConnection } from '../transport/stomp-connection';
import { PreparedMessage } from './prepared-message';
import { PeriodicGroups } from '../session/periodic-groups';

/** A message body: bytes, text, or any other value (sent as JSON with `content-type: application/json`). */
export type StompBody = Buffer | string | object | number | boolean | null;

export interface StompErrorPayload {
  status: number;
  message: string;
  destination: string;
  receiptId?: string;
  errors?: unknown;
}

interface HttpLikeError {
  getStatus(): number;
  getResponse?(): unknown;
  message: string;
}

function isHttpLike(error: unknown): error is HttpLikeError {
  return (
    typeof error === 'object' && error !== null && typeof (error as HttpLikeError).getStatus === 'function'
  );
}

/**
 * The broker: owns the sessions of this instance, routes client frames, and is the service the
 * application uses to publish, address users and sessions, revoke subscriptions and disconnect users.
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
  };

  private readonly instanceId = randomBytes(4).toString('hex');
  private messageSeq = 0;
  private readonly sessions = new Map<string, StompSession>();
  private readonly userSessions = new Map<string, Set<StompSession>>();
  private readonly topics = new Map<string, Set<Subscription>>();
  private subscriptionCount = 0;
  private authenticator: StompAuthenticator | undefined;
  private authorizer: StompAuthorizer | undefined;
  private bus: StompBus = new InProcessStompBus();
  private unsubscribeBus: (() => void) | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  /** @internal */
  readonly heartbeatsOut = new PeriodicGroups<StompSession>((session) => session.heartbeatDue());
  /** @internal */
  readonly heartbeatChecks = new PeriodicGroups<StompSession>((session, now) => session.checkSilence(now));
  private fanoutObserver: ((timing: StompFanoutTiming) => void) | undefined;

  constructor(
    @Inject(STOMP_MODULE_OPTIONS) readonly options: ResolvedStompOptions,
    private readonly handlers: StompHandlerRegistry,
    @Optional() private readonly moduleRef?: ModuleRef,
  ) {}

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
    const [bytes, contentType] = toBytes(body);
    return await this.toBus({
      type: 'user',
      userId,
      destination: this.userDestination(destination),
      headers: withContentType(headers, contentType),
      body: bytes,
    });
  }

  /** Send to one session (wherever it lives) subscribed to `/user<destination>`. */
  async sendToSession(
    sessionId: string,
    destination: string,
    body: StompBody,
    headers: Record<string, string> = {},
  ): Promise<void> {
    const [bytes, contentType] = toBytes(body);
    return await this.toBus({
      type: 'session',
      sessionId,
      destination: this.userDestination(destination),
      headers: withContentType(headers, contentType),
      body: bytes,
    });
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

  /** Send ERROR with `message` to every session of the user, cluster-wide, and close them. */
  async disconnectUser(userId: string, message: string): Promise<void> {
    return await this.toBus({ type: 'disconnect-user', userId, message });
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
    return [...(this.userSessions.get(userId) ?? [])];
  }

  stats(): StompBrokerStats {
    return { sessions: this.sessions.size, subscriptions: this.subscriptionCount, ...this.counters };
  }

  /** Observe how long each local fan-out took (for metrics); pass undefined to stop. */
  setFanoutObserver(observer: ((timing: StompFanoutTiming) => void) | undefined): void {
    this.fanoutObserver = observer;
  }

  // ------------------------------------------------------------------ transport entry point

  /** @internal Called by transports for each new connection. */
  openSession(connection: StompConnection): StompSession {
    const session = new StompSession(randomUUID(), connection, this);
    this.sessions.set(session.id, session);
    return session;
  }

  // ------------------------------------------------------------------ SessionHost

  /** @internal */
  async authenticate(session: StompSession, headers: Record<string, string>): Promise<StompPrincipal> {
    if (!this.authenticator) return { id: `anonymous-${session.id}`, name: 'anonymous' };
    return this.authenticator.authenticate({
      headers,
      remoteAddress: session.remoteAddress,
      transport: session.transport,
      httpHeaders: session.httpHeaders,
      sessionId: session.id,
    });
  }

  /** @internal */
  async canSubscribe(session: StompSession, destination: string): Promise<boolean> {
    return this.authorizer ? await this.authorizer.canSubscribe(session, destination) : true;
  }

  /** @internal */
  async canSend(session: StompSession, destination: string): Promise<boolean> {
    return this.authorizer?.canSend ? await this.authorizer.canSend(session, destination) : true;
  }

  /** @internal */
  async dispatch(session: StompSession, destination: string, frame: StompFrame): Promise<void> {
    const prefix =
      this.options.applicationDestinationPrefixes.find((p) => matchesPrefix(destination, [p])) ?? '';
    const path = destination.slice(prefix.length).replace(/^\/+/, '');
    const match = this.handlers.find(path);
    if (!match) throw new NoHandlerError(destination);
    const { handler, variables } = match;
    const args = await this.handlers.resolveArguments(handler, { session, destination, frame, variables });
    const result = await handler.invoke(...args);
    if (result === undefined) return;
    if (handler.sendToUser && session.principal) {
      if (handler.sendToUser.broadcast)
        await this.sendToUser(session.principal.id, handler.sendToUser.destination, result);
      else await this.sendToSession(session.id, handler.sendToUser.destination, result);
    }
    if (handler.sendTo) await this.publish(handler.sendTo, result);
  }

  /** @internal */
  reportError(
    session: StompSession,
    destination: string,
    error: unknown,
    receiptId: string | undefined,
  ): void {
    const payload: StompErrorPayload = { status: 500, message: 'Internal server error', destination };
    if (error instanceof NoHandlerError) {
      payload.status = 404;
      payload.message = error.message;
    } else if (isHttpLike(error)) {
      payload.status = error.getStatus();
      const response = error.getResponse?.();
      const body =
        typeof response === 'object' && response !== null ? (response as Record<string, unknown>) : {};
      const message = body.message ?? response ?? error.message;
      payload.message = Array.isArray(message) ? message.join('; ') : String(message);
      if (body.errors !== undefined) payload.errors = body.errors;
    } else {
      const mapped = this.options.mapError?.(error);
      if (mapped) {
        payload.status = mapped.status;
        payload.message = mapped.message;
      }
      if (!mapped || mapped.status >= 500) {
        this.logger[mapped ? 'warn' : 'error']({
          msg: `STOMP handler for ${destination} failed`,
          sessionId: session.id,
          status: payload.status,
          err: error,
        });
      }
    }
    if (receiptId !== undefined) payload.receiptId = receiptId;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (receiptId !== undefined) headers['receipt-id'] = receiptId;
    this.deliverToSession(
      session,
      this.options.errorDestination,
      headers,
      Buffer.from(JSON.stringify(payload)),
    );
  }

  /** @internal */
  addSubscription(subscription: Subscription): void {
    this.subscriptionCount++;
    if (subscription.userDestination !== undefined) return;
    let set = this.topics.get(subscription.destination);
    if (!set) {
      set = new Set();
      this.topics.set(subscription.destination, set);
    }
    set.add(subscription);
  }

  /** @internal */
  removeSubscription(subscription: Subscription): void {
    this.subscriptionCount--;
    if (subscription.userDestination !== undefined) return;
    const set = this.topics.get(subscription.destination);
    if (!set) return;
    set.delete(subscription);
    if (set.size === 0) this.topics.delete(subscription.destination);
  }

  /** @internal */
  sessionConnected(session: StompSession): void {
    const userId = (session.principal as StompPrincipal).id;
    let set = this.userSessions.get(userId);
    if (!set) {
      set = new Set();
      this.userSessions.set(userId, set);
    }
    set.add(session);
    this.logger.debug({
      msg: 'STOMP session connected',
      sessionId: session.id,
      userId,
      transport: session.transportName,
    });
    this.events.emit('connected', { session });
  }

  /** @internal */
  sessionClosed(session: StompSession, reason: StompDisconnectReason, wasConnected: boolean): void {
    this.sessions.delete(session.id);
    for (const subscription of [...session.subscriptions.values()]) session.removeSubscription(subscription);
    if (!wasConnected) return;
    const userId = (session.principal as StompPrincipal).id;
    const set = this.userSessions.get(userId);
    set?.delete(session);
    if (set?.size === 0) this.userSessions.delete(userId);
    this.logger.debug({ msg: `STOMP session closed (${reason})`, sessionId: session.id, userId });
    this.events.emit('disconnected', { session, reason });
  }

  /** @internal */
  nacked(session: StompSession, subscriptionId: string, messageId: string): void {
    this.events.emit('nack', { session, subscriptionId, messageId });
  }

  // ------------------------------------------------------------------ delivery

  private async toBus(message: StompBusMessage): Promise<void> {
    await this.bus.publish(message);
  }

  private onBusMessage(message: StompBusMessage): void {
    try {
      switch (message.type) {
        case 'broadcast':
          return this.deliverBroadcast(message.destination, message.headers, toBuffer(message.body));
        case 'user': {
          const sessions = this.userSessions.get(message.userId);
          if (!sessions) return;
          const prepared = this.prepare(
            this.options.userDestinationPrefix + message.destination,
            message.headers,
            message.body,
          );
          for (const session of sessions) this.deliverUserMessage(session, message.destination, prepared);
          return;
        }
        case 'session': {
          const session = this.sessions.get(message.sessionId);
          if (session)
            this.deliverToSession(session, message.destination, message.headers, toBuffer(message.body));
          return;
        }
        case 'revoke':
          return this.revokeLocal(message.userId, message.match, message.notice);
        case 'disconnect-user':
          for (const session of [...(this.userSessions.get(message.userId) ?? [])]) {
            session.closeWithError(message.message, 'server-disconnect', StompCloseCode.POLICY_VIOLATION);
          }
          return;
      }
    } catch (error) {
      this.logger.error({ msg: `Failed to deliver a ${message.type} bus message`, err: error });
    }
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

  private deliverBroadcast(destination: string, headers: Record<string, string>, body: Buffer): void {
    const subscriptions = this.topics.get(destination);
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

  private deliverUserMessage(
    session: StompSession,
    userDestination: string,
    prepared: PreparedMessage,
  ): void {
    const subscriptions = session.userSubscriptions?.get(userDestination);
    if (!subscriptions) return;
    for (const subscription of subscriptions) session.deliver(subscription, prepared);
  }

  private deliverToSession(
    session: StompSession,
    userDestination: string,
    headers: Record<string, string>,
    body: Buffer,
  ): void {
    if (!session.userSubscriptions?.has(userDestination)) {
      this.logger.debug({
        msg: `No subscription to ${userDestination}, message dropped`,
        sessionId: session.id,
      });
      return;
    }
    const prepared = this.prepare(this.options.userDestinationPrefix + userDestination, headers, body);
    this.deliverUserMessage(session, userDestination, prepared);
  }

  private revokeLocal(userId: string, match: StompDestinationMatch, notice: string | undefined): void {
    for (const session of this.userSessions.get(userId) ?? []) {
      for (const subscription of [...session.subscriptions.values()]) {
        if (!matchesDestination(subscription.destination, match)) continue;
        session.removeSubscription(subscription);
        this.logger.debug({
          msg: `Subscription to ${subscription.destination} revoked`,
          sessionId: session.id,
        });
        if (notice !== undefined) {
          const payload = { status: 403, message: notice, destination: subscription.destination };
          this.deliverToSession(
            session,
            this.options.errorDestination,
            { 'content-type': 'application/json' },
            Buffer.from(JSON.stringify(payload)),
          );
        }
      }
    }
  }

  private userDestination(destination: string): string {
    const prefix = this.options.userDestinationPrefix;
    const inner = matchesPrefix(destination, [prefix]) ? destination.slice(prefix.length) : destination;
    if (!inner.startsWith('/') || inner.length < 2)
      throw new Error(`Invalid user destination ${destination}`);
    return inner;
  }

  private sweep(): void {
    const now = Date.now();
    for (const session of this.sessions.values()) session.checkDeadlines(now);
  }
}

class NoHandlerError extends Error {
  constructor(destination: string) {
    super(`No handler for ${destination}`);
  }
}

function toBuffer(body: Buffer | string): Buffer {
  return typeof body === 'string' ? Buffer.from(body) : body;
}

function toBytes(body: StompBody): [Buffer, string | undefined] {
  if (Buffer.isBuffer(body)) return [body, undefined];
  if (typeof body === 'string') return [Buffer.from(body), 'text/plain;charset=UTF-8'];
  return [Buffer.from(JSON.stringify(body)), 'application/json'];
}

function withContentType(
  headers: Record<string, string>,
  contentType: string | undefined,
): Record<string, string> {
  if (!contentType || headers['content-type'] !== undefined) return headers;
  return { ...headers, 'content-type': contentType };
}
