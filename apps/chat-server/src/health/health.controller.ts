import { LivenessSchema, ReadinessSchema } from '../ops/api-schemas';
import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import {
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Public } from '../common/decorators/public.decorator';
import { ReadinessRegistry } from './readiness-registry';

const DB_TIMEOUT_MS = 3000;

interface StatusReply {
  status(code: number): unknown;
}

/** Liveness and readiness probes (public, JSON). */
@ApiTags('ops')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly registry: ReadinessRegistry,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  @Public()
  @Get()
  @ApiOperation({ summary: 'Liveness: the process is up and serving (no dependency is checked)' })
  @ApiOkResponse({ type: LivenessSchema })
  live(): { status: 'ok'; uptimeSeconds: number } {
    return { status: 'ok', uptimeSeconds: Math.round(process.uptime() * 10) / 10 };
  }

  @Public()
  @Get('ready')
  @ApiOperation({
    summary: 'Readiness: database reachable, no pending migration, and every registered check (Redis, ...)',
  })
  @ApiOkResponse({ type: ReadinessSchema, description: 'Terminus result with `status: "ok"`' })
  @ApiServiceUnavailableResponse({
    description: 'Terminus result with `status: "error"` and the failing checks',
  })
  async ready(@Res({ passthrough: true }) reply: StatusReply): Promise<HealthCheckResult> {
    try {
      return await this.health.check([
        () => this.db.pingCheck('database', { connection: this.dataSource, timeout: DB_TIMEOUT_MS }),
        () =>
          this.indicators
            .check('migrations')
            .attempt(async () => {
              if (!this.dataSource.isInitialized) throw new Error('database is not connected');
              if (await this.dataSource.showMigrations()) throw new Error('pending migrations');
              return { pending: 0 };
            })
            .withTimeout(DB_TIMEOUT_MS),
        ...this.registry.list().map(
          ({ name, check, timeoutMs }) =>
            () =>
              this.indicators.check(name).attempt(check).withTimeout(timeoutMs),
        ),
      ]);
    } catch (err) {
      if (!(err instanceof ServiceUnavailableException)) throw err;
      reply.status(503);
      return err.getResponse() as HealthCheckResult;
    }
  }
}
