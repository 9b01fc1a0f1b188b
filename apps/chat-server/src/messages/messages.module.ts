import { Module } from '@nestjs/common';
import { RoomsModule } from '../rooms/rooms.module';
import { BasicMessagesController } from './basic-messages.controller';
import { DomainEventsMessagePublisher, MessagePublisher } from './message-publisher';
import { MessagesController } from './messages.controller';
import { MessageWriter } from './message-writer';
import { MessagesRepository } from './messages.repository';
import { MessagesService } from './messages.service';
import { SearchController } from './search/search.controller';
import { SearchRepository } from './search/search.repository';
import { SearchService } from './search/search.service';

@Module({
  imports: [RoomsModule],
  controllers: [MessagesController, BasicMessagesController, SearchController],
  providers: [
    MessagesService,
    MessagesRepository,
    MessageWriter,
    SearchService,
    SearchRepository,
    // The STOMP layer replaces this with its broker-backed publisher.
    { provide: MessagePublisher, useClass: DomainEventsMessagePublisher },
  ],
  exports: [MessagesService, MessagePublisher],
})
export class MessagesModule {}
