import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { ReadStateModule } from '../read-state/read-state.module';
import { RoomsModule } from '../rooms/rooms.module';
import { BasicMessagesController } from './basic-messages.controller';
import { MessagesController } from './messages.controller';
import { MessageViews } from './message-views';
import { MessageWriter } from './message-writer';
import { MessagesRepository } from './messages.repository';
import { MessagesService } from './messages.service';
import { ReactionsController } from './reactions.controller';
import { ReactionsRepository } from './reactions.repository';
import { ReactionsService } from './reactions.service';
import { SearchController } from './search/search.controller';
import { SearchRepository } from './search/search.repository';
import { SearchService } from './search/search.service';

@Module({
  imports: [RoomsModule, ReadStateModule, UsersModule],
  controllers: [MessagesController, BasicMessagesController, SearchController, ReactionsController],
  providers: [
    MessagesService,
    MessagesRepository,
    MessageWriter,
    MessageViews,
    SearchService,
    SearchRepository,
    ReactionsRepository,
    ReactionsService,
  ],
  exports: [MessagesService, ReactionsService, MessagesRepository],
})
export class MessagesModule {}
