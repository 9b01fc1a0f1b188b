import { PreparedMessage } from '../broker/prepared-message';
import { StompDecoder } from '../frame/stomp-decoder';
import { OutgoingFrame, encodeFrame } from '../frame/stomp-encoder';
import { StompFrame, StompVersion } from '../frame/stomp-frame';
import { StompFrameError } from '../frame/stomp-frame.error';
import { StompCloseCode } from '../stomp.constants';
import type {
  StompDisconnectReason,
  StompPrincipal,
  StompSessionInfo,
  StompTransportKind,
} from '../stomp.interfaces';
import { HEARTBEAT_FRAME, OutboundFrame } from '../transport/outbound-frame';
import type { StompConnection } from '../transport/stomp-connection';
import type { SessionHost } from './session-host';
import type { StompAckMode, Subscription } from './subscription';

type SessionState = 'connecting' | 'connected' | 'closed';

/** Frames received but not yet processed; beyond this the client is flooding us. */
const MAX_PENDING_FRAMES = 1000;
/** Open transactions per session and frames held per transaction. */
const MAX_TRANSACTIONS = 64;
const MAX_TRANSACTION_FRAMES = 1000;
/** Unacknowledged messages remembered per subscription; the oldest are forgotten beyond this. */
const MAX_UNACKED = 10000;
/** The unacked set of every auto-ack subscription: never added to (deliver() skips auto). */
const NO_UNACKED: Set<string> = new Set();
const ACK_MODES = new Set<StompAckMode>(['auto', 'client', 'client-individual']);

/** Refusal that ends the session: ERROR frame, then close. */
class SessionError extends Error {
  constructor(
    message: string,
    readonly reason: StompDisconnectReason = 'protocol-error',
    readonly detail?: string,
    readonly extraHeaders?: Record<string, string>,
  ) {
    super(message);
  }
}

/**
 * One STOMP session over one transport connection: the protocol state machine. Frames of a session
 * are handled strictly one after the other (an application handler is awaited before the next frame
 * is looked at), so a client's SENDs reach the application in order.
 */
export class StompSession implements StompSessionInfo {
  /** Application data attached to the session (allocated on first use). */
  get attributes(): Map<string, unknown> {
    this.attributeMap ??= new Map();
    return this.attributeMap;
  }
  private attributeMap: Map<string, unknown> | undefined;
  /** Live subscriptions by subscription id. */
  readonly subscriptions = new Map<string, Subscription>();
  /** User-destination subscriptions by user destination (`/queue/x`); allocated by the first one. */
  userSubscriptions: Map<string, Set<Subscription>> | undefined;

  private state: SessionState = 'connecting';
  private negotiatedVersion: StompVersion = '1.2';
  private currentPrincipal: StompPrincipal | undefined;
  private readonly decoder: StompDecoder;
  private readonly queue: StompFrame[] = [];
  private processing = false;
  /** Open transactions (allocated on the first BEGIN: most sessions never use one). */
  private transactions: Map<string, StompFrame[]> | undefined;

  private lastReceivedAt = Date.now();
  private sentSinceHeartbeat = false;
  private connectTimer: NodeJS.Timeout | undefined;
  /** Heart-beat periods this session is registered with in the host's shared timers (0 = none). */
  private sendEvery = 0;
  private checkEvery = 0;
  /** Silence longer than this (ms) closes the session; 0 = not checked. */
  private silenceLimit = 0;
  /** When the principal expires (epoch ms), checked by the broker's sweep; 0 = never. */
  private expiresAt = 0;

  /** Slow-consumer bookkeeping, sampled by the broker's sweep. */
  private flushedAtLastSample = -1;
  private stalledSince = 0;

  constructor(
    readonly id: string,
    private readonly connection: StompConnection,
    private readonly host: SessionHost,
  ) {
    const { limits } = host.options;
    this.decoder = new StompDecoder({
      maxFrameBytes: limits.maxFrameBytes,
      maxHeaders: limits.maxHeaders,
      maxHeaderLineBytes: limits.maxHeaderLineBytes,
    });
    connection.bind(this);
    this.connectTimer = setTimeout(
      () => this.fail(new SessionError('CONNECT timeout', 'connect-timeout')),
      host.options.connectTimeoutMs,
    );
    this.connectTimer.unref();
  }

  get principal(): StompPrincipal | undefined {
    return this.currentPrincipal;
  }

  get version(): StompVersion {
    return this.negotiatedVersion;
  }

  get remoteAddress(): string | undefined {
    return this.connection.remoteAddress;
  }

  get transport(): StompTransportKind {
    return this.connection.kind;
  }

  get httpHeaders(): Readonly<Record<string, string | string[] | undefined>> {
    return this.connection.httpHeaders;
  }

  get transportName(): string {
    return this.connection.transportName;
  }

  get connected(): boolean {
    return this.state === 'connected';
  }

  get closed(): boolean {
    return this.state === 'closed';
  }

  // ---------------------------------------------------------------- outbound

  /** Deliver a broker message on one of this session's subscriptions. */
  deliver(subscription: Subscription, message: PreparedMessage): void {
    if (this.state !== 'connected') return;
    if (subscription.ackMode !== 'auto') {
      subscription.unacked.add(message.messageId);
      if (subscription.unacked.size > MAX_UNACKED) {
        subscription.unacked.delete(subscription.unacked.values().next().value as string);
      }
    }
    this.host.counters.messagesDelivered++;
    this.write(message.frameFor(subscription, this.negotiatedVersion));
  }

  /** Write a frame and enforce the outbound buffer limit. */
  write(frame: OutboundFrame): void {
    this.connection.write(frame);
    this.sentSinceHeartbeat = true;
    this.host.counters.framesOut++;
    if (this.connection.bufferedBytes() > this.host.options.limits.maxOutboundBufferBytes) {
      this.closeSlowConsumer('outbound buffer limit exceeded');
    }
  }

  private send(frame: OutgoingFrame): void {
    if (this.state === 'closed') return;
    this.write(new OutboundFrame(encodeFrame(frame, this.negotiatedVersion)));
  }

  private sendReceipt(frame: StompFrame): void {
    const receipt = frame.headers.receipt;
    if (receipt !== undefined) this.send({ command: 'RECEIPT', headers: { 'receipt-id': receipt } });
  }

  /** ERROR frame, then close. Used for protocol and security errors and server-initiated closes. */
  closeWithError(
    message: string,
    reason: StompDisconnectReason,
    code: number,
    options: CloseOptions = {},
  ): void {
    if (this.state === 'closed') return;
    this.send({
      command: 'ERROR',
      headers: { message, 'content-type': 'text/plain', 'receipt-id': options.receiptId, ...options.headers },
      body: options.detail ?? message,
    });
    this.close(reason, code, message);
  }

  /** Close without an ERROR frame. */
  close(
    reason: StompDisconnectReason,
    code: number = StompCloseCode.NORMAL,
    closeReason: string = reason,
  ): void {
    if (this.state === 'closed') return;
    const wasConnected = this.state === 'connected';
    this.state = 'closed';
    this.clearTimers();
    this.transactions = undefined;
    this.queue.length = 0;
    this.connection.close(code, closeReason, this.host.options.closeGraceMs);
    this.host.sessionClosed(this, reason, wasConnected);
  }

  private closeSlowConsumer(why: string): void {
    if (this.state === 'closed') return;
    this.host.counters.slowConsumerCloses++;
    this.host.logger.warn({ msg: `Closing slow consumer: ${why}`, sessionId: this.id });
    this.close('slow-consumer', StompCloseCode.SLOW_CONSUMER, 'Slow consumer');
  }

  /**
   * Called periodically by the broker's sweep (at most a second apart): closes the session when its
   * principal has expired, or when its output made no progress for too long.
   */
  checkDeadlines(now: number): void {
    if (this.state === 'closed') return;
    if (this.expiresAt !== 0 && now >= this.expiresAt) {
      this.fail(new SessionError('Token expired', 'expired'));
      return;
    }
    const flushed = this.connection.bytesFlushed();
    if (this.connection.bufferedBytes() === 0 || flushed !== this.flushedAtLastSample) {
      this.flushedAtLastSample = flushed;
      this.stalledSince = 0;
      return;
    }
    if (this.stalledSince === 0) this.stalledSince = now;
    else if (now - this.stalledSince >= this.host.options.limits.slowConsumerTimeoutMs) {
      this.closeSlowConsumer('no write progress');
    }
  }

  // ---------------------------------------------------------------- inbound

  /** @internal Bytes from the transport. */
  transportData(chunk: Buffer): void {
    if (this.state === 'closed') return;
    this.lastReceivedAt = Date.now();
    let frames: StompFrame[];
    try {
      frames = this.decoder.push(chunk);
    } catch (error) {
      const message = error instanceof StompFrameError ? error.message : 'Malformed frame';
      this.fail(new SessionError(message));
      return;
    }
    if (frames.length === 0) return;
    this.host.counters.framesIn += frames.length;
    if (this.queue.length + frames.length > MAX_PENDING_FRAMES) {
      this.fail(new SessionError('Too many unprocessed frames'));
      return;
    }
    this.queue.push(...frames);
    if (!this.processing) void this.processQueue();
  }

  /** @internal The transport closed (either side). */
  transportClosed(): void {
    this.close('transport-closed');
  }

  private async processQueue(): Promise<void> {
    this.processing = true;
    try {
      while (this.queue.length > 0 && this.state !== 'closed') {
        const frame = this.queue.shift() as StompFrame;
        try {
          await this.handleFrame(frame);
        } catch (error) {
          this.fail(error, frame);
        }
      }
    } finally {
      this.processing = false;
    }
  }

  private fail(error: unknown, frame?: StompFrame): void {
    if (this.state === 'closed') return;
    if (error instanceof SessionError) {
      if (error.reason === 'protocol-error') this.host.counters.protocolErrors++;
      this.host.logger.debug({ msg: `STOMP session error: ${error.message}`, sessionId: this.id });
      const code =
        error.reason === 'protocol-error' || error.reason === 'connect-timeout'
          ? StompCloseCode.PROTOCOL_ERROR
          : error.reason === 'heartbeat-timeout'
            ? StompCloseCode.NORMAL
            : StompCloseCode.POLICY_VIOLATION;
      this.closeWithError(error.message, error.reason, code, {
        receiptId: frame?.headers.receipt,
        detail: error.detail,
        headers: error.extraHeaders,
      });
      return;
    }
    const mapped = this.host.options.mapError?.(error);
    this.host.logger[mapped ? 'warn' : 'error']({
      msg: 'Unexpected error while handling a STOMP frame',
      sessionId: this.id,
      status: mapped?.status,
      err: error,
    });
    this.closeWithError(
      mapped?.message ?? 'Internal server error',
      'protocol-error',
      StompCloseCode.PROTOCOL_ERROR,
      { receiptId: frame?.headers.receipt },
    );
  }

  private async handleFrame(frame: StompFrame): Promise<void> {
    if (this.state === 'connecting') {
      if (frame.command !== 'CONNECT' && frame.command !== 'STOMP') {
        throw new SessionError(`Expected CONNECT, got ${frame.command}`);
      }
      return this.handleConnect(frame);
    }
    switch (frame.command) {
      case 'SEND':
        return this.handleSend(frame);
      case 'SUBSCRIBE':
        return this.handleSubscribe(frame);
      case 'UNSUBSCRIBE':
        return this.handleUnsubscribe(frame);
      case 'ACK':
      case 'NACK':
        return this.handleAck(frame);
      case 'BEGIN':
        return this.handleBegin(frame);
      case 'COMMIT':
        return this.handleCommit(frame);
      case 'ABORT':
        return this.handleAbort(frame);
      case 'DISCONNECT':
        this.sendReceipt(frame);
        this.close('client-disconnect');
        return;
      case 'CONNECT':
      case 'STOMP':
        throw new SessionError('Already connected');
      default:
        throw new SessionError(`Unknown command ${frame.command}`);
    }
  }

  private async handleConnect(frame: StompFrame): Promise<void> {
    const { options } = this.host;
    const offered = (frame.headers['accept-version'] ?? '1.0').split(',').map((v) => v.trim());
    const version = options.versions.find((v) => offered.includes(v));
    if (!version) {
      throw new SessionError(
        `Supported protocol versions are ${options.versions.join(',')}`,
        'protocol-error',
        undefined,
        { version: options.versions.join(',') },
      );
    }
    const [clientSends, clientWants] = parseHeartbeat(frame.headers['heart-beat']);
    let principal: StompPrincipal;
    try {
      principal = await this.host.authenticate(this, frame.headers);
    } catch (error) {
      this.connection.forgetHandshake();
      if (this.state === 'closed') return;
      const message = error instanceof Error && error.message ? error.message : 'Unauthorized';
      throw new SessionError(message, 'unauthorized');
    }
    this.connection.forgetHandshake();
    if (this.state === 'closed') return;
    if (principal.expiresAt !== undefined && principal.expiresAt <= Date.now()) {
      throw new SessionError('Token expired', 'expired');
    }
    clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
    this.negotiatedVersion = version;
    this.decoder.version = version;
    this.currentPrincipal = principal;
    this.state = 'connected';

    const { outgoing, incoming, graceMs } = options.heartbeat;
    const sendEvery = outgoing > 0 && clientWants > 0 ? Math.max(outgoing, clientWants) : 0;
    const expectEvery = incoming > 0 && clientSends > 0 ? Math.max(incoming, clientSends) : 0;
    this.send({
      command: 'CONNECTED',
      headers: {
        version,
        'heart-beat': `${outgoing},${incoming}`,
        session: this.id,
        server: options.serverName,
        'user-name': principal.name,
      },
    });
    this.startHeartbeats(sendEvery, expectEvery, graceMs);
    if (principal.expiresAt !== undefined) this.expiresAt = principal.expiresAt;
    this.host.sessionConnected(this);
  }

  private startHeartbeats(sendEvery: number, expectEvery: number, graceMs: number): void {
    if (sendEvery > 0) {
      this.sendEvery = sendEvery;
      this.host.heartbeatsOut.add(sendEvery, this);
    }
    if (expectEvery > 0) {
      this.silenceLimit = expectEvery * 2 + graceMs;
      // Checked every half interval: a silent client is dropped after 2x the interval + grace (+ at most half an interval).
      this.checkEvery = Math.max(10, Math.floor(expectEvery / 2));
      this.host.heartbeatChecks.add(this.checkEvery, this);
    }
  }

  /** @internal Outgoing heart-beat tick (host's shared timer): EOL unless a frame went out since the last tick. */
  heartbeatDue(): void {
    if (!this.sentSinceHeartbeat) this.write(HEARTBEAT_FRAME);
    this.sentSinceHeartbeat = false;
  }

  /** @internal Incoming heart-beat check (host's shared timer). */
  checkSilence(now: number): void {
    if (now - this.lastReceivedAt > this.silenceLimit) {
      this.fail(new SessionError('Heart-beat timeout', 'heartbeat-timeout'));
    }
  }

  private clearTimers(): void {
    clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
    if (this.sendEvery) this.host.heartbeatsOut.delete(this.sendEvery, this);
    if (this.checkEvery) this.host.heartbeatChecks.delete(this.checkEvery, this);
    this.sendEvery = this.checkEvery = 0;
  }

  private held(frame: StompFrame): boolean {
    const transaction = frame.headers.transaction;
    if (transaction === undefined) return false;
    const frames = this.transactions?.get(transaction);
    if (!frames) throw new SessionError(`Unknown transaction ${transaction}`);
    if (frames.length >= MAX_TRANSACTION_FRAMES)
      throw new SessionError(`Transaction ${transaction} is too large`);
    frames.push(frame);
    return true;
  }

  private async handleSend(frame: StompFrame): Promise<void> {
    const destination = required(frame, 'destination');
    if (this.held(frame)) return;
    await this.processSend(frame, destination);
  }

  private async processSend(frame: StompFrame, destination: string): Promise<void> {
    const { options } = this.host;
    if (!matchesPrefix(destination, options.applicationDestinationPrefixes)) {
      const broker =
        matchesPrefix(destination, options.brokerDestinationPrefixes) ||
        matchesPrefix(destination, [options.userDestinationPrefix]);
      throw new SessionError(
        broker
          ? `Clients may not send to broker destination ${destination}`
          : `Unknown destination ${destination}`,
        broker ? 'forbidden' : 'protocol-error',
      );
    }
    if (!(await this.host.canSend(this, destination))) {
      throw new SessionError(`Forbidden to send to ${destination}`, 'forbidden');
    }
    if (this.state === 'closed') return;
    try {
      await this.host.dispatch(this, destination, frame);
    } catch (error) {
      this.host.reportError(this, destination, error, frame.headers.receipt);
      return;
    }
    this.sendReceipt(frame);
  }

  private async handleSubscribe(frame: StompFrame): Promise<void> {
    const { options } = this.host;
    const destination = required(frame, 'destination');
    const id = this.negotiatedVersion === '1.0' ? (frame.headers.id ?? destination) : required(frame, 'id');
    const ackMode = (frame.headers.ack ?? 'auto') as StompAckMode;
    if (!ACK_MODES.has(ackMode)) throw new SessionError(`Invalid ack mode ${ackMode}`);
    if (this.subscriptions.has(id)) throw new SessionError(`Subscription id ${id} is already in use`);
    if (this.subscriptions.size >= options.limits.maxSubscriptionsPerSession) {
      throw new SessionError(`Too many subscriptions (max ${options.limits.maxSubscriptionsPerSession})`);
    }
    let userDestination: string | undefined;
    if (matchesPrefix(destination, [options.userDestinationPrefix])) {
      userDestination = destination.slice(options.userDestinationPrefix.length);
      if (userDestination.length < 2) throw new SessionError(`Invalid user destination ${destination}`);
    } else if (!matchesPrefix(destination, options.brokerDestinationPrefixes)) {
      throw new SessionError(`Cannot subscribe to ${destination}`, 'forbidden');
    }
    if (!(await this.host.canSubscribe(this, destination))) {
      throw new SessionError(`Forbidden to subscribe to ${destination}`, 'forbidden');
    }
    if (this.state === 'closed') return;
    const subscription: Subscription = {
      id,
      destination,
      userDestination,
      ackMode,
      session: this,
      // Auto-ack subscriptions never track deliveries: they all share one empty set.
      unacked: ackMode === 'auto' ? NO_UNACKED : new Set(),
    };
    this.subscriptions.set(id, subscription);
    if (userDestination !== undefined) {
      this.userSubscriptions ??= new Map();
      let set = this.userSubscriptions.get(userDestination);
      if (!set) {
        set = new Set();
        this.userSubscriptions.set(userDestination, set);
      }
      set.add(subscription);
    }
    this.host.addSubscription(subscription);
    this.sendReceipt(frame);
  }

  private handleUnsubscribe(frame: StompFrame): void {
    const id =
      this.negotiatedVersion === '1.0'
        ? (frame.headers.id ?? required(frame, 'destination'))
        : required(frame, 'id');
    const subscription = this.subscriptions.get(id);
    if (subscription) this.removeSubscription(subscription);
    this.sendReceipt(frame);
  }

  /** Drop a subscription (client UNSUBSCRIBE, revocation, or session end). */
  removeSubscription(subscription: Subscription): void {
    if (this.subscriptions.get(subscription.id) !== subscription) return;
    this.subscriptions.delete(subscription.id);
    if (subscription.userDestination !== undefined) {
      const set = this.userSubscriptions?.get(subscription.userDestination);
      if (set?.delete(subscription) && set.size === 0)
        this.userSubscriptions?.delete(subscription.userDestination);
    }
    this.host.removeSubscription(subscription);
  }

  private handleAck(frame: StompFrame): void {
    if (this.negotiatedVersion === '1.2') required(frame, 'id');
    else {
      required(frame, 'message-id');
      if (this.negotiatedVersion === '1.1') required(frame, 'subscription');
    }
    if (this.held(frame)) return;
    this.processAck(frame);
    this.sendReceipt(frame);
  }

  private processAck(frame: StompFrame): void {
    let messageId: string;
    let subscription: Subscription | undefined;
    if (this.negotiatedVersion === '1.2') {
      const ackId = frame.headers.id;
      const at = ackId.indexOf('@');
      messageId = at === -1 ? ackId : ackId.slice(0, at);
      subscription =
        at === -1 ? this.findByMessageId(messageId) : this.subscriptions.get(ackId.slice(at + 1));
    } else {
      messageId = frame.headers['message-id'];
      const subscriptionId = frame.headers.subscription;
      subscription =
        subscriptionId !== undefined
          ? this.subscriptions.get(subscriptionId)
          : this.findByMessageId(messageId);
    }
    if (!subscription || !subscription.unacked.has(messageId)) {
      this.host.logger.debug({
        msg: `${frame.command} for unknown message ${messageId} ignored`,
        sessionId: this.id,
      });
      return;
    }
    if (subscription.ackMode === 'client' && frame.command === 'ACK') {
      // Cumulative: acknowledges this message and every earlier one of the subscription.
      for (const id of subscription.unacked) {
        subscription.unacked.delete(id);
        if (id === messageId) break;
      }
    } else {
      subscription.unacked.delete(messageId);
    }
    if (frame.command === 'NACK') this.host.nacked(this, subscription.id, messageId);
  }

  private findByMessageId(messageId: string): Subscription | undefined {
    for (const subscription of this.subscriptions.values()) {
      if (subscription.unacked.has(messageId)) return subscription;
    }
    return undefined;
  }

  private handleBegin(frame: StompFrame): void {
    const transaction = required(frame, 'transaction');
    const transactions = (this.transactions ??= new Map());
    if (transactions.has(transaction)) throw new SessionError(`Transaction ${transaction} already started`);
    if (transactions.size >= MAX_TRANSACTIONS) throw new SessionError('Too many open transactions');
    transactions.set(transaction, []);
    this.sendReceipt(frame);
  }

  private async handleCommit(frame: StompFrame): Promise<void> {
    const transaction = required(frame, 'transaction');
    const frames = this.transactions?.get(transaction);
    if (!frames || !this.transactions?.delete(transaction))
      throw new SessionError(`Unknown transaction ${transaction}`);
    for (const held of frames) {
      if (this.state === 'closed') return;
      if (held.command === 'SEND') {
        await this.processSend(held, held.headers.destination);
      } else {
        this.processAck(held);
        this.sendReceipt(held);
      }
    }
    this.sendReceipt(frame);
  }

  private handleAbort(frame: StompFrame): void {
    const transaction = required(frame, 'transaction');
    if (!this.transactions?.delete(transaction)) throw new SessionError(`Unknown transaction ${transaction}`);
    this.sendReceipt(frame);
  }

  /** Number of transactions currently open (for tests and diagnostics). */
  get openTransactions(): number {
    return this.transactions?.size ?? 0;
  }
}

export interface CloseOptions {
  receiptId?: string;
  detail?: string;
  headers?: Record<string, string>;
}

function required(frame: StompFrame, header: string): string {
  const value = frame.headers[header];
  if (value === undefined || value === '') {
    throw new SessionError(`Missing ${header} header in ${frame.command}`);
  }
  return value;
}

/** `/topic` matches `/topic/a` (and `/topic` itself), never `/topical`. */
export function matchesPrefix(destination: string, prefixes: readonly string[]): boolean {
  for (const prefix of prefixes) {
    if (destination === prefix) return true;
    if (
      destination.startsWith(prefix) &&
      (prefix.endsWith('/') || destination.charCodeAt(prefix.length) === 47)
    ) {
      return true;
    }
  }
  return false;
}

function parseHeartbeat(value: string | undefined): [number, number] {
  if (value === undefined) return [0, 0];
  const match = /^\s*(\d{1,9})\s*,\s*(\d{1,9})\s*$/.exec(value);
  if (!match) throw new SessionError(`Invalid heart-beat header ${value}`);
  return [Number(match[1]), Number(match[2])];
}
