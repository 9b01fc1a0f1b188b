/**
 * Live delivery as the domain sees it: services push payloads to STOMP destinations without
 * knowing about the broker. The chat module implements it on the STOMP broker (which reaches
 * every instance through its bus).
 */
export abstract class RealtimePublisher {
  /** Broadcasts to every subscriber of a topic (e.g. `/topic/status`). */
  abstract toTopic(destination: string, payload: object): void;

  /** Sends to every live session of one user that subscribed to `/user<destination>` (e.g. `/queue/notifications`). */
  abstract toUser(userId: number, destination: string, payload: object): void;
}
