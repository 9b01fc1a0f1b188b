import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RedisConnections } from '../cluster/redis-connections';
import { RedisPresenceStore } from '../cluster/redis-presence-store';
import { User } from '../users/user.entity';
import { UsersModule } from '../users/users.module';
import { InMemoryPresenceStore, PresenceStore } from './presence-store';
import { StatusController } from './status.controller';
import { StatusService } from './status.service';
import { UserStatus } from './user-status.entity';

/**
 * Statuses and automatic presence. Needs a `RealtimePublisher` (the chat module's, on the STOMP
 * broker). `PresenceStore` is in-process by default; a shared one replaces it for several instances.
 */
@Module({
  imports: [TypeOrmModule.forFeature([UserStatus, User]), UsersModule],
  controllers: [StatusController],
  providers: [
    StatusService,
    {
      // With REDIS_URL, presence is counted in Redis so every instance agrees.
      provide: PresenceStore,
      inject: [RedisConnections],
      useFactory: (redis: RedisConnections) =>
        redis.enabled ? new RedisPresenceStore(redis) : new InMemoryPresenceStore(),
    },
  ],
  exports: [StatusService, PresenceStore],
})
export class StatusModule {}
