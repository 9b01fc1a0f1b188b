import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { ChannelsController } from './channels.controller';
import { GroupsController } from './groups.controller';
import { MembershipCache } from './membership-cache';
import { RoomsController } from './rooms.controller';
import { RoomsService } from './rooms.service';

@Module({
  imports: [UsersModule],
  controllers: [RoomsController, GroupsController, ChannelsController],
  providers: [RoomsService, MembershipCache],
  exports: [RoomsService],
})
export class RoomsModule {}
