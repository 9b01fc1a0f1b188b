import { Injectable } from '@nestjs/common';

/**
 * Messages every instance of the server must see (cache invalidation). In one process they are
 * delivered synchronously; with several instances a network implementation (Redis) replaces
 * this one and also delivers them to the local subscribers at once.
 */
export abstract class ClusterEvents {
  abstract publish(channel: string, payload: unknown): void;
  abstract subscribe(channel: string, handler: (payload: unknown) => void): void;
}

@Injectable()
export class LocalClusterEvents extends ClusterEvents {
  private readonly handlers = new Map<string, ((payload: unknown) => void)[]>();

  publish(channel: string, payload: unknown): void {
    for (const handler of this.handlers.get(channel) ?? []) handler(payload);
  }

  subscribe(channel: string, handler: (payload: unknown) => void): void {
    const list = this.handlers.get(channel) ?? [];
    list.push(handler);
    this.handlers.set(channel, list);
  }
}
