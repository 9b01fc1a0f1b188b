import { Logger } from '@nestjs/common';
import type { StompEventMap } from './stomp.interfaces';

type Listener<T> = (event: T) => void | Promise<void>;

/** Typed session lifecycle events. A failing listener is logged and never affects the broker. */
export class StompEvents {
  private readonly listeners: { [K in keyof StompEventMap]: Set<Listener<StompEventMap[K]>> } = {
    connected: new Set(),
    disconnected: new Set(),
    nack: new Set(),
  };

  constructor(private readonly logger: Logger) {}

  on<K extends keyof StompEventMap>(event: K, listener: Listener<StompEventMap[K]>): () => void {
    this.listeners[event].add(listener);
    return () => this.off(event, listener);
  }

  off<K extends keyof StompEventMap>(event: K, listener: Listener<StompEventMap[K]>): void {
    this.listeners[event].delete(listener);
  }

  emit<K extends keyof StompEventMap>(event: K, payload: StompEventMap[K]): void {
    for (const listener of this.listeners[event]) {
      try {
        const result = listener(payload);
        if (result instanceof Promise) result.catch((error: unknown) => this.report(event, error));
      } catch (error) {
        this.report(event, error);
      }
    }
  }

  private report(event: string, error: unknown): void {
    this.logger.error({ msg: `STOMP ${event} listener failed`, err: error });
  }
}
