import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { DomainEventMap } from '../common/events/domain-events';
import { OnDomainEvent } from '../common/events/on-domain-event.decorator';
import { RoomEventPayload, RoomTopic, UserQueue } from '../common/realtime/destinations';
import { RealtimePublisher } from '../common/realtime/realtime-publisher';
import { ReadStateService } from './read-state.service';

/** At most one READ receipt per user and room in this interval (per instance); the latest wins. */
export const RECEIPT_INTERVAL_MS = 1000;
/** The marker moves of sends are pushed to the sender's sessions after this delay, coalesced. */
export const SEND_PUSH_DELAY_MS = 1000;
/**
 * The recount of a push may take at most this share of the time (a duty cycle): after a recount
 * that took `d` ms, the next push waits max(SEND_PUSH_DELAY_MS, d * PUSH_BACKOFF_FACTOR), at most
 * SEND_PUSH_MAX_DELAY_MS. On a quiet server a recount takes a few ms and the delay stays 1 s; under
 * a flood of sends (thousands of senders a second) the recount, the one database cost of a send
 * that grows with the number of senders, stays about a tenth of one connection's time instead of
 * taking most of the database (bench P1).
 */
export const PUSH_BACKOFF_FACTOR = 10;
export const SEND_PUSH_MAX_DELAY_MS = 10_000;

interface ReceiptSlot {
  sentAt: number;
  pending: number | null;
  timer: NodeJS.Timeout | null;
}

/**
 * Live read state. A read (REST or STOMP) is pushed at once to all the user's sessions on
 * `/user/queue/read` with its counts; a send moves the sender's marker too, and those moves are
 * pushed coalesced: every SEND_PUSH_DELAY_MS (longer while recounts are slow: PUSH_BACKOFF_FACTOR),
 * ONE recount for all the (user, room) pairs that sent meanwhile (or whose mentions an edit
 * changed), so a send costs no count query. Room members get READ receipts on the events
 * topic, at most one per user and room every RECEIPT_INTERVAL_MS: the first at once, later ones
 * by a trailing timer that sends the newest marker.
 */
@Injectable()
export class ReadStateLive implements OnModuleDestroy {
  private readonly logger = new Logger(ReadStateLive.name);
  private readonly receipts = new Map<string, ReceiptSlot>();
  private readonly sentPairs = new Map<string, { userId: number; roomId: number }>();
  private pushTimer: NodeJS.Timeout | null = null;
  /** The delay before the next coalesced push (grows with the last recount's duration). */
  private pushDelayMs = SEND_PUSH_DELAY_MS;
  /** The recount running now, if any (one at a time: the next push is scheduled after it). */
  private running: Promise<void> | null = null;
  private lastSweep = Date.now();

  constructor(
    private readonly realtime: RealtimePublisher,
    private readonly readState: ReadStateService,
  ) {}

  @OnDomainEvent('read.moved')
  onReadMoved(e: DomainEventMap['read.moved']): void {
    this.realtime.toUser(e.userId, UserQueue.read, {
      roomId: e.roomId,
      lastReadMessageId: e.lastReadMessageId,
      unreadCount: e.unreadCount,
      mentionCount: e.mentionCount,
    });
    this.receipt(e.roomId, e.userId, e.lastReadMessageId);
  }

  /** Sending moved the sender's marker to its message (if it is a member). */
  @OnDomainEvent('message.created')
  onMessageCreated({ message, room }: DomainEventMap['message.created']): void {
    const userId = message.sender.id;
    if (userId === null) return;
    this.receipt(room.id, userId, message.id);
    this.sentPairs.set(`${room.id}:${userId}`, { userId, roomId: room.id });
    this.schedulePush();
  }

  /**
   * An edit that added or removed a mention changed those users' mention counts in the room: they
   * are recounted with the next coalesced push.
   */
  @OnDomainEvent('message.edited')
  onMessageEdited({ room, mentionsAdded, mentionsRemoved }: DomainEventMap['message.edited']): void {
    for (const { id: userId } of [...mentionsAdded, ...mentionsRemoved])
      this.sentPairs.set(`${room.id}:${userId}`, { userId, roomId: room.id });
    if (this.sentPairs.size) this.schedulePush();
  }

  /** The next push is timed from the end of the running recount, if one runs. */
  private schedulePush(): void {
    if (this.running) return;
    this.pushTimer ??= setTimeout(() => void this.pushSent(), this.pushDelayMs).unref();
  }

  /** A member who left (or a deleted room) gets no receipt any more. */
  @OnDomainEvent('membership.removed')
  onMembershipRemoved({ roomId, userId }: DomainEventMap['membership.removed']): void {
    this.drop(`${roomId}:${userId}`);
  }

  @OnDomainEvent('room.deleted')
  onRoomDeleted({ roomId, memberIds }: DomainEventMap['room.deleted']): void {
    for (const userId of memberIds) this.drop(`${roomId}:${userId}`);
  }

  onModuleDestroy(): void {
    for (const slot of this.receipts.values()) if (slot.timer) clearTimeout(slot.timer);
    this.receipts.clear();
    if (this.pushTimer) clearTimeout(this.pushTimer);
    this.pushTimer = null;
    this.sentPairs.clear();
  }

  private receipt(roomId: number, userId: number, lastReadMessageId: number, now = Date.now()): void {
    const key = `${roomId}:${userId}`;
    const slot = this.receipts.get(key);
    if (!slot || (!slot.timer && now - slot.sentAt >= RECEIPT_INTERVAL_MS)) {
      this.receipts.set(key, { sentAt: now, pending: null, timer: null });
      this.publishReceipt(roomId, userId, lastReadMessageId);
      this.sweep(now);
      return;
    }
    slot.pending = Math.max(slot.pending ?? 0, lastReadMessageId);
    slot.timer ??= setTimeout(
      () => {
        slot.timer = null;
        slot.sentAt = Date.now();
        if (slot.pending !== null) this.publishReceipt(roomId, userId, slot.pending);
        slot.pending = null;
      },
      Math.max(0, slot.sentAt + RECEIPT_INTERVAL_MS - now),
    ).unref();
  }

  private publishReceipt(roomId: number, userId: number, lastReadMessageId: number): void {
    const event: RoomEventPayload = { type: 'READ', roomId, userId, lastReadMessageId };
    this.realtime.toTopic(RoomTopic.events(roomId), event);
  }

  private drop(key: string): void {
    const slot = this.receipts.get(key);
    if (slot?.timer) clearTimeout(slot.timer);
    this.receipts.delete(key);
    this.sentPairs.delete(key);
  }

  /**
   * Sends the coalesced push now instead of at its timer, and resolves once it and any push
   * already running are done: after it, this instance runs no read-state query until the next
   * send or edit (what a test that counts queries waits for).
   */
  async settle(): Promise<void> {
    while (this.pushTimer || this.running) {
      if (this.pushTimer) {
        clearTimeout(this.pushTimer);
        void this.pushSent();
      }
      await this.running;
    }
  }

  /**
   * One recount for every pair that sent since the last push, then one push per pair; pairs that
   * sent meanwhile get the next push, timed from its end.
   */
  private pushSent(): Promise<void> {
    const run = this.recountAndPush().finally(() => {
      this.running = null;
      if (this.sentPairs.size) this.schedulePush();
    });
    this.running = run;
    return run;
  }

  private async recountAndPush(): Promise<void> {
    this.pushTimer = null;
    const pairs = [...this.sentPairs.values()];
    this.sentPairs.clear();
    const started = performance.now();
    try {
      for (const state of await this.readState.states(pairs)) {
        const { userId, ...payload } = state;
        this.realtime.toUser(userId, UserQueue.read, payload);
      }
    } catch (err) {
      this.logger.error({ err, pairs: pairs.length }, 'Read state push after sends failed');
    } finally {
      const took = performance.now() - started;
      this.pushDelayMs = Math.min(
        SEND_PUSH_MAX_DELAY_MS,
        Math.max(SEND_PUSH_DELAY_MS, Math.round(took * PUSH_BACKOFF_FACTOR)),
      );
    }
  }

  /** Forgets receipt slots idle for a minute (bounded memory). */
  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [key, slot] of this.receipts)
      if (!slot.timer && now - slot.sentAt > 60_000) this.receipts.delete(key);
  }
}
