import { Injectable, Logger } from '@nestjs/common';

/**
 * What happened in the domain, for the features that react to it (live delivery, sessions,
 * notifications, caches). Emitted by services after the change is committed.
 */
export interface DomainEventMap {
  'user.updated': { userId: number };
  'user.deleted': { userId: number };
  'room.updated': { roomId: number };
  'room.deleted': { roomId: number; memberIds: number[] };
  'membership.added': { roomId: number; userId: number; actorId: number | null };
  'membership.removed': { roomId: number; userId: number; actorId: number | null };
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
