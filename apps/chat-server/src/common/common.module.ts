import { DynamicModule, Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { RedisClusterEvents } from '../cluster/redis-cluster-events';
import { RedisConnections } from '../cluster/redis-connections';
import { RedisCounterStore } from '../cluster/redis-counter-store';
import { AppConfig, AppSettings } from '../config/app-config';
import { ClusterEvents, LocalClusterEvents } from './events/cluster-events';
import { DomainEvents } from './events/domain-events';
import { CounterStore, InMemoryCounterStore } from './rate-limit/counter-store';

/**
 * Configuration, the event buses, the Redis connections (when configured) and the rate-limit
 * counters (shared through Redis when configured), for every feature.
 */
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
        {
          provide: CounterStore,
          inject: [RedisConnections],
          useFactory: (redis: RedisConnections) =>
            redis.enabled ? new RedisCounterStore(redis) : new InMemoryCounterStore(),
        },
      ],
      exports: [AppConfig, DomainEvents, ClusterEvents, RedisConnections, CounterStore],
    };
  }
}
