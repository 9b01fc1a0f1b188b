import { Injectable, NotFoundException } from '@nestjs/common';
import { DomainEvents } from '../common/events/domain-events';
import { isForeignKeyViolation } from '../common/filters/all-exceptions.filter';
import { Principal } from '../common/principal';
import { ValidationFailedException } from '../common/validation/validation';
import { RoomsService } from '../rooms/rooms.service';
import { normalizeEmoji } from './emoji';
import { ReactionDto } from './message-view';
import { MessagesRepository } from './messages.repository';
import { ReactionsRepository } from './reactions.repository';

/** At most this many distinct emojis on one message (EXTENSIONS.md §4). */
export const MAX_DISTINCT_EMOJIS = 50;

export interface ReactionsAnswer {
  messageId: number;
  reactions: ReactionDto[];
}

/**
 * Reactions (EXTENSIONS.md §4), for v1 REST and `/app/chat.react`: members and admins of the
 * message's room add or remove their own reaction; both idempotent (no event when nothing changed).
 */
@Injectable()
export class ReactionsService {
  constructor(
    private readonly messages: MessagesRepository,
    private readonly reactions: ReactionsRepository,
    private readonly rooms: RoomsService,
    private readonly events: DomainEvents,
  ) {}

  /**
   * 400 not one emoji or shortcode, or a 51st distinct emoji; 404 unknown message; 403 neither a
   * member nor an admin. The 50-emoji bound is checked before the insert: two different new
   * emojis racing for the 50th place may both get in (docs/API-DECISIONS.md).
   */
  async react(
    caller: Principal,
    messageId: number,
    rawEmoji: unknown,
    remove = false,
  ): Promise<ReactionsAnswer> {
    const emoji = typeof rawEmoji === 'string' ? normalizeEmoji(rawEmoji) : null;
    if (emoji === null)
      throw new ValidationFailedException([
        {
          field: 'emoji',
          message: 'emoji must be one emoji (at most 32 bytes) or a :shortcode: of 1-32 [a-z0-9_+-]',
        },
      ]);
    const meta = await this.messages.findMeta(messageId);
    if (!meta) throw new NotFoundException(`Message ${messageId} not found`);
    await this.rooms.assertCanTakePart(caller, meta.roomId);
    let changed: boolean;
    if (remove) {
      changed = await this.reactions.remove(messageId, caller.id, emoji);
    } else {
      const stats = await this.reactions.emojiStats(messageId, emoji);
      if (!stats.present && stats.distinct >= MAX_DISTINCT_EMOJIS)
        throw new ValidationFailedException([
          { field: 'emoji', message: `A message carries at most ${MAX_DISTINCT_EMOJIS} distinct emojis` },
        ]);
      try {
        changed = await this.reactions.add(messageId, caller.id, emoji);
      } catch (err) {
        // The message (or the caller's account) was deleted meanwhile.
        if (isForeignKeyViolation(err)) throw new NotFoundException(`Message ${messageId} not found`);
        throw err;
      }
    }
    const reactions = (await this.reactions.reactionsOf([messageId])).get(messageId) ?? [];
    if (changed)
      this.events.emit(remove ? 'reaction.removed' : 'reaction.added', {
        roomId: meta.roomId,
        messageId,
        emoji,
        userId: caller.id,
        count: reactions.find((r) => r.emoji === emoji)?.count ?? 0,
      });
    return { messageId, reactions };
  }
}
