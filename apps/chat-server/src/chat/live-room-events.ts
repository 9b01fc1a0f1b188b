import { Injectable } from '@nestjs/common';
import { DomainEventMap } from '../common/events/domain-events';
import { OnDomainEvent } from '../common/events/on-domain-event.decorator';
import { RoomEventPayload, RoomTopic } from '../common/realtime/destinations';
import { RealtimePublisher } from '../common/realtime/realtime-publisher';

/**
 * Turns committed domain changes into live traffic: messages to `RoomTopic.messages`, room events
 * to `RoomTopic.events`, and ends live access at once when membership ends (the user's
 * subscriptions to the room's topics are cancelled on every instance), when roles change (the
 * subscriptions are authorized again), when tokens are revoked (their sessions close) or the
 * account goes.
 */
@Injectable()
export class LiveRoomEvents {
  constructor(private readonly realtime: RealtimePublisher) {}

  @OnDomainEvent('message.created')
  onMessageCreated({ message, room }: DomainEventMap['message.created']): void {
    this.realtime.toTopic(RoomTopic.messages(room.id), message);
  }

  @OnDomainEvent('message.deleted')
  onMessageDeleted({ roomId, messageId }: DomainEventMap['message.deleted']): void {
    this.event({ type: 'MESSAGE_DELETED', roomId, messageId });
  }

  @OnDomainEvent('message.edited')
  onMessageEdited({ message }: DomainEventMap['message.edited']): void {
    this.event({ type: 'MESSAGE_EDITED', roomId: message.roomId, message });
  }

  @OnDomainEvent('reaction.added')
  onReactionAdded(e: DomainEventMap['reaction.added']): void {
    this.event({ type: 'REACTION_ADDED', ...e });
  }

  @OnDomainEvent('reaction.removed')
  onReactionRemoved(e: DomainEventMap['reaction.removed']): void {
    this.event({ type: 'REACTION_REMOVED', ...e });
  }

  /** After the reply's MESSAGE (message.created is emitted first), the root's new counters. */
  @OnDomainEvent('thread.updated')
  onThreadUpdated({ roomId, rootId, replyCount, lastReplyAt }: DomainEventMap['thread.updated']): void {
    this.event({ type: 'THREAD_UPDATED', roomId, messageId: rootId, replyCount, lastReplyAt });
  }

  @OnDomainEvent('membership.added')
  onMembershipAdded({ roomId, userId, actorId }: DomainEventMap['membership.added']): void {
    this.event({ type: 'MEMBER_ADDED', roomId, userId, actorId });
  }

  /** Revoke first, so the removed user's sessions stop before the room hears of it. */
  @OnDomainEvent('membership.removed')
  onMembershipRemoved({ roomId, userId, actorId }: DomainEventMap['membership.removed']): void {
    this.realtime.revokeSubscriptions(
      userId,
      RoomTopic.all(roomId),
      `You are no longer a member of room ${roomId}`,
    );
    this.event({ type: 'MEMBER_REMOVED', roomId, userId, actorId });
  }

  @OnDomainEvent('room.updated')
  onRoomUpdated({ roomId, name, roomType }: DomainEventMap['room.updated']): void {
    this.event({ type: 'ROOM_UPDATED', roomId, name, roomType });
  }

  /** Tell the room first (its members see why), then cancel every member's subscriptions. */
  @OnDomainEvent('room.deleted')
  onRoomDeleted({ roomId, memberIds }: DomainEventMap['room.deleted']): void {
    this.event({ type: 'ROOM_DELETED', roomId });
    for (const userId of memberIds)
      this.realtime.revokeSubscriptions(userId, RoomTopic.all(roomId), `Room ${roomId} was deleted`);
  }

  @OnDomainEvent('user.deleted')
  onUserDeleted({ userId }: DomainEventMap['user.deleted']): void {
    this.realtime.disconnectUser(userId, 'Account deleted');
  }

  /** A password change, "log out" or "log out everywhere": the sessions of those tokens end at once. */
  @OnDomainEvent('user.tokens-revoked')
  onTokensRevoked(event: DomainEventMap['user.tokens-revoked']): void {
    this.realtime.disconnectUser(
      event.userId,
      'Token revoked',
      'tokenId' in event ? { tokenId: event.tokenId } : { tokenVersionBelow: event.tokenVersionBelow },
    );
  }

  /**
   * Roles changed (an admin demoted): room topics it may no longer read (rooms it is not a member
   * of) are cancelled at once, as when membership ends.
   */
  @OnDomainEvent('user.roles-changed')
  onRolesChanged({ userId }: DomainEventMap['user.roles-changed']): void {
    this.realtime.recheckSubscriptions(userId, 'Your roles changed: this subscription is no longer allowed');
  }

  private event(payload: RoomEventPayload): void {
    this.realtime.toTopic(RoomTopic.events(payload.roomId), payload);
  }
}
