import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { ReadinessRegistry } from '../health/readiness-registry';

/**
 * The Redis connections of this instance, when `REDIS_URL` is set: `command` for commands and
 * PUBLISH (fails fast while Redis is down instead of queueing), `subscriber` for pub/sub. Both
 * reconnect by themselves (ioredis also resubscribes); readiness reports Redis while it is down.
 */
@Injectable()
export class RedisConnections implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Redis');
  readonly command?: Redis;
  readonly subscriber?: Redis;
  readonly prefix: string;
  readonly instanceId: string;
  private lastError?: string;

  constructor(
    config: AppConfig,
    private readonly readiness: ReadinessRegistry,
  ) {
    const { redisUrl, redisPrefix, instanceId } = config.settings;
    this.prefix = redisPrefix;
    this.instanceId = instanceId;
    if (!redisUrl) return;
    const options = {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: (attempt: number) => Math.min(200 * attempt, 2000),
      lazyConnect: false,
    };
    this.command = new Redis(redisUrl, { ...options, connectionName: `chat-${instanceId}-cmd` });
    // The subscriber must queue its SUBSCRIBE until the first connection is up.
    this.subscriber = new Redis(redisUrl, {
      ...options,
      enableOfflineQueue: true,
      connectionName: `chat-${instanceId}-sub`,
    });
    for (const [name, client] of [
      ['command', this.command],
      ['subscriber', this.subscriber],
    ] as const) {
      client.on('error', (err: Error) => {
        if (err.message !== this.lastError) this.logger.warn(`Redis ${name} connection: ${err.message}`);
        this.lastError = err.message;
      });
      client.on('ready', () => {
        if (this.lastError) this.logger.warn(`Redis ${name} connection is back`);
        this.lastError = undefined;
      });
    }
  }

  get enabled(): boolean {
    return this.command !== undefined;
  }

  /** A namespaced key or channel name. */
  key(...parts: (string | number)[]): string {
    return [this.prefix, ...parts].join(':');
  }

  onModuleInit(): void {
    const command = this.command;
    if (!command) return;
    this.readiness.register('redis', async () => {
      if (command.status !== 'ready')
        throw new Error(this.lastError ?? `Redis connection is ${command.status}`);
      await command.ping();
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(
      [this.command, this.subscriber].map(async (c) => {
        await c?.quit().catch(() => c.disconnect());
      }),
    );
  }
}
