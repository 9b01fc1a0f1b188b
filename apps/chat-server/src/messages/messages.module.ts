import { Module } from '@nestjs/common';
import { ReadStateModule } from '../read-state/read-state.module';
import { RoomsModule } from '../rooms/rooms.module';
import { BasicMessagesController } from './basic-messages.controller';
import { MessagesController } from './messages.controller';
import { MessageWriter } from './message-writer';
import { MessagesRepository } from './messages.repository';
import { MessagesService } from './messages.service';
import { SearchController } from './search/search.controller';
import { SearchRepository } from './search/search.repository';
import { SearchService } from './search/search.service';

@Module({
  imports: [RoomsModule, ReadStateModule],
  controllers: [MessagesController, BasicMessagesController, SearchController],
  providers: [MessagesService, MessagesRepository, MessageWriter, SearchService, SearchRepository],
  exports: [MessagesService],
})
export class MessagesModule {}
