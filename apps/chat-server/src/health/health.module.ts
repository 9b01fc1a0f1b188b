import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { ReadinessRegistry } from './readiness-registry';
import { RedisReadiness } from './redis-readiness';

/** `/health` and `/health/ready`; exports the ReadinessRegistry other modules add checks to. */
@Global()
@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' })],
  controllers: [HealthController],
  providers: [ReadinessRegistry, RedisReadiness],
  exports: [ReadinessRegistry],
})
export class HealthModule {}
