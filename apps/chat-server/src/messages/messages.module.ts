import { Module } from '@nestjs/common';
import { RoomsModule } from '../rooms/rooms.module';
import { BasicMessagesController } from './basic-messages.controller';
import { MessagesController } from './messages.controller';
import { MessageWriter } from './message-writer';
import { MessagesRepository } from './messages.repository';
import { MessagesService } from './messages.service';
import { ReactionsController } from './reactions.controller';
import { ReactionsRepository } from './reactions.repository';
import { ReactionsService } from './reactions.service';

@Module({
  imports: [RoomsModule],
  controllers: [MessagesController, BasicMessagesController, ReactionsController],
  providers: [MessagesService, MessagesRepository, MessageWriter, ReactionsRepository, ReactionsService],
  exports: [MessagesService, ReactionsService, MessagesRepository],
})
export class MessagesModule {}
