import type { StompBus, StompBusHandler, StompBusMessage } from './stomp-bus';

/** Single-instance bus: delivers synchronously to the local broker. */
export class InProcessStompBus implements StompBus {
  private readonly handlers = new Set<StompBusHandler>();

  publish(message: StompBusMessage): void {
    for (const handler of this.handlers) handler(message);
  }

  subscribe(handler: StompBusHandler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }
}
