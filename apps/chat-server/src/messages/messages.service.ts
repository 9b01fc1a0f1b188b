import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import {
  AttachmentClaim,
  AttachmentsService,
  notAttachable,
  parseAttachmentIds,
} from '../attachments/attachments.service';
import { DomainEvents } from '../common/events/domain-events';
import { isForeignKeyViolation, isUniqueViolation } from '../common/filters/all-exceptions.filter';
import { isAdmin, Principal } from '../common/principal';
import { TokenBuckets } from '../common/rate-limit/token-buckets';
import { AppConfig } from '../config/app-config';
import { isWellFormedText } from '../common/validation/json-input';
import { MAX_ID } from '../common/pipes/parse-id.pipe';
import { FieldError, ValidationFailedException } from '../common/validation/validation';
import { RoomType } from '../rooms/room.entity';
import { MentionedUser } from '../read-state/mentions';
import { ReadStateRepository } from '../read-state/read-state.repository';
import { ReadStateService } from '../read-state/read-state.service';
import { RoomsService } from '../rooms/rooms.service';
import { MessageView } from './message-view';
import { MessageViews } from './message-views';
import { MessageWriter } from './message-writer';
import { HistoryWindow, MessagesRepository, ReplyWindow, ThreadCounts } from './messages.repository';
import { SendOrder } from './send-order';

export const MAX_CONTENT_LENGTH = 4000;
/** What a TEXT column holds on MySQL in utf8mb4 (65535 bytes), so "stored as sent" never fails. */
export const MAX_RAW_CONTENT_LENGTH = 16000;
export const CLIENT_MESSAGE_ID = /^[A-Za-z0-9_.:-]{1,64}$/;
export const DEFAULT_PAGE_SIZE = 50;

export interface SendResult {
  message: MessageView;
  /** false for an idempotent replay: the original message, not published again. */
  created: boolean;
}

export interface HistoryQuery {
  page?: number;
  size?: number;
  before?: number;
  after?: number;
  /** Leave replies out (a main timeline). */
  topLevel?: boolean;
}

export type RepliesQuery = Omit<HistoryQuery, 'page' | 'topLevel'>;

export type ReceiverType = 'user' | 'group' | 'channel';

export interface AddressedMessage {
  senderId: number;
  receiverId: number;
  receiverType?: ReceiverType;
  content?: unknown;
  clientMessageId?: unknown;
  parentId?: unknown;
  attachmentIds?: unknown;
}

/** The keyset window of a `before` / `after` query, or undefined without a cursor. */
function cursorWindow(
  query: { before?: number; after?: number },
  size: number,
): { kind: 'before' | 'after'; id: number; size: number } | undefined {
  if (query.before !== undefined) return { kind: 'before', id: query.before, size };
  if (query.after !== undefined) return { kind: 'after', id: query.after, size };
  return undefined;
}

const isId = (v: unknown): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_ID;

/**
 * The field errors of a message, or none. Content: 1-4000 characters after trimming; with
 * attachments (`withAttachments`) it may be empty or absent (EXTENSIONS.md §7).
 */
export function validateMessage(
  content: unknown,
  clientMessageId: unknown,
  withAttachments = false,
): FieldError[] {
  const errors: FieldError[] = [];
  if (withAttachments && (content === undefined || content === null)) {
    // no text: the attachments are the message
  } else if (typeof content !== 'string') {
    errors.push({ field: 'content', message: 'content must be a string' });
  } else if (!isWellFormedText(content)) {
    // A lone surrogate cannot be stored in UTF-8: it would come back changed, not "as sent".
    errors.push({ field: 'content', message: 'content must be well-formed Unicode (no lone surrogates)' });
  } else {
    const length = [...content.trim()].length;
    if (
      (length < 1 && !withAttachments) ||
      length > MAX_CONTENT_LENGTH ||
      content.length > MAX_RAW_CONTENT_LENGTH
    )
      errors.push({
        field: 'content',
        message: withAttachments
          ? `content must be at most ${MAX_CONTENT_LENGTH} characters (after trimming)`
          : `content must be 1-${MAX_CONTENT_LENGTH} characters (after trimming), or attach a file`,
      });
  }
  if (
    clientMessageId !== undefined &&
    clientMessageId !== null &&
    (typeof clientMessageId !== 'string' || !CLIENT_MESSAGE_ID.test(clientMessageId))
  ) {
    errors.push({
      field: 'clientMessageId',
      message: 'clientMessageId must be 1-64 characters of letters, digits, "_", ".", ":" or "-"',
    });
  }
  return errors;
}

/**
 * Sending, reading and deleting messages: the rules of both REST surfaces and of the STOMP
 * `/app/chat.sendMessage` handler, which calls `send` too.
 */
@Injectable()
export class MessagesService {
  constructor(
    private readonly messages: MessagesRepository,
    private readonly rooms: RoomsService,
    private readonly events: DomainEvents,
    private readonly writer: MessageWriter,
    private readonly readState: ReadStateService,
    private readonly readStateRepo: ReadStateRepository,
    private readonly views: MessageViews,
    private readonly attachments: AttachmentsService,
    config: AppConfig,
  ) {
    this.posts = new TokenBuckets(() => config.settings.limits.posts);
  }

  /** Messages sent per user, REST and STOMP together (POST_RATE_PER_MINUTE / POST_BURST). */
  private readonly posts: TokenBuckets;

  /**
   * Sends a message: 400 invalid content or clientMessageId, 404 unknown room, 403 neither a
   * member nor an admin. Persists (one INSERT, or one row of a multi-row INSERT shared with
   * concurrent sends: see MessageWriter; room and membership come from the cache), then
   * publishes. With a clientMessageId already used by this sender, returns the original message
   * (`created: false`) and publishes nothing; 409 if that was in another room.
   *
   * With `parentId` it is a reply (EXTENSIONS.md §5): the parent must be a message of the same
   * room (400; unknown, or in a room the caller cannot see, 404); a reply to a reply joins the
   * root's thread. A reply is written with its root's counters in one transaction (not batched).
   *
   * With `attachmentIds` (EXTENSIONS.md §7: at most 10, the caller's own uploads to this room
   * not attached yet; 400 otherwise) the content may be empty or absent; the message and its
   * attachments are written in one transaction (not batched), so two sends racing for one upload
   * cannot both have it.
   *
   * `order` (a STOMP session's pipelined SENDs): the checks run concurrently with the client's
   * earlier sends; the message takes its place in the writer's queue in its turn, so ids and
   * broadcasts follow the order of the frames. A reply or a message with attachments, written
   * outside the writer, waits until the earlier sends are done and keeps the turn until it is
   * published.
   */
  async send(
    caller: Principal,
    roomId: number,
    content: unknown,
    clientMessageId?: unknown,
    parentId?: unknown,
    attachmentIds?: unknown,
    order?: SendOrder,
  ): Promise<SendResult> {
    this.posts.takeOrThrow(caller.id, 'Too many messages');
    const { ids, errors: idErrors } = parseAttachmentIds(attachmentIds);
    const errors = [...validateMessage(content, clientMessageId, ids.length > 0), ...idErrors];
    if (parentId !== undefined && parentId !== null && !isId(parentId))
      errors.push({ field: 'parentId', message: 'parentId must be a positive integer id' });
    if (errors.length) throw new ValidationFailedException(errors);
    const text = typeof content === 'string' ? content : '';
    const clientId = typeof clientMessageId === 'string' ? clientMessageId : null;
    const room = await this.rooms.assertCanTakePart(caller, roomId);
    const rootId = isId(parentId) ? await this.threadRoot(caller, roomId, parentId) : null;
    const claim = ids.length ? await this.attachments.claimable(caller, roomId, ids) : null;
    // Resolved against the members now (one query, none without an '@'); stored with the message.
    const mentions = await this.readState.mentionsIn(roomId, caller.id, text);
    const sentAt = new Date();
    const row = { roomId, senderId: caller.id, content: text, sentAt, clientMessageId: clientId };
    let id: number;
    let thread: ThreadCounts | null = null;
    try {
      const mentionIds = mentions.map((u) => u.id);
      if (rootId === null && !claim) {
        const message = { ...row, mentions: mentionIds };
        let written!: Promise<number>;
        if (order) await order.turn(() => void (written = this.writer.write(message)));
        else written = this.writer.write(message);
        // The writer settles in queue order, and nothing below awaits before the emit: the
        // broadcasts of one client's sends go out in the order of their ids.
        id = await written;
      } else {
        await order?.previousDone();
        const written = await this.messages.insertAtomic(
          row,
          rootId,
          claim ? this.attaching(caller, roomId, claim, sentAt) : undefined,
        );
        if (!written) throw new NotFoundException(`Message ${rootId} not found`);
        ({ id, thread } = written);
        // A reply (or a message with attachments) skips the writer's batch: its read-state
        // follow-up (the sender's marker, the mention rows) runs here, as the writer runs it for a batch.
        await this.readStateRepo.afterInsert([{ id, roomId, senderId: caller.id, mentions: mentionIds }]);
      }
    } catch (err) {
      if (clientId && isUniqueViolation(err)) return this.replay(caller, roomId, clientId, err);
      // The room (or the sender) was deleted between the check and the insert.
      if (isForeignKeyViolation(err)) throw new NotFoundException(`Chat room ${roomId} not found`);
      throw err;
    }
    const message = this.views.one({
      id,
      roomId,
      sender: { id: caller.id, username: caller.username, email: caller.email },
      content: text,
      sentAt,
      clientMessageId: clientId,
      mentions,
      editedAt: null,
      parentId: rootId,
      replyCount: 0,
      lastReplyAt: null,
      reactions: [],
      attachments: claim?.views ?? [],
    });
    this.events.emit('message.created', { message, room: { id: room.id, type: room.type } });
    if (thread) this.emitThread(roomId, thread, message);
    return { message, created: true };
  }

  /** The statement that attaches a claim's uploads to the new message, in the send's transaction. */
  private attaching(caller: Principal, roomId: number, claim: AttachmentClaim, sentAt: Date) {
    return {
      statement: (messageId: number) =>
        this.attachments.attachStatement(messageId, claim, caller.id, roomId, sentAt),
      affected: claim.ids.length,
      refuse: notAttachable,
    };
  }

  /**
   * The thread root a reply to `parentId` in `roomId` belongs to: 404 when the parent is unknown
   * or in a room the caller cannot see (the same answer: nothing tells that it exists), 400 when
   * it is in another room the caller can see.
   */
  private async threadRoot(caller: Principal, roomId: number, parentId: number): Promise<number> {
    const parent = await this.messages.findMeta(parentId);
    if (!parent || (parent.roomId !== roomId && !(await this.rooms.canSubscribe(caller, parent.roomId))))
      throw new NotFoundException(`Message ${parentId} not found`);
    if (parent.roomId !== roomId)
      throw new ValidationFailedException([
        { field: 'parentId', message: 'parentId must be a message of the same room' },
      ]);
    return parent.parentId ?? parent.id;
  }

  private emitThread(roomId: number, thread: ThreadCounts, reply: MessageView | null): void {
    this.events.emit('thread.updated', {
      roomId,
      rootId: thread.rootId,
      replyCount: thread.replyCount,
      lastReplyAt: thread.lastReplyAt ? thread.lastReplyAt.toISOString() : null,
      reply,
    });
  }

  /**
   * Basic `POST /api/messages`: `senderId` must be the caller (403 otherwise, admins included).
   * receiverType `user` (default): the direct-message room of the two, found or created (404
   * unknown user); `group` / `channel`: that PRIVATE / PUBLIC room (404 if not of that type).
   */
  async sendAddressed(caller: Principal, input: AddressedMessage): Promise<SendResult> {
    if (input.senderId !== caller.id)
      throw new ForbiddenException('senderId must be your own id: nobody sends for someone else');
    const { ids, errors: idErrors } = parseAttachmentIds(input.attachmentIds);
    const errors = [...validateMessage(input.content, input.clientMessageId, ids.length > 0), ...idErrors];
    if (errors.length) throw new ValidationFailedException(errors);
    let roomId = input.receiverId;
    const type = input.receiverType ?? 'user';
    if (type === 'user') {
      roomId = (await this.rooms.findOrCreateDirect(caller, input.receiverId)).summary.room.id;
    } else {
      await this.rooms.assertCanTakePart(
        caller,
        input.receiverId,
        type === 'group' ? RoomType.PRIVATE : RoomType.PUBLIC,
      );
    }
    return this.send(
      caller,
      roomId,
      input.content,
      input.clientMessageId,
      input.parentId,
      input.attachmentIds,
    );
  }

  /**
   * A room's history for a member or an admin (also in PUBLIC rooms): 404 unknown room, 403
   * others. `before` / `after` are keyset cursors (message ids), else `page` 0 is the newest
   * `size` messages. Always ordered oldest to newest.
   */
  async history(caller: Principal, roomId: number, query: HistoryQuery): Promise<MessageView[]> {
    if (query.before !== undefined && query.after !== undefined)
      throw new BadRequestException('Use either before or after, not both');
    if (query.page !== undefined && (query.before !== undefined || query.after !== undefined))
      throw new BadRequestException('page cannot be combined with before or after');
    await this.rooms.assertCanTakePart(caller, roomId);
    const size = query.size ?? DEFAULT_PAGE_SIZE;
    const window: HistoryWindow = cursorWindow(query, size) ?? { kind: 'page', page: query.page ?? 0, size };
    return this.views.of(await this.messages.history(roomId, window, query.topLevel === true));
  }

  /**
   * A thread's replies (EXTENSIONS.md §5), oldest to newest: `before` / `after` cursors, else the
   * newest `size`. 404 unknown message, 400 a reply's id, 403 neither a member nor an admin.
   */
  async replies(caller: Principal, rootId: number, query: RepliesQuery): Promise<MessageView[]> {
    if (query.before !== undefined && query.after !== undefined)
      throw new BadRequestException('Use either before or after, not both');
    const root = await this.messages.findMeta(rootId);
    if (!root) throw new NotFoundException(`Message ${rootId} not found`);
    await this.rooms.assertCanTakePart(caller, root.roomId);
    if (root.parentId !== null)
      throw new BadRequestException(`Message ${rootId} is a reply; its thread root is ${root.parentId}`);
    const size = query.size ?? DEFAULT_PAGE_SIZE;
    const window: ReplyWindow = cursorWindow(query, size) ?? { kind: 'latest', size };
    return this.views.of(await this.messages.replies(rootId, window));
  }

  /**
   * Edits a message (EXTENSIONS.md §3): its sender only, while it may still post in the room
   * (admins and room creators may delete, never put words in someone's mouth): 403 otherwise.
   * 400 invalid content, 404 unknown or deleted. The same content again changes nothing. A message
   * with attachments may be edited to empty content. The mentions are resolved again (EXTENSIONS.md
   * §2): see ReadStateService.mentionsIn; the event tells who was added (notified) and removed.
   */
  async edit(caller: Principal, messageId: number, content: unknown): Promise<MessageView> {
    let errors = validateMessage(content, undefined);
    if (
      errors.length &&
      !validateMessage(content, undefined, true).length &&
      (await this.attachments.countOf(messageId)) > 0
    )
      errors = [];
    if (errors.length) throw new ValidationFailedException(errors);
    const text = content as string;
    const meta = await this.messages.findMeta(messageId);
    if (!meta) throw new NotFoundException(`Message ${messageId} not found`);
    if (meta.senderId !== caller.id) throw new ForbiddenException('Only the sender may edit a message');
    const room = await this.rooms.assertCanTakePart(caller, meta.roomId);
    if (meta.content === text) {
      const parts = await this.messages.findParts(messageId);
      if (!parts) throw new NotFoundException(`Message ${messageId} not found`);
      return (await this.views.of([parts]))[0];
    }
    const before = (await this.readStateRepo.mentionsOf([messageId])).get(messageId) ?? [];
    const after = await this.readState.mentionsIn(meta.roomId, caller.id, text, before);
    const changed = !sameUsers(before, after);
    const mentions = changed ? { roomId: meta.roomId, userIds: after.map((u) => u.id) } : null;
    if (!(await this.messages.edit(messageId, text, new Date(), mentions)))
      throw new NotFoundException(`Message ${messageId} not found`);
    const parts = await this.messages.findParts(messageId);
    if (!parts) throw new NotFoundException(`Message ${messageId} not found`);
    const [message] = await this.views.of([parts]);
    const had = new Set(before.map((u) => u.id));
    const has = new Set(after.map((u) => u.id));
    this.events.emit('message.edited', {
      message,
      previousContent: meta.content,
      room: { id: room.id, type: room.type },
      mentionsAdded: after.filter((u) => !had.has(u.id)),
      mentionsRemoved: before.filter((u) => !has.has(u.id)),
    });
    return message;
  }

  /**
   * Deletes a message: its sender, an admin, or the room's creator while it is a member (never in a
   * direct-message room, where whoever opened it first gains nothing over the other): 403 others,
   * 404 unknown.
   */
  async delete(caller: Principal, messageId: number): Promise<void> {
    const meta = await this.messages.findMeta(messageId);
    if (!meta) throw new NotFoundException(`Message ${messageId} not found`);
    const room = await this.rooms.getRoomInfo(meta.roomId);
    const allowed =
      isAdmin(caller) ||
      (meta.senderId !== null && meta.senderId === caller.id) ||
      (room !== null && (await this.rooms.creatorPowers(caller, room)));
    if (!allowed)
      throw new ForbiddenException('Only the sender, the room creator or an administrator may delete it');
    if (meta.parentId === null) {
      // A root takes its replies with it (foreign key ON DELETE CASCADE): one event for the thread.
      if (!(await this.messages.delete(messageId)))
        throw new NotFoundException(`Message ${messageId} not found`);
      this.events.emit('message.deleted', { roomId: meta.roomId, messageId });
      return;
    }
    const thread = await this.messages.deleteReply(messageId, meta.parentId);
    if (!thread) throw new NotFoundException(`Message ${messageId} not found`);
    this.events.emit('message.deleted', { roomId: meta.roomId, messageId });
    this.emitThread(meta.roomId, thread, null);
  }

  private async replay(
    caller: Principal,
    roomId: number,
    clientMessageId: string,
    cause: unknown,
  ): Promise<SendResult> {
    const original = await this.messages.findByClientId(caller.id, clientMessageId);
    if (!original) throw cause;
    if (original.roomId !== roomId)
      throw new ConflictException('clientMessageId was already used for a message in another room');
    return { message: (await this.views.of([original]))[0], created: false };
  }
}

/** The same users in the same order (mentions are stored in order of appearance). */
function sameUsers(a: readonly MentionedUser[], b: readonly MentionedUser[]): boolean {
  return a.length === b.length && a.every((u, i) => u.id === b[i].id);
}
