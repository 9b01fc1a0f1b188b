import { ApiPrometheusResponse } from '../ops/api-schemas';
import { Controller, Get, Headers, Res, UnauthorizedException } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { createHash, timingSafeEqual } from 'node:crypto';
import { Public } from '../common/decorators/public.decorator';
import { AppConfig } from '../config/app-config';
import { bearerToken } from '../auth/jwt-auth.guard';
import { MetricsService } from './metrics.service';

interface RawReply {
  header(name: string, value: string): RawReply;
  send(body: string): unknown;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Prometheus scrape endpoint; needs `Authorization: Bearer <METRICS_TOKEN>` when that is set. */
@ApiTags('ops')
@Controller('metrics')
export class MetricsController {
  private readonly expected?: Buffer;

  constructor(
    private readonly metrics: MetricsService,
    config: AppConfig,
  ) {
    const token = config.settings.metricsToken;
    this.expected = token ? digest(token) : undefined;
  }

  @Public()
  @Get()
  @ApiOperation({
    summary: 'Prometheus metrics (text format); bearer METRICS_TOKEN (or X-Metrics-Token) when configured',
  })
  @ApiProduces('text/plain')
  @ApiPrometheusResponse()
  async scrape(
    @Headers('authorization') authorization: string | undefined,
    @Headers('x-metrics-token') headerToken: string | undefined,
    @Res() reply: RawReply,
  ): Promise<void> {
    if (this.expected) {
      const given = bearerToken(authorization) ?? headerToken;
      if (!given || !timingSafeEqual(digest(given), this.expected)) {
        throw new UnauthorizedException('Metrics require the configured token');
      }
    }
    const { contentType, body } = await this.metrics.render();
    reply.header('content-type', contentType).header('cache-control', 'no-store').send(body);
  }
}
