import { Injectable, Logger } from '@nestjs/common';
import type { MessageView } from '../../messages/message-view';
import type { RoomType } from '../../rooms/room.entity';

/**
 * What happened in the domain, for the features that react to it (live delivery, sessions,
 * notifications, caches). Emitted by services after the change is committed.
 */
export interface DomainEventMap {
  'user.updated': { userId: number };
  'user.deleted': { userId: number };
  /** Name and/or type changed (PUBLIC <-> PRIVATE). */
  'room.updated': { roomId: number; roomType: RoomType; name: string; actorId: number | null };
  /** The room, its memberships and its messages are gone; `memberIds` were its members. */
  'room.deleted': { roomId: number; roomType: RoomType; memberIds: number[]; actorId: number | null };
  /**
   * One per membership row created: also for the creator and initial members of a new room and
   * both users of a new direct-message room (`actorId` is who did it; equal to `userId` on a join).
   */
  'membership.added': { roomId: number; userId: number; actorId: number | null; roomType: RoomType };
  /** A member was removed or left (`actorId === userId`). Not emitted for deleted users: see user.deleted. */
  'membership.removed': { roomId: number; userId: number; actorId: number | null; roomType: RoomType };
  /** A message was persisted (emitted by the default MessagePublisher). */
  'message.created': { message: MessageView; room: { id: number; type: RoomType } };
  /** A message was deleted (emitted by the default MessagePublisher). */
  'message.deleted': { roomId: number; messageId: number };
}

export type DomainEventName = keyof DomainEventMap;
type Handler<K extends DomainEventName> = (event: DomainEventMap[K]) => void | Promise<void>;

/**
 * An in-process, typed event bus. Handlers run after the emitter's work is done; a failing
 * handler is logged and never breaks the caller or the other handlers.
 */
@Injectable()
export class DomainEvents {
  private readonly logger = new Logger(DomainEvents.name);
  private readonly handlers = new Map<DomainEventName, Handler<any>[]>();

  on<K extends DomainEventName>(name: K, handler: Handler<K>): void {
    const list = this.handlers.get(name) ?? [];
    list.push(handler);
    this.handlers.set(name, list);
  }

  emit<K extends DomainEventName>(name: K, event: DomainEventMap[K]): void {
    for (const handler of this.handlers.get(name) ?? []) {
      try {
        const result = handler(event);
        if (result instanceof Promise)
          result.catch((err) => this.logger.error({ err, event: name }, 'Event handler failed'));
      } catch (err) {
        this.logger.error({ err, event: name }, 'Event handler failed');
      }
    }
  }
}
