import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { DomainEvents } from '../common/events/domain-events';
import { isForeignKeyViolation, isUniqueViolation } from '../common/filters/all-exceptions.filter';
import { isAdmin, Principal } from '../common/principal';
import { isWellFormedText } from '../common/validation/json-input';
import { FieldError, ValidationFailedException } from '../common/validation/validation';
import { RoomType } from '../rooms/room.entity';
import { ReadStateRepository } from '../read-state/read-state.repository';
import { ReadStateService } from '../read-state/read-state.service';
import { RoomsService } from '../rooms/rooms.service';
import { MessageParts, MessageView, toMessageView } from './message-view';
import { MessageWriter } from './message-writer';
import { HistoryWindow, MessagesRepository } from './messages.repository';

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
}

export type ReceiverType = 'user' | 'group' | 'channel';

export interface AddressedMessage {
  senderId: number;
  receiverId: number;
  receiverType?: ReceiverType;
  content: unknown;
  clientMessageId?: unknown;
}

/** The field errors of a message, or none. Content: 1-4000 characters after trimming. */
export function validateMessage(content: unknown, clientMessageId: unknown): FieldError[] {
  const errors: FieldError[] = [];
  if (typeof content !== 'string') {
    errors.push({ field: 'content', message: 'content must be a string' });
  } else if (!isWellFormedText(content)) {
    // A lone surrogate cannot be stored in UTF-8: it would come back changed, not "as sent".
    errors.push({ field: 'content', message: 'content must be well-formed Unicode (no lone surrogates)' });
  } else {
    const length = [...content.trim()].length;
    if (length < 1 || length > MAX_CONTENT_LENGTH || content.length > MAX_RAW_CONTENT_LENGTH)
      errors.push({
        field: 'content',
        message: `content must be 1-${MAX_CONTENT_LENGTH} characters (after trimming)`,
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
  ) {}

  /**
   * Sends a message: 400 invalid content or clientMessageId, 404 unknown room, 403 neither a
   * member nor an admin. Persists (one INSERT, or one row of a multi-row INSERT shared with
   * concurrent sends: see MessageWriter; room and membership come from the cache), then
   * publishes. With a clientMessageId already used by this sender, returns the original message
   * (`created: false`) and publishes nothing; 409 if that was in another room.
   */
  async send(
    caller: Principal,
    roomId: number,
    content: unknown,
    clientMessageId?: unknown,
  ): Promise<SendResult> {
    const errors = validateMessage(content, clientMessageId);
    if (errors.length) throw new ValidationFailedException(errors);
    const text = content as string;
    const clientId = typeof clientMessageId === 'string' ? clientMessageId : null;
    const room = await this.rooms.assertCanTakePart(caller, roomId);
    // Resolved against the members now (one query, none without an '@'); stored with the message.
    const mentions = await this.readState.mentionsIn(roomId, caller.id, text);
    const sentAt = new Date();
    let id: number;
    try {
      id = await this.writer.write({
        roomId,
        senderId: caller.id,
        content: text,
        sentAt,
        clientMessageId: clientId,
        mentions: mentions.map((u) => u.id),
      });
    } catch (err) {
      if (clientId && isUniqueViolation(err)) return this.replay(caller, roomId, clientId, err);
      // The room (or the sender) was deleted between the check and the insert.
      if (isForeignKeyViolation(err)) throw new NotFoundException(`Chat room ${roomId} not found`);
      throw err;
    }
    const message = toMessageView({
      id,
      roomId,
      sender: { id: caller.id, username: caller.username, email: caller.email },
      content: text,
      sentAt,
      clientMessageId: clientId,
      mentions,
    });
    this.events.emit('message.created', { message, room: { id: room.id, type: room.type } });
    return { message, created: true };
  }

  /**
   * Basic `POST /api/messages`: `senderId` must be the caller (403 otherwise, admins included).
   * receiverType `user` (default): the direct-message room of the two, found or created (404
   * unknown user); `group` / `channel`: that PRIVATE / PUBLIC room (404 if not of that type).
   */
  async sendAddressed(caller: Principal, input: AddressedMessage): Promise<SendResult> {
    if (input.senderId !== caller.id)
      throw new ForbiddenException('senderId must be your own id: nobody sends for someone else');
    const errors = validateMessage(input.content, input.clientMessageId);
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
    return this.send(caller, roomId, input.content, input.clientMessageId);
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
    const window: HistoryWindow =
      query.before !== undefined
        ? { kind: 'before', id: query.before, size }
        : query.after !== undefined
          ? { kind: 'after', id: query.after, size }
          : { kind: 'page', page: query.page ?? 0, size };
    return this.views(await this.messages.history(roomId, window));
  }

  /** Deletes a message: its sender, the room's creator or an admin (403 others, 404 unknown). */
  async delete(caller: Principal, messageId: number): Promise<void> {
    const meta = await this.messages.findMeta(messageId);
    if (!meta) throw new NotFoundException(`Message ${messageId} not found`);
    const room = await this.rooms.getRoomInfo(meta.roomId);
    const allowed =
      isAdmin(caller) ||
      (meta.senderId !== null && meta.senderId === caller.id) ||
      (room?.creatorId != null && room.creatorId === caller.id);
    if (!allowed)
      throw new ForbiddenException('Only the sender, the room creator or an administrator may delete it');
    if (!(await this.messages.delete(messageId)))
      throw new NotFoundException(`Message ${messageId} not found`);
    this.events.emit('message.deleted', { roomId: meta.roomId, messageId });
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
    return { message: (await this.views([original]))[0], created: false };
  }

  /** Views of stored messages, with their mentions loaded in ONE query for all of them. */
  private async views(parts: MessageParts[]): Promise<MessageView[]> {
    const mentions = await this.readStateRepo.mentionsOf(parts.map((p) => p.id));
    return parts.map((p) => toMessageView({ ...p, mentions: mentions.get(p.id) ?? [] }));
  }
}
