import { Global, Module } from '@nestjs/common';
import { MetricsAccess } from './metrics-access';
import { MetricsController } from './metrics.controller';
import { MetricsServer } from './metrics-server';
import { MetricsService } from './metrics.service';

/** `/metrics` (on the HTTP port or METRICS_PORT) and the MetricsService every feature can feed. */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [MetricsService, MetricsAccess, MetricsServer],
  exports: [MetricsService],
})
export class MetricsModule {}
