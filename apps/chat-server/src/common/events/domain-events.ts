import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { MessageView } from '../../messages/message-view';
import type { RoomType } from '../../rooms/room.entity';
import type { MentionedUser } from '../../read-state/mentions';
import type { Role } from '../../users/user.entity';
import { ON_DOMAIN_EVENT_METADATA } from './on-domain-event.decorator';

/**
 * What happened in the domain, for the features that react to it (live delivery, sessions,
 * notifications, caches). Emitted by services after the change is committed.
 */
export interface DomainEventMap {
  'user.updated': { userId: number };
  'user.deleted': { userId: number };
  /**
   * Tokens of the user stopped working: one token (`tokenId`, a "log out" of one session) or every
   * token of a version below `tokenVersionBelow` (a password change, "log out everywhere").
   */
  'user.tokens-revoked': { userId: number } & ({ tokenId: string } | { tokenVersionBelow: number });
  /** An administrator changed the user's roles (`roles` are the new ones). */
  'user.roles-changed': { userId: number; roles: Role[] };
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
  /** A message was persisted (emitted by MessagesService after the commit). */
  'message.created': { message: MessageView; room: { id: number; type: RoomType } };
  /** A message was deleted (emitted by MessagesService after the commit); a root takes its replies with it. */
  'message.deleted': { roomId: number; messageId: number };
  /**
   * A user's read marker of a room moved forward through a read (REST or STOMP), with the counts
   * after it (emitted by ReadStateService after the commit). A send moves the sender's marker
   * too: that is `message.created`.
   */
  'read.moved': {
    userId: number;
    roomId: number;
    lastReadMessageId: number;
    unreadCount: number;
    mentionCount: number;
  };
  /**
   * A message's content changed (not emitted when the same content is sent again). The mentions
   * the edit added (they are notified) and removed (their counts change), beside the new view.
   */
  'message.edited': {
    message: MessageView;
    previousContent: string;
    room: { id: number; type: RoomType };
    mentionsAdded: MentionedUser[];
    mentionsRemoved: MentionedUser[];
  };
  /** A user's reaction was stored / removed; `count` is the emoji's count on the message now. */
  'reaction.added': { roomId: number; messageId: number; emoji: string; userId: number; count: number };
  'reaction.removed': { roomId: number; messageId: number; emoji: string; userId: number; count: number };
  /**
   * A thread's counters changed: a reply was sent (`reply` is it) or deleted (`reply` null).
   * `rootId` is the thread root; `lastReplyAt` an ISO time or null.
   */
  'thread.updated': {
    roomId: number;
    rootId: number;
    replyCount: number;
    lastReplyAt: string | null;
    reply: MessageView | null;
  };
}

export type DomainEventName = keyof DomainEventMap;
type Handler<K extends DomainEventName> = (event: DomainEventMap[K]) => void | Promise<void>;

/**
 * An in-process, typed event bus. Listeners are provider methods decorated with
 * `@OnDomainEvent(name)`, found at startup. Handlers run after the emitter's work is done; a
 * failing handler is logged and never breaks the caller or the other handlers.
 */
@Injectable()
export class DomainEvents implements OnModuleInit {
  private readonly logger = new Logger(DomainEvents.name);
  private readonly handlers = new Map<DomainEventName, Handler<any>[]>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  onModuleInit(): void {
    const seen = new Set<object>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (
        !instance ||
        typeof instance !== 'object' ||
        seen.has(instance) ||
        !wrapper.isDependencyTreeStatic()
      )
        continue;
      seen.add(instance);
      const prototype = Object.getPrototypeOf(instance) as Record<string, unknown>;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const fn = prototype[method];
        if (typeof fn !== 'function') continue;
        const names = Reflect.getMetadata(ON_DOMAIN_EVENT_METADATA, fn) as DomainEventName[] | undefined;
        for (const name of names ?? [])
          this.on(name, (event) => (fn as (e: unknown) => void | Promise<void>).call(instance, event));
      }
    }
  }

  /**
   * Adds a listener by hand. Application code uses `@OnDomainEvent` instead; this is for tests
   * that observe the bus.
   */
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
