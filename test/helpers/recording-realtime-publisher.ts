import { INestApplication } from '@nestjs/common';
import { RealtimePublisher } from '../../apps/chat-server/src/common/realtime/realtime-publisher';

export interface RecordedPush {
  /** Set for `toUser`, absent for `toTopic`. */
  userId?: number;
  destination: string;
  payload: any;
}

/**
 * Records, in memory, every live push the domain makes through the app's RealtimePublisher (the
 * chat module's, on the STOMP broker), then lets it through unchanged. For e2e tests that assert
 * what is pushed without a STOMP client; the STOMP e2e specs assert delivery itself.
 */
export class RecordingRealtimePublisher extends RealtimePublisher {
  readonly pushes: RecordedPush[] = [];

  private constructor(private readonly inner: Pick<RealtimePublisher, 'toTopic' | 'toUser'>) {
    super();
  }

  /** Wraps the app's publisher instance in place (every service holds that one singleton). */
  static attach(app: INestApplication): RecordingRealtimePublisher {
    const target = app.get(RealtimePublisher, { strict: false });
    const recorder = new RecordingRealtimePublisher({
      toTopic: target.toTopic.bind(target),
      toUser: target.toUser.bind(target),
    });
    target.toTopic = (destination, payload) => recorder.toTopic(destination, payload);
    target.toUser = (userId, destination, payload) => recorder.toUser(userId, destination, payload);
    return recorder;
  }

  toTopic(destination: string, payload: object): void {
    this.pushes.push({ destination, payload: structuredClone(payload) });
    this.inner.toTopic(destination, payload);
  }

  toUser(userId: number, destination: string, payload: object): void {
    this.pushes.push({ userId, destination, payload: structuredClone(payload) });
    this.inner.toUser(userId, destination, payload);
  }

  revokeSubscriptions(): void {
    throw new Error('attach() records toTopic/toUser only');
  }

  disconnectUser(): void {
    throw new Error('attach() records toTopic/toUser only');
  }

  recheckSubscriptions(): void {
    throw new Error('attach() records toTopic/toUser only');
  }

  /** Payloads broadcast on a topic, in order. */
  onTopic(destination: string): any[] {
    return this.pushes
      .filter((p) => p.userId === undefined && p.destination === destination)
      .map((p) => p.payload);
  }

  /** Payloads sent to one user's destination (e.g. `/queue/notifications`), in order. */
  toUserQueue(userId: number, destination: string): any[] {
    return this.pushes
      .filter((p) => p.userId === userId && p.destination === destination)
      .map((p) => p.payload);
  }
}
