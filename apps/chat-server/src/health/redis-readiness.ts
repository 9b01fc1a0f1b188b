import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { ReadinessRegistry } from './readiness-registry';

/**
 * When `REDIS_URL` is set and no module registered a `redis` readiness check by bootstrap time, this
 * keeps a small connection of its own so `/health/ready` still reports Redis. Closed on shutdown.
 */
@Injectable()
export class RedisReadiness implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Health');
  private client?: Redis;
  private lastError?: string;

  constructor(
    private readonly config: AppConfig,
    private readonly registry: ReadinessRegistry,
  ) {}

  onApplicationBootstrap(): void {
    const url = this.config.settings.redisUrl;
    if (!url || this.registry.has('redis')) return;
    const client = new Redis(url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectionName: `health-${this.config.settings.instanceId}`,
      retryStrategy: (attempt) => Math.min(attempt * 500, 5000),
    });
    client.on('error', (err: Error) => {
      if (err.message !== this.lastError) this.logger.warn(`Redis health connection: ${err.message}`);
      this.lastError = err.message;
    });
    client.on('ready', () => (this.lastError = undefined));
    this.client = client;
    client.connect().catch(() => undefined);
    this.registry.register('redis', async () => {
      if (client.status !== 'ready')
        throw new Error(this.lastError ?? `Redis connection is ${client.status}`);
      await client.ping();
    });
  }

  onApplicationShutdown(): void {
    this.client?.disconnect();
    this.client = undefined;
  }
}
