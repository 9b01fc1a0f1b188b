import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { ChannelsController } from './channels.controller';
import { DirectMessagesService } from './direct-messages.service';
import { GroupsController } from './groups.controller';
import { MembershipCache } from './membership-cache';
import { RoomAccessService } from './room-access.service';
import { RoomMembershipService } from './room-membership.service';
import { RoomsController } from './rooms.controller';
import { RoomsRepository } from './rooms.repository';
import { RoomsService } from './rooms.service';

@Module({
  imports: [UsersModule],
  controllers: [RoomsController, GroupsController, ChannelsController],
  providers: [
    RoomsService,
    RoomAccessService,
    RoomMembershipService,
    DirectMessagesService,
    RoomsRepository,
    MembershipCache,
  ],
  exports: [RoomsService],
})
export class RoomsModule {}
