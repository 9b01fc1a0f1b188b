import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig, AppSettings } from '../config/app-config';
import { ClusterEvents, LocalClusterEvents } from './events/cluster-events';
import { DomainEvents } from './events/domain-events';

/** Configuration and the event buses, available to every feature. */
@Global()
@Module({})
export class CommonModule {
  static forRoot(settings: AppSettings): DynamicModule {
    return {
      module: CommonModule,
      providers: [
        { provide: AppConfig, useValue: new AppConfig(settings) },
        DomainEvents,
        { provide: ClusterEvents, useClass: LocalClusterEvents },
      ],
      exports: [AppConfig, DomainEvents, ClusterEvents],
    };
  }
}
