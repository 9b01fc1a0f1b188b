import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { DomainEvents } from '../common/events/domain-events';
import { Principal } from '../common/principal';
import { ReadStatePayload } from '../common/realtime/destinations';
import { RoomsService } from '../rooms/rooms.service';
import { MentionedUser, mentionCandidates, resolveMentions } from './mentions';
import { Reader, ReadStateRepository, RoomCounts } from './read-state.repository';

/**
 * Read markers, unread and mention counts, readers of a message, and which members a message
 * mentions: the rules of `PUT .../read` (v1 and basic), `/app/chat.read`, `GET /rooms/unread` and
 * `GET /messages/{id}/readers`. A send moves the sender's marker in MessageWriter's batch.
 */
@Injectable()
export class ReadStateService {
  constructor(
    private readonly repo: ReadStateRepository,
    private readonly rooms: RoomsService,
    private readonly events: DomainEvents,
  ) {}

  /**
   * Moves the caller's marker forward to `messageId` (default: the room's newest message). 404
   * unknown room, 403 not a member (admins too: read state belongs to a membership), 404 a
   * message that is not one of that room. An older id is accepted and changes nothing.
   */
  async markRead(caller: Principal, roomId: number, messageId?: number): Promise<ReadStatePayload> {
    if (!(await this.rooms.getRoomInfo(roomId))) throw new NotFoundException(`Chat room ${roomId} not found`);
    const given = messageId !== undefined && messageId !== null;
    // The membership and the target are independent lookups, run side by side (targetId
    // undefined: the given message is not one of this room's).
    const [before, targetId] = await Promise.all([
      this.repo.membership(roomId, caller.id),
      given
        ? this.repo.messageFacts(messageId).then((m) => (m?.roomId === roomId ? m.id : undefined))
        : this.repo.newestMessageId(roomId),
    ]);
    if (!before)
      throw new ForbiddenException('Read state belongs to a membership: you are not a member of this room');
    if (targetId === undefined)
      throw new NotFoundException(`Message ${messageId} not found in room ${roomId}`);
    const moved = targetId !== null && (await this.repo.moveMarker(roomId, caller.id, targetId));
    // Moved: the marker is the target now (a later move sends its own push). Not moved: it was
    // already there or further, perhaps moved meanwhile by another session, or the membership ended
    // meanwhile: read again.
    const membership = moved
      ? { lastReadMessageId: targetId }
      : await this.repo.membership(roomId, caller.id);
    if (!membership) throw new ForbiddenException('You are not a member of this room');
    const [counts] = await this.repo.counts([{ userId: caller.id, roomId, ...membership }]);
    const state = readState(counts);
    if (moved && state.lastReadMessageId !== null)
      this.events.emit('read.moved', {
        userId: caller.id,
        ...state,
        lastReadMessageId: state.lastReadMessageId,
      });
    return state;
  }

  /** One item per room the caller is a member of, by room id. */
  async unread(caller: Principal): Promise<RoomCounts[]> {
    const counts = await this.repo.counts(await this.repo.memberships(caller.id));
    return counts.map(({ roomId, unreadCount, mentionCount, lastReadMessageId, lastMessageId }) => ({
      roomId,
      unreadCount,
      mentionCount,
      lastReadMessageId,
      lastMessageId,
    }));
  }

  /** Who read a message (members and admins of its room; 404 unknown message, 403 others). */
  async readers(caller: Principal, messageId: number): Promise<Reader[]> {
    const message = await this.repo.messageFacts(messageId);
    if (!message) throw new NotFoundException(`Message ${messageId} not found`);
    await this.rooms.assertCanTakePart(caller, message.roomId);
    return this.repo.readers(message);
  }

  /**
   * The members a text mentions (bounded: see mentions.ts); one query, and none at all without
   * an `@`. Names that are not members are plain text: nothing says whether such a user exists.
   * For an edit, `previous` are the users the message mentioned before: one whose `@name` is still
   * in the text stays mentioned even if it has left the room since (an edit does not take back a
   * mention the text still makes); everyone else is resolved against the members now.
   */
  async mentionsIn(
    roomId: number,
    senderId: number,
    content: string,
    previous: readonly MentionedUser[] = [],
  ): Promise<MentionedUser[]> {
    if (!content.includes('@')) return [];
    const { occurrences, lookups } = mentionCandidates(content);
    if (!lookups.length) return [];
    const found = await this.repo.membersNamed(roomId, lookups);
    for (const user of previous) {
      const key = user.username.toLowerCase();
      if (!found.has(key)) found.set(key, user);
    }
    return resolveMentions(occurrences, found, senderId);
  }

  /** The current state of several memberships (for the coalesced pushes after sends). */
  async states(
    pairs: readonly { userId: number; roomId: number }[],
  ): Promise<(ReadStatePayload & { userId: number })[]> {
    const counts = await this.repo.counts(await this.repo.markers(pairs));
    return counts.map((c) => ({ userId: c.userId, ...readState(c) }));
  }
}

function readState(c: RoomCounts): ReadStatePayload {
  return {
    roomId: c.roomId,
    lastReadMessageId: c.lastReadMessageId,
    unreadCount: c.unreadCount,
    mentionCount: c.mentionCount,
  };
}
