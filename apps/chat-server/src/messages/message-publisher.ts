import { Injectable } from '@nestjs/common';
import { DomainEvents } from '../common/events/domain-events';
import { RoomType } from '../rooms/room.entity';
import { MessageView } from './message-view';

/**
 * Where a message goes once it is persisted (never before). MessagesService calls it after the
 * INSERT / DELETE has succeeded. The default implementation emits domain events; the STOMP layer
 * provides a broker-backed one under this same token (`/topic/rooms/{id}` and `/events`).
 */
export abstract class MessagePublisher {
  abstract messageCreated(message: MessageView, room: { id: number; type: RoomType }): void;
  abstract messageDeleted(roomId: number, messageId: number): void;
}

/** Emits `message.created` / `message.deleted` on the in-process DomainEvents bus. */
@Injectable()
export class DomainEventsMessagePublisher extends MessagePublisher {
  constructor(private readonly events: DomainEvents) {
    super();
  }

  messageCreated(message: MessageView, room: { id: number; type: RoomType }): void {
    this.events.emit('message.created', { message, room: { id: room.id, type: room.type } });
  }

  messageDeleted(roomId: number, messageId: number): void {
    this.events.emit('message.deleted', { roomId, messageId });
  }
}
