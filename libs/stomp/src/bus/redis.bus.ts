import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import type { StompBus, StompBusHandler, StompBusMessage } from './stomp-bus';

export interface RedisStompBusOptions {
  /** Connection used to PUBLISH (enableOfflineQueue should be false, so an outage fails fast). */
  publisher: Redis;
  /** Dedicated connection in subscriber mode (ioredis resubscribes by itself after a reconnect). */
  subscriber: Redis;
  /** Pub/sub channel shared by every instance. */
  channel: string;
  /** Unique per instance: an instance skips its own messages coming back from Redis. */
  instanceId: string;
}

/**
 * Bus for N broker instances on Redis pub/sub. A message is delivered to local sessions at once
 * (so local delivery never waits for, or depends on, Redis) and published once to Redis; every
 * other instance delivers it to its own sessions, encoding it once for them. Redis keeps the order
 * of one connection's PUBLISHes, so per-origin order is kept. While Redis is unreachable,
 * cross-instance messages are dropped and the gap is logged (local delivery goes on).
 *
 * Wire format: one line of JSON (the message without its body, plus the origin), `\n`, the body bytes.
 */
export class RedisStompBus implements StompBus {
  private readonly logger = new Logger(RedisStompBus.name);
  private readonly handlers = new Set<StompBusHandler>();
  private dropped = 0;
  private outageStartedAt: number | undefined;
  private readonly originTag: Buffer;

  constructor(private readonly options: RedisStompBusOptions) {
    this.originTag = Buffer.from(`{"o":${JSON.stringify(options.instanceId)},`);
    options.subscriber.on('messageBuffer', (channel: Buffer, payload: Buffer) => {
      if (channel.toString() === options.channel) this.receive(payload);
    });
    options.subscriber
      .subscribe(options.channel)
      .catch((err: Error) => this.logger.warn(`Redis SUBSCRIBE failed: ${err.message}`));
    options.publisher.on('ready', () => this.recovered());
  }

  /** Messages that could not reach the other instances since start (for metrics). */
  get droppedMessages(): number {
    return this.dropped;
  }

  publish(message: StompBusMessage): void {
    this.deliver(message);
    const { publisher, channel } = this.options;
    if (publisher.status !== 'ready') return this.lost();
    publisher.publish(channel, this.encode(message)).catch(() => this.lost());
  }

  subscribe(handler: StompBusHandler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  private deliver(message: StompBusMessage): void {
    for (const handler of this.handlers) handler(message);
  }

  private encode(message: StompBusMessage): Buffer {
    const { body, ...meta } = message as StompBusMessage & { body?: Buffer | string };
    const head = Buffer.from(`${JSON.stringify(meta).slice(1)}\n`);
    const bytes = body === undefined ? Buffer.alloc(0) : typeof body === 'string' ? Buffer.from(body) : body;
    return Buffer.concat([this.originTag, head, bytes]);
  }

  private receive(payload: Buffer): void {
    if (payload.subarray(0, this.originTag.length).equals(this.originTag)) return; // our own, delivered already
    const newline = payload.indexOf(0x0a);
    if (newline < 0) return;
    try {
      const meta = JSON.parse(payload.subarray(0, newline).toString()) as Record<string, unknown>;
      delete meta.o;
      if (meta.type === 'broadcast' || meta.type === 'user' || meta.type === 'session')
        meta.body = payload.subarray(newline + 1);
      this.deliver(meta as unknown as StompBusMessage);
    } catch (err) {
      this.logger.warn(`Ignoring a malformed bus message: ${(err as Error).message}`);
    }
  }

  private lost(): void {
    this.dropped++;
    if (this.outageStartedAt === undefined) {
      this.outageStartedAt = Date.now();
      this.logger.warn("Redis unreachable: messages reach this instance's sessions only until it is back");
    }
  }

  private recovered(): void {
    if (this.outageStartedAt === undefined) return;
    const seconds = ((Date.now() - this.outageStartedAt) / 1000).toFixed(1);
    this.logger.warn(
      `Redis is back after ${seconds} s; cross-instance delivery resumed (${this.dropped} message(s) not relayed in total)`,
    );
    this.outageStartedAt = undefined;
  }
}
