import { ApiPrometheusResponse } from '../ops/api-schemas';
import { Controller, Get, Headers, NotFoundException, Res, UnauthorizedException } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/decorators/public.decorator';
import { MetricsAccess } from './metrics-access';
import { MetricsService } from './metrics.service';

interface RawReply {
  header(name: string, value: string): RawReply;
  send(body: string): unknown;
}

/**
 * Prometheus scrape endpoint on the HTTP port; needs `Authorization: Bearer <METRICS_TOKEN>` when
 * that is set. A 404 when metrics are served on METRICS_PORT instead, or not at all (production
 * without a token).
 */
@ApiTags('ops')
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    private readonly access: MetricsAccess,
  ) {}

  @Public()
  @Get()
  @ApiOperation({
    summary:
      'Prometheus metrics (text format); bearer METRICS_TOKEN (or X-Metrics-Token) when configured; 404 in production without one, or with METRICS_PORT',
  })
  @ApiProduces('text/plain')
  @ApiPrometheusResponse()
  async scrape(
    @Headers('authorization') authorization: string | undefined,
    @Headers('x-metrics-token') headerToken: string | undefined,
    @Res() reply: RawReply,
  ): Promise<void> {
    if (this.access.exposure !== 'http-port') throw new NotFoundException('Cannot GET /metrics');
    if (!this.access.allows(authorization, headerToken)) {
      throw new UnauthorizedException('Metrics require the configured token');
    }
    const { contentType, body } = await this.metrics.render();
    reply.header('content-type', contentType).header('cache-control', 'no-store').send(body);
  }
}
