import {
  BadRequestException,
  ForbiddenException,
  Injectable,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DomainEventMap } from '../common/events/domain-events';
import { OnDomainEvent } from '../common/events/on-domain-event.decorator';
import { UserQueue } from '../common/realtime/destinations';
import { isAdmin, Principal } from '../common/principal';
import { TokenBuckets } from '../common/rate-limit/token-buckets';
import { RealtimePublisher } from '../common/realtime/realtime-publisher';
import { AppConfig } from '../config/app-config';
import { TransactionRunner } from '../database/transaction-runner';
import type { MessageView } from '../messages/message-view';
import type { MentionedUser } from '../read-state/mentions';
import { RoomMember } from '../rooms/room-member.entity';
import { Room, RoomType } from '../rooms/room.entity';
import { BlocksService } from '../users/blocks.service';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import {
  DEFAULT_PAGE_SIZE,
  MAX_NOTIFICATION_LENGTH,
  MAX_PAGE_SIZE,
  NotificationDto,
} from './dto/notification.dto';
import { Notification, NotificationType } from './notification.entity';

/** The author of a message as a notification's actor (null for a deleted sender). */
const senderOf = (m: MessageView): Pick<User, 'id' | 'username'> | null =>
  m.sender.id === null ? null : { id: m.sender.id, username: m.sender.username };

export interface NotificationPage {
  page?: number;
  size?: number;
  unread?: boolean;
}

interface NewNotification {
  userId: number;
  type: NotificationType;
  message: string;
  /** Who causes it (its `sender`); null for the system. */
  actor: Pick<User, 'id' | 'username'> | null;
  roomId: number | null;
  /** The message it is about (MENTION, DIRECT_MESSAGE). */
  messageId?: number | null;
}

/** The refusal of a notification to someone the caller may not notify: a stranger, or a user who blocked it. */
const NOT_ALLOWED = 'You may only notify users you share a room with';

/**
 * A user's notifications: sent by users (to themselves or people they share a room with) and
 * admins, and by the system when the user is added to a room or gets a direct message. Each one
 * is persisted first, then pushed to the user's live sessions on `/user/queue/notifications`.
 *
 * Abuse limits (docs/API-DECISIONS.md, "Notifications"): a user who blocked the sender gets
 * nothing from it, and one sender causes a recipient at most NOTIFY_PAIR_BURST notifications at
 * once, then NOTIFY_PAIR_RATE_PER_MINUTE; `POST` answers 403 / 429 for those, the automatic ones
 * (invites, mentions, replies, direct messages) are simply not created.
 */
@Injectable()
export class NotificationsService {
  private readonly logger = new Logger(NotificationsService.name);
  /** `POST /notifications` per sender, whatever the recipient. */
  private readonly sends: TokenBuckets;
  /** Notifications per (sender, recipient), sent or automatic. */
  private readonly pairs: TokenBuckets;

  constructor(
    @InjectRepository(Notification) private readonly notifications: Repository<Notification>,
    @InjectRepository(RoomMember) private readonly members: Repository<RoomMember>,
    @InjectRepository(Room) private readonly rooms: Repository<Room>,
    private readonly users: UsersService,
    private readonly blocks: BlocksService,
    private readonly publisher: RealtimePublisher,
    private readonly transactions: TransactionRunner,
    config: AppConfig,
  ) {
    this.sends = new TokenBuckets(() => config.settings.limits.notifySends);
    this.pairs = new TokenBuckets(() => config.settings.limits.notifyPair);
  }

  /**
   * 429 past the sender's rate; 400 for the text (trimmed, 1-1000 characters); 404 for an unknown
   * user; then an admin may notify anyone, a user itself or a user it shares a room with and was
   * not blocked by (403 else, the same answer for both: a blocked sender learns nothing a stranger
   * would not); 429 past the (sender, recipient) rate.
   */
  async send(caller: Principal, userId: number, message: string): Promise<NotificationDto> {
    this.sends.takeOrThrow(caller.id, 'Too many notifications sent');
    const text = message.trim();
    if (!text.length || text.length > MAX_NOTIFICATION_LENGTH)
      throw new BadRequestException(
        `message must be 1-${MAX_NOTIFICATION_LENGTH} characters (not only spaces)`,
      );
    await this.users.getExisting(userId);
    if (
      !isAdmin(caller) &&
      caller.id !== userId &&
      (!(await this.shareARoom(caller.id, userId)) || (await this.blocks.hasBlocked(userId, caller.id)))
    )
      throw new ForbiddenException(NOT_ALLOWED);
    if (caller.id !== userId)
      this.pairs.takeOrThrow(this.pairKey(caller.id, userId), 'Too many notifications to this user');
    const view = await this.persist({
      userId,
      type: NotificationType.USER,
      message: text,
      actor: caller,
      roomId: null,
    });
    return view;
  }

  /** The caller's own notifications, newest first. */
  async list(caller: Principal, query: NotificationPage = {}): Promise<NotificationDto[]> {
    const page = query.page ?? 0;
    const size = query.size ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(page) || page < 0) throw new BadRequestException('page must be an integer >= 0');
    if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE)
      throw new BadRequestException(`size must be an integer from 1 to ${MAX_PAGE_SIZE}`);
    const rows = await this.notifications.find({
      where: { userId: caller.id, ...(query.unread ? { read: false } : {}) },
      relations: { actor: true },
      order: { id: 'DESC' },
      skip: page * size,
      take: size,
    });
    return rows.map(NotificationDto.from);
  }

  /** Marks one of the caller's notifications read (idempotent): 404 unknown, 403 someone else's. */
  async markRead(caller: Principal, id: number): Promise<NotificationDto> {
    const n = await this.notifications.findOne({ where: { id }, relations: { actor: true } });
    if (!n) throw new NotFoundException(`Notification ${id} not found`);
    if (n.userId !== caller.id) throw new ForbiddenException('You may only mark your own notifications');
    if (!n.read) {
      await this.notifications.update({ id }, { read: true });
      n.read = true;
    }
    return NotificationDto.from(n);
  }

  /** Marks all the caller's unread notifications read; returns how many changed. */
  async markAllRead(caller: Principal): Promise<{ updated: number }> {
    const result = await this.notifications.update({ userId: caller.id, read: false }, { read: true });
    return { updated: result.affected ?? 0 };
  }

  /** Someone else added the user to a PUBLIC or PRIVATE room (a direct message notifies on its own). */
  @OnDomainEvent('membership.added')
  async onMembershipAdded(e: DomainEventMap['membership.added']): Promise<void> {
    if (e.actorId === null || e.actorId === e.userId || e.roomType === RoomType.DIRECT_MESSAGE) return;
    const [room, actor] = await Promise.all([
      this.rooms.findOne({ where: { id: e.roomId }, select: { id: true, name: true } }),
      this.users.findById(e.actorId),
    ]);
    if (!room) return;
    await this.create({
      userId: e.userId,
      type: NotificationType.ROOM_INVITE,
      message: `${actor?.username ?? 'Someone'} added you to ${room.name}`,
      actor,
      roomId: room.id,
    });
  }

  /**
   * Reading a room up to a message reads the notifications about the messages up to it
   * (MENTION, DIRECT_MESSAGE, REPLY carry `messageId`): no badge for what the user has seen.
   */
  @OnDomainEvent('read.moved')
  async onReadMoved(e: DomainEventMap['read.moved']): Promise<void> {
    await this.notifications
      .createQueryBuilder()
      .update(Notification)
      .set({ read: true })
      .where('user_id = :userId AND room_id = :roomId AND message_id <= :upTo AND is_read = :unread', {
        userId: e.userId,
        roomId: e.roomId,
        upTo: e.lastReadMessageId,
        unread: false,
      })
      .execute();
  }

  /** Members mentioned in a PUBLIC or PRIVATE room (in a direct message, DIRECT_MESSAGE tells). */
  @OnDomainEvent('message.created')
  async onMentioned(e: DomainEventMap['message.created']): Promise<void> {
    await this.notifyMentioned(e.room, e.message, e.message.mentions);
  }

  /** An edit that adds a mention notifies the newly mentioned users only (EXTENSIONS.md §2). */
  @OnDomainEvent('message.edited')
  async onMentionedByEdit(e: DomainEventMap['message.edited']): Promise<void> {
    await this.notifyMentioned(e.room, e.message, e.mentionsAdded);
  }

  private async notifyMentioned(
    where: { id: number; type: RoomType },
    message: MessageView,
    users: readonly MentionedUser[],
  ): Promise<void> {
    if (where.type === RoomType.DIRECT_MESSAGE || !users.length) return;
    const room = await this.rooms.findOne({ where: { id: where.id }, select: { id: true, name: true } });
    if (!room) return;
    for (const user of users)
      await this.create({
        userId: user.id,
        type: NotificationType.MENTION,
        message: `${message.sender.username} mentioned you in ${room.name}`,
        actor: senderOf(message),
        roomId: room.id,
        messageId: message.id,
      });
  }

  /** A message in a direct-message room notifies the other member. */
  @OnDomainEvent('message.created')
  async onMessageCreated(e: DomainEventMap['message.created']): Promise<void> {
    if (e.room.type !== RoomType.DIRECT_MESSAGE) return;
    const senderId = e.message.sender.id;
    const others = await this.members.find({ where: { roomId: e.room.id }, select: { userId: true } });
    for (const { userId } of others) {
      if (userId === senderId) continue;
      await this.create({
        userId,
        type: NotificationType.DIRECT_MESSAGE,
        message: `New direct message from ${e.message.sender.username}`,
        actor: senderOf(e.message),
        roomId: e.room.id,
        messageId: e.message.id,
      });
    }
  }

  /**
   * A reply notifies the thread root's author and everyone who replied before, if still members
   * of the room, never the sender (EXTENSIONS.md §5).
   */
  @OnDomainEvent('thread.updated')
  async onThreadUpdated(e: DomainEventMap['thread.updated']): Promise<void> {
    const reply = e.reply;
    if (!reply || reply.sender.id === null) return;
    const senderId = reply.sender.id;
    const rows: Array<{ userId: number | string }> = await this.members.query(
      'SELECT DISTINCT m.sender_id AS userId FROM messages m ' +
        'JOIN room_members rm ON rm.room_id = ? AND rm.user_id = m.sender_id ' +
        'WHERE (m.id = ? OR (m.parent_id = ? AND m.id < ?)) AND m.sender_id <> ? ORDER BY m.sender_id',
      [e.roomId, e.rootId, e.rootId, reply.id, senderId],
    );
    for (const { userId } of rows)
      await this.create({
        userId: Number(userId),
        type: NotificationType.REPLY,
        message: `${reply.sender.username} replied in a thread`,
        actor: { id: senderId, username: reply.sender.username },
        roomId: e.roomId,
        messageId: reply.id,
      });
  }

  private async shareARoom(a: number, b: number): Promise<boolean> {
    const row = await this.members
      .createQueryBuilder('m')
      .select('m.room_id', 'roomId')
      .innerJoin(RoomMember, 'o', 'o.room_id = m.room_id AND o.user_id = :b', { b })
      .where('m.user_id = :a', { a })
      .limit(1)
      .getRawOne();
    return row !== undefined && row !== null;
  }

  /**
   * A notification about a message the user has already read (its marker moved past it before
   * the notification was written: another device was reading the room) is born read.
   */
  private async alreadyRead(input: NewNotification): Promise<boolean> {
    if (input.messageId == null || input.roomId === null) return false;
    const member = await this.members.findOne({
      where: { roomId: input.roomId, userId: input.userId },
      select: { roomId: true, lastReadMessageId: true },
    });
    return member?.lastReadMessageId != null && member.lastReadMessageId >= input.messageId;
  }

  private pairKey(senderId: number, recipientId: number): string {
    return `${senderId}>${recipientId}`;
  }

  /**
   * An automatic notification, unless the recipient blocked its sender or the sender has caused
   * this recipient too many lately: then none is created, and null tells the caller so (nothing is
   * pushed). A failure is the caller's to log.
   */
  private async create(input: NewNotification): Promise<NotificationDto | null> {
    const senderId = input.actor?.id;
    if (senderId !== undefined && senderId !== input.userId) {
      if (await this.blocks.hasBlocked(input.userId, senderId)) return null;
      if (this.pairs.take(this.pairKey(senderId, input.userId))) {
        this.logger.debug({ senderId, userId: input.userId, type: input.type }, 'Notification rate-limited');
        return null;
      }
    }
    return this.persist(input);
  }

  /** Persists, then pushes live; a failing push is logged (the notification is stored and listed). */
  private async persist(input: NewNotification): Promise<NotificationDto> {
    let saved: Notification;
    const { actor, ...fields } = input;
    try {
      // save() opens a transaction: on SQLite it must wait for any other one (TransactionRunner).
      const read = await this.alreadyRead(input);
      const row = this.notifications.create({
        messageId: null,
        ...fields,
        actorId: actor?.id ?? null,
        read,
        createdAt: new Date(),
      });
      saved = await this.transactions.transaction((m) => m.getRepository(Notification).save(row));
    } catch (err) {
      // The recipient was deleted meanwhile (foreign key): the same answer as the check before.
      await this.users.getExisting(input.userId);
      throw err;
    }
    const view = NotificationDto.from({ ...saved, actor: actor as User | null });
    try {
      this.publisher.toUser(input.userId, UserQueue.notifications, view);
    } catch (err) {
      this.logger.error({ err, userId: input.userId }, 'Notification push failed');
    }
    return view;
  }
}
