import { Logger } from '@nestjs/common';
import { ClusterEvents } from '../common/events/cluster-events';
import { RedisConnections } from './redis-connections';

/**
 * ClusterEvents on Redis pub/sub: delivered to this instance's subscribers at once, and to every
 * other instance through Redis (an instance ignores its own messages coming back).
 */
export class RedisClusterEvents extends ClusterEvents {
  private readonly logger = new Logger(RedisClusterEvents.name);
  private readonly handlers = new Map<string, ((payload: unknown) => void)[]>();
  private readonly channel: string;

  constructor(private readonly redis: RedisConnections) {
    super();
    this.channel = redis.key('cluster');
    redis.subscriber!.on('message', (channel: string, raw: string) => {
      if (channel === this.channel) this.receive(raw);
    });
    redis
      .subscriber!.subscribe(this.channel)
      .catch((err: Error) => this.logger.warn(`SUBSCRIBE failed: ${err.message}`));
  }

  publish(channel: string, payload: unknown): void {
    this.deliver(channel, payload);
    this.redis
      .command!.publish(this.channel, JSON.stringify({ o: this.redis.instanceId, c: channel, p: payload }))
      .catch((err: Error) =>
        this.logger.warn(`Could not relay "${channel}" to other instances: ${err.message}`),
      );
  }

  subscribe(channel: string, handler: (payload: unknown) => void): void {
    const list = this.handlers.get(channel) ?? [];
    list.push(handler);
    this.handlers.set(channel, list);
  }

  private receive(raw: string): void {
    try {
      const { o, c, p } = JSON.parse(raw) as { o: string; c: string; p: unknown };
      if (o !== this.redis.instanceId) this.deliver(c, p);
    } catch {
      this.logger.warn('Ignoring a malformed cluster message');
    }
  }

  private deliver(channel: string, payload: unknown): void {
    for (const handler of this.handlers.get(channel) ?? []) {
      try {
        handler(payload);
      } catch (err) {
        this.logger.error({ err, channel }, 'Cluster event handler failed');
      }
    }
  }
}
