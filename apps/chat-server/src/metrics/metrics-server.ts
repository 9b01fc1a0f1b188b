import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AppConfig } from '../config/app-config';
import { errorBody } from '../common/filters/error-body';
import { MetricsAccess } from './metrics-access';
import { MetricsService } from './metrics.service';

/**
 * `/metrics` on a port of its own (METRICS_PORT), for a network only the scraper reaches: the
 * HTTP port then answers 404 there. Nothing else is served on it. METRICS_TOKEN still applies.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private server: Server | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly access: MetricsAccess,
    private readonly metrics: MetricsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { exposure, port, host } = this.config.settings.metrics;
    if (exposure === 'off') {
      this.logger.warn(
        '/metrics is off: production serves it only with METRICS_TOKEN set, or on METRICS_PORT',
      );
    }
    if (exposure !== 'own-port') return;
    const server = createServer((req, res) => void this.serve(req, res));
    // A scraper sends one small request at a time: anything slower is not one.
    server.headersTimeout = 5000;
    server.requestTimeout = 10000;
    server.keepAliveTimeout = 65000;
    server.maxConnections = 64;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.logger.log(`Metrics on http://${host}:${this.port()}/metrics`);
  }

  /** The port it listens on (METRICS_PORT=0 picks a free one), undefined when not listening. */
  port(): number | undefined {
    const address = this.server?.address();
    return typeof address === 'object' && address ? address.port : undefined;
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    const fail = (status: number, message: string): void => {
      res
        .writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' })
        .end(JSON.stringify(errorBody(status, message, path)));
    };
    if (path !== '/metrics') return fail(404, `Cannot ${req.method} ${path}`);
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(405, 'Only GET /metrics');
    if (!this.access.allows(req.headers.authorization, req.headers['x-metrics-token']))
      return fail(401, 'Metrics require the configured token');
    try {
      const { contentType, body } = await this.metrics.render();
      res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (err) {
      this.logger.error(`Rendering metrics failed: ${(err as Error).message}`);
      fail(500, 'Internal server error');
    }
  }
}
