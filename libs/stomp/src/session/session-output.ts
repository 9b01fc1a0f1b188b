import type { PreparedMessage } from '../broker/prepared-message';
import { OutgoingFrame, encodeFrame } from '../frame/stomp-encoder';
import type { StompFrame, StompVersion } from '../frame/stomp-frame';
import { StompCloseCode } from '../stomp.constants';
import type { StompDisconnectReason, StompTransportKind } from '../stomp.interfaces';
import { HEARTBEAT_FRAME, OutboundFrame } from '../transport/outbound-frame';
import type { StompConnection } from '../transport/stomp-connection';
import { SessionError } from './frame-rules';
import type { HeartbeatMember, SessionHost } from './session-host';
import type { Subscriber, Subscription } from './subscription';

export type SessionState = 'connecting' | 'connected' | 'closed';

export interface CloseOptions {
  receiptId?: string;
  detail?: string;
  headers?: Record<string, string>;
}

/**
 * The output side of a session and its liveness: writing frames (deliveries, receipts, ERROR),
 * closing, heart-beats, token expiry and slow-consumer detection. {@link StompSession} adds the
 * inbound protocol on top; one object per session either way, so a delivery costs no extra hop.
 */
export abstract class SessionOutput implements Subscriber, HeartbeatMember {
  protected state: SessionState = 'connecting';
  protected negotiatedVersion: StompVersion = '1.2';
  protected lastReceivedAt = Date.now();
  /** Reading from the socket is paused (too many frames in flight): silence is ours, not the client's. */
  protected readingPaused = false;
  private sentSinceHeartbeat = false;
  protected connectTimer: NodeJS.Timeout | undefined;
  /** Heart-beat periods this session is registered with in the host's shared timers (0 = none). */
  private sendEvery = 0;
  private checkEvery = 0;
  /** Silence longer than this (ms) closes the session; 0 = not checked. */
  private silenceLimit = 0;
  /** When the principal expires (epoch ms), checked by the broker's sweep; 0 = never. */
  protected expiresAt = 0;

  /** Message ids awaiting an ACK/NACK across this session's subscriptions (at most `limits.maxUnackedPerSession`). */
  private unackedCount = 0;

  /** Slow-consumer bookkeeping, sampled by the broker's sweep. */
  private flushedAtLastSample = -1;
  private stalledSince = 0;

  constructor(
    readonly id: string,
    protected readonly connection: StompConnection,
    protected readonly host: SessionHost,
  ) {}

  /** End the session for `error` (ERROR frame with the frame's receipt, then close). */
  protected abstract fail(error: unknown, frame?: StompFrame): void;

  /** Forget frames queued or held in transactions (the session closed). */
  protected abstract dropPending(): void;

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
    const needsAck = subscription.ackMode !== 'auto';
    if (needsAck) this.trackUnacked(subscription, message.messageId);
    this.host.counters.messagesDelivered++;
    this.write(message.frameFor(subscription.id, needsAck, this.negotiatedVersion));
  }

  /**
   * Remember a message delivered on a client-ack subscription until it is ACKed or NACKed. The
   * session remembers at most `limits.maxUnackedPerSession` ids: past it the oldest of this
   * subscription (or, when it holds none, of another one) is forgotten.
   */
  private trackUnacked(subscription: Subscription, messageId: string): void {
    if (this.unackedCount >= this.host.options.limits.maxUnackedPerSession) {
      let from: Subscription | undefined = subscription.unacked.size > 0 ? subscription : undefined;
      if (!from) {
        for (const other of this.host.subscriptions.ofSession(this.id).values()) {
          if (other.unacked.size > 0) {
            from = other;
            break;
          }
        }
      }
      const oldest = from?.unacked.values().next().value;
      if (from && oldest !== undefined) {
        from.unacked.delete(oldest);
        this.unackedSettled(1);
      }
    }
    subscription.unacked.add(messageId);
    this.unackedCount++;
    this.host.counters.unackedMessages++;
  }

  /** `count` remembered ids were settled (ACK, NACK) or forgotten. */
  protected unackedSettled(count: number): void {
    this.unackedCount -= count;
    this.host.counters.unackedMessages -= count;
  }

  /** Ids still awaiting an ACK/NACK in this session (for tests and diagnostics). */
  get unackedMessages(): number {
    return this.unackedCount;
  }

  /** @internal The registry dropped one of this session's subscriptions: forget its unacked ids. */
  released(subscription: Subscription): void {
    if (subscription.unacked.size === 0) return;
    this.unackedSettled(subscription.unacked.size);
    subscription.unacked.clear();
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

  protected send(frame: OutgoingFrame): void {
    if (this.state === 'closed') return;
    this.write(new OutboundFrame(encodeFrame(frame, this.negotiatedVersion)));
  }

  protected sendReceipt(frame: StompFrame): void {
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
    this.dropPending();
    this.connection.close(code, closeReason, this.host.options.closeGraceMs);
    this.host.sessionClosed(this.id, reason, wasConnected);
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

  // ---------------------------------------------------------------- heart-beats

  protected startHeartbeats(sendEvery: number, expectEvery: number, graceMs: number): void {
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
    if (this.readingPaused) return;
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
}
