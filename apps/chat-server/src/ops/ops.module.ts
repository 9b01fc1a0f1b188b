import { Module } from '@nestjs/common';
import { HealthModule } from '../health/health.module';
import { LifecycleModule } from '../lifecycle/lifecycle.module';
import { MetricsModule } from '../metrics/metrics.module';

/** Health probes, metrics and the shutdown hook point (all global providers). */
@Module({ imports: [HealthModule, MetricsModule, LifecycleModule] })
export class OpsModule {}
