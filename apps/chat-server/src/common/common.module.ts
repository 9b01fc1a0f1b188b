import { DynamicModule, Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { RedisClusterEvents } from '../cluster/redis-cluster-events';
import { RedisConnections } from '../cluster/redis-connections';
import { AppConfig, AppSettings } from '../config/app-config';
import { ClusterEvents, LocalClusterEvents } from './events/cluster-events';
import { DomainEvents } from './events/domain-events';

/** Configuration, the event buses and the Redis connections (when configured), for every feature. */
@Global()
@Module({})
export class CommonModule {
  static forRoot(settings: AppSettings): DynamicModule {
    return {
      module: CommonModule,
      imports: [DiscoveryModule],
      providers: [
        { provide: AppConfig, useValue: new AppConfig(settings) },
        DomainEvents,
        RedisConnections,
        {
          provide: ClusterEvents,
          inject: [RedisConnections],
          useFactory: (redis: RedisConnections) =>
            redis.enabled ? new RedisClusterEvents(redis) : new LocalClusterEvents(),
        },
      ],
      exports: [AppConfig, DomainEvents, ClusterEvents, RedisConnections],
    };
  }
}
