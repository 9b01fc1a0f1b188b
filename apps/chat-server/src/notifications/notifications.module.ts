import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RoomMember } from '../rooms/room-member.entity';
import { Room } from '../rooms/room.entity';
import { UsersModule } from '../users/users.module';
import { Notification } from './notification.entity';
import { NotificationsController } from './notifications.controller';
import { NotificationsService } from './notifications.service';

/** Notifications: REST, and the automatic ones for room invites and direct messages. Needs a `RealtimePublisher`. */
@Module({
  imports: [TypeOrmModule.forFeature([Notification, RoomMember, Room]), UsersModule],
  controllers: [NotificationsController],
  providers: [NotificationsService],
  exports: [NotificationsService],
})
export class NotificationsModule {}
