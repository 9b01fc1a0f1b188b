import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { StompBroker } from '@app/stomp';
import { DomainEvents } from '../common/events/domain-events';

const roomTopic = (roomId: number) => `/topic/rooms/${roomId}`;
const eventsTopic = (roomId: number) => `/topic/rooms/${roomId}/events`;

/**
 * Turns committed domain changes into live STOMP traffic: messages to `/topic/rooms/{id}`, room
 * events to `/topic/rooms/{id}/events`, and ends live access at once when membership ends (the
 * user's subscriptions to the room's topics are cancelled on every instance) or the account goes.
 */
@Injectable()
export class LiveRoomEvents implements OnModuleInit {
  private readonly logger = new Logger(LiveRoomEvents.name);

  constructor(
    private readonly events: DomainEvents,
    private readonly broker: StompBroker,
  ) {}

  onModuleInit(): void {
    this.events.on('message.created', ({ message, room }) => this.publish(roomTopic(room.id), message));
    this.events.on('message.deleted', ({ roomId, messageId }) =>
      this.publish(eventsTopic(roomId), { type: 'MESSAGE_DELETED', roomId, messageId }),
    );
    this.events.on('membership.added', ({ roomId, userId, actorId }) =>
      this.publish(eventsTopic(roomId), { type: 'MEMBER_ADDED', roomId, userId, actorId }),
    );
    this.events.on('membership.removed', async ({ roomId, userId, actorId }) => {
      await this.revoke(userId, roomId, `You are no longer a member of room ${roomId}`);
      await this.publish(eventsTopic(roomId), { type: 'MEMBER_REMOVED', roomId, userId, actorId });
    });
    this.events.on('room.updated', ({ roomId, name, roomType }) =>
      this.publish(eventsTopic(roomId), { type: 'ROOM_UPDATED', roomId, name, roomType }),
    );
    this.events.on('room.deleted', async ({ roomId, memberIds }) => {
      await this.publish(eventsTopic(roomId), { type: 'ROOM_DELETED', roomId });
      await Promise.all(memberIds.map((userId) => this.revoke(userId, roomId, `Room ${roomId} was deleted`)));
    });
    this.events.on('user.deleted', ({ userId }) =>
      this.broker.disconnectUser(String(userId), 'Account deleted'),
    );
  }

  private async publish(destination: string, body: object): Promise<void> {
    try {
      await this.broker.publish(destination, body);
    } catch (err) {
      this.logger.error({ err, destination }, 'Live delivery failed');
    }
  }

  private revoke(userId: number, roomId: number, notice: string): Promise<void> {
    return this.broker.revokeSubscriptions(String(userId), `${roomTopic(roomId)}/**`, notice);
  }
}
