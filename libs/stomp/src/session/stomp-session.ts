import { StompDecoder } from '../frame/stomp-decoder';
import type { StompFrame, StompVersion } from '../frame/stomp-frame';
import { StompFrameError } from '../frame/stomp-frame.error';
import { StompCloseCode } from '../stomp.constants';
import type { StompPrincipal, StompSessionInfo } from '../stomp.interfaces';
import type { StompConnection } from '../transport/stomp-connection';
import { ackTarget, settle } from './acks';
import {
  SessionError,
  checkAckHeaders,
  checkSendDestination,
  negotiateConnect,
  parseSubscribe,
  required,
  unsubscribeId,
} from './frame-rules';
import { IMMEDIATE_ORDER, PipelineOutcome, SendPipeline } from './send-pipeline';
import { SessionOutput } from './session-output';
import type { SessionHost } from './session-host';
import type { Subscription } from './subscription';
import { SessionTransactions, heldBytes } from './transactions';

export type { CloseOptions } from './session-output';

/** Frames received but not yet processed; beyond this (or `limits.maxPendingBytes`) the client is flooding us. */
const MAX_PENDING_FRAMES = 1000;
/** SUBSCRIBE checks redone when the user's access changed while one ran (then the last answer stands). */
const MAX_SUBSCRIBE_CHECKS = 5;
/** The unacked set of every auto-ack subscription: never added to (deliver() skips auto). */
const NO_UNACKED: Set<string> = new Set();

/**
 * One STOMP session over one transport connection: the protocol state machine (output and liveness
 * are in {@link SessionOutput}). Frames of a session are handled in order, one after the other (an
 * application handler is awaited before the next frame is looked at), except consecutive SENDs to
 * `@Pipelined()` handlers: those are dispatched as they are read, up to `limits.maxFramesInFlight`,
 * and answered in frame order ({@link SendPipeline}); any other frame waits until they are answered.
 */
export class StompSession extends SessionOutput implements StompSessionInfo {
  /** Application data attached to the session (allocated on first use). */
  get attributes(): Map<string, unknown> {
    this.attributeMap ??= new Map();
    return this.attributeMap;
  }
  private attributeMap: Map<string, unknown> | undefined;
  /** Live subscriptions by subscription id (kept in the broker's subscription registry). */
  get subscriptions(): ReadonlyMap<string, Subscription> {
    return this.host.subscriptions.ofSession(this.id);
  }

  private currentPrincipal: StompPrincipal | undefined;
  private readonly decoder: StompDecoder;
  private readonly queue: StompFrame[] = [];
  /** Bytes of the frames in `queue`. */
  private queuedBytes = 0;
  private processing = false;
  /**
   * Bumped whenever the user's access is re-checked or revoked while the session lives: a SUBSCRIBE
   * whose authorization check ran across such a change checks again, so it cannot slip past it.
   */
  accessEpoch = 0;
  /** A frame taken off the queue is being handled (not a pipelined one: those are in the pipeline). */
  private handling = false;
  /** Pipelined SENDs in flight (allocated on the first one: most sessions never send). */
  private pipeline: SendPipeline | undefined;
  /** Open transactions (allocated on the first BEGIN: most sessions never use one). */
  private transactions: SessionTransactions | undefined;

  constructor(id: string, connection: StompConnection, host: SessionHost) {
    super(id, connection, host);
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
    let bytes = this.queuedBytes;
    for (const frame of frames) bytes += heldBytes(frame);
    // One frame is always taken (a lone frame is bounded by maxFrameBytes); a backlog is bounded here.
    if (
      this.queue.length + frames.length > MAX_PENDING_FRAMES ||
      (bytes > this.host.options.limits.maxPendingBytes && this.queue.length + frames.length > 1)
    ) {
      this.fail(new SessionError('Too many unprocessed frames'));
      return;
    }
    this.queuedBytes = bytes;
    this.queue.push(...frames);
    this.updateReading();
    if (!this.processing) void this.processQueue();
  }

  protected dropPending(): void {
    this.transactions = undefined;
    this.queue.length = 0;
    this.queuedBytes = 0;
    this.updateReading(); // closed: read again, so the close handshake can complete
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
        this.queuedBytes -= heldBytes(frame);
        this.handling = true;
        try {
          const destination = this.pipelinedDestination(frame);
          if (destination !== undefined) {
            await this.pipelineSend(frame, destination);
          } else {
            // Every other frame waits until the pipelined SENDs before it are answered.
            if (this.pipeline?.inFlight) await this.pipeline.drained();
            if (!this.closed) await this.handleFrame(frame);
          }
        } catch (error) {
          // The ERROR comes after the answers of the frames before this one.
          if (this.pipeline?.inFlight) await this.pipeline.drained();
          this.fail(error, frame);
        } finally {
          this.handling = false;
        }
        this.updateReading();
      }
    } finally {
      this.processing = false;
    }
  }

  /** The destination of a SEND this session may pipeline, or undefined to handle the frame alone. */
  private pipelinedDestination(frame: StompFrame): string | undefined {
    if (this.state !== 'connected' || frame.command !== 'SEND') return undefined;
    const { destination, transaction } = frame.headers;
    if (destination === undefined || transaction !== undefined) return undefined;
    return this.host.pipelined(destination) ? destination : undefined;
  }

  /**
   * Admits a SEND to the pipeline (in frame order: the destination and `canSend` checks, whose
   * refusal closes the session, are made before any later frame is looked at) and dispatches it
   * without waiting for its handler.
   */
  private async pipelineSend(frame: StompFrame, destination: string): Promise<void> {
    const pipeline = (this.pipeline ??= new SendPipeline(() => this.updateReading()));
    await pipeline.slot(this.host.options.limits.maxFramesInFlight);
    if (this.closed) return;
    checkSendDestination(destination, this.host.options);
    if (!(await this.host.canSend(this, destination))) {
      throw new SessionError(`Forbidden to send to ${destination}`, 'forbidden');
    }
    if (this.closed) return;
    pipeline.start(
      (order) => this.host.dispatch(this, destination, frame, order),
      (outcome) => this.answerSend(frame, destination, outcome),
    );
  }

  /** The RECEIPT of a pipelined SEND, or its error on the error destination. */
  private answerSend(frame: StompFrame, destination: string, outcome: PipelineOutcome): void {
    if (this.state === 'closed') return;
    try {
      if (outcome === undefined) this.sendReceipt(frame);
      else this.host.reportError(this.id, destination, outcome.error, frame.headers.receipt);
    } catch (error) {
      this.host.logger.error({ msg: 'Answering a pipelined SEND failed', sessionId: this.id, err: error });
    }
  }

  /**
   * Backpressure: stops reading the socket while `limits.maxFramesInFlight` frames are read and not
   * yet answered, and reads again below it.
   */
  private updateReading(): void {
    const pending = this.queue.length + (this.pipeline?.inFlight ?? 0) + (this.handling ? 1 : 0);
    const paused = this.state !== 'closed' && pending >= this.host.options.limits.maxFramesInFlight;
    if (paused === this.readingPaused) return;
    this.readingPaused = paused;
    if (paused) {
      this.connection.pause?.();
    } else {
      // The client's heart-beats waited in the socket meanwhile: its silence was ours.
      this.lastReceivedAt = Date.now();
      this.connection.resume?.();
    }
  }

  protected fail(error: unknown, frame?: StompFrame): void {
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
    this.closeWithError(
      this.host.exceptionHandler.frameFailed(error, this.id),
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
    const { version, sendEvery, expectEvery } = negotiateConnect(frame, options);
    let principal: StompPrincipal;
    try {
      principal = await this.host.authenticate({
        headers: frame.headers,
        remoteAddress: this.remoteAddress,
        transport: this.transport,
        httpHeaders: this.httpHeaders,
        sessionId: this.id,
      });
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
    const refusal = this.host.admit(principal);
    if (refusal) throw new SessionError(refusal.message, refusal.reason);
    clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
    this.negotiatedVersion = version;
    this.decoder.version = version;
    this.currentPrincipal = principal;
    this.state = 'connected';

    const { outgoing, incoming, graceMs } = options.heartbeat;
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
    this.host.sessionConnected(this.id);
  }

  /** The open transaction a frame names, or undefined when it names none. */
  private transactionOf(frame: StompFrame): string | undefined {
    const transaction = frame.headers.transaction;
    if (transaction === undefined) return undefined;
    if (!this.transactions) throw new SessionError(`Unknown transaction ${transaction}`);
    this.transactions.assertOpen(transaction);
    return transaction;
  }

  private async handleSend(frame: StompFrame): Promise<void> {
    const destination = required(frame, 'destination');
    const transaction = this.transactionOf(frame);
    if (transaction === undefined) return this.processSend(frame, destination);
    // A held SEND is checked now as it will be at COMMIT (destination, authorization, handler and
    // payload), so a transaction never holds what would be refused anyway.
    checkSendDestination(destination, this.host.options);
    if (!(await this.host.canSend(this, destination))) {
      throw new SessionError(`Forbidden to send to ${destination}`, 'forbidden');
    }
    if (this.state === 'closed') return;
    try {
      await this.host.validateSend(this, destination, frame);
    } catch (error) {
      this.host.reportError(this.id, destination, error, frame.headers.receipt);
      return;
    }
    // Still open: this session's frames run one at a time, so no COMMIT/ABORT came in between.
    if (this.closed || !this.transactions) return;
    this.transactions.hold(transaction, frame);
  }

  private async processSend(frame: StompFrame, destination: string): Promise<void> {
    checkSendDestination(destination, this.host.options);
    if (!(await this.host.canSend(this, destination))) {
      throw new SessionError(`Forbidden to send to ${destination}`, 'forbidden');
    }
    if (this.state === 'closed') return;
    try {
      await this.host.dispatch(this, destination, frame, IMMEDIATE_ORDER);
    } catch (error) {
      this.host.reportError(this.id, destination, error, frame.headers.receipt);
      return;
    }
    this.sendReceipt(frame);
  }

  private async handleSubscribe(frame: StompFrame): Promise<void> {
    const { options, subscriptions } = this.host;
    const request = parseSubscribe(
      frame,
      this.negotiatedVersion,
      subscriptions.ofSession(this.id),
      (destination) => subscriptions.idOf(this.id, destination),
      options,
    );
    const { id, destination, ackMode } = request;
    for (let checks = 1; ; checks++) {
      const epoch = this.accessEpoch;
      if (!(await this.host.canSubscribe(this, destination))) {
        throw new SessionError(`Forbidden to subscribe to ${destination}`, 'forbidden');
      }
      if (this.state === 'closed') return;
      // The user's access changed while the check ran (a revocation, a role change): ask again.
      if (epoch === this.accessEpoch || checks >= MAX_SUBSCRIBE_CHECKS) break;
    }
    const subscription: Subscription = {
      id,
      destination,
      userDestination: request.userDestination,
      ackMode,
      session: this,
      // Auto-ack subscriptions never track deliveries: they all share one empty set.
      unacked: ackMode === 'auto' ? NO_UNACKED : new Set(),
    };
    subscriptions.add(this.id, subscription);
    this.sendReceipt(frame);
  }

  private handleUnsubscribe(frame: StompFrame): void {
    this.host.subscriptions.remove(this.id, unsubscribeId(frame, this.negotiatedVersion));
    this.sendReceipt(frame);
  }

  private handleAck(frame: StompFrame): void {
    checkAckHeaders(frame, this.negotiatedVersion);
    const transaction = this.transactionOf(frame);
    if (transaction !== undefined) {
      this.transactions?.hold(transaction, frame);
      return;
    }
    this.processAck(frame);
    this.sendReceipt(frame);
  }

  private processAck(frame: StompFrame): void {
    const { messageId, subscription } = ackTarget(frame, this.negotiatedVersion, this.subscriptions);
    if (!subscription || !subscription.unacked.has(messageId)) {
      this.host.logger.debug({
        msg: `${frame.command} for unknown message ${messageId} ignored`,
        sessionId: this.id,
      });
      return;
    }
    this.unackedSettled(settle(subscription, messageId, frame.command));
    if (frame.command === 'NACK') this.host.nacked(this.id, subscription.id, messageId);
  }

  private handleBegin(frame: StompFrame): void {
    const transaction = required(frame, 'transaction');
    const { maxTransactionsPerSession, maxTransactionBytes } = this.host.options.limits;
    this.transactions ??= new SessionTransactions({
      maxTransactions: maxTransactionsPerSession,
      maxBytes: maxTransactionBytes,
    });
    this.transactions.begin(transaction);
    this.sendReceipt(frame);
  }

  private async handleCommit(frame: StompFrame): Promise<void> {
    const transaction = required(frame, 'transaction');
    if (!this.transactions) throw new SessionError(`Unknown transaction ${transaction}`);
    const frames = this.transactions.commit(transaction);
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
    if (!this.transactions) throw new SessionError(`Unknown transaction ${transaction}`);
    this.transactions.abort(transaction);
    this.sendReceipt(frame);
  }

  /** Number of transactions currently open (for tests and diagnostics). */
  get openTransactions(): number {
    return this.transactions?.size ?? 0;
  }

  /** Bytes held by the open transactions (for tests and diagnostics). */
  get transactionBytes(): number {
    return this.transactions?.heldBytes ?? 0;
  }
}
