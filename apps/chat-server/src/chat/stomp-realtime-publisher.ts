import { Injectable, Logger } from '@nestjs/common';
import { StompBroker, StompCredentialMatch } from '@app/stomp';
import { RealtimePublisher, RevokedTokens } from '../common/realtime/realtime-publisher';

/** RealtimePublisher on the STOMP broker: reaches subscribers on every instance through its bus. */
@Injectable()
export class StompRealtimePublisher extends RealtimePublisher {
  private readonly logger = new Logger(StompRealtimePublisher.name);

  constructor(private readonly broker: StompBroker) {
    super();
  }

  toTopic(destination: string, payload: object): void {
    this.broker.publish(destination, payload).catch((err) => this.failed(destination, err));
  }

  toUser(userId: number, destination: string, payload: object): void {
    this.broker
      .sendToUser(String(userId), destination, payload)
      .catch((err) => this.failed(destination, err));
  }

  revokeSubscriptions(userId: number, destination: string, notice: string): void {
    this.broker
      .revokeSubscriptions(String(userId), destination, notice)
      .catch((err) => this.failed(destination, err));
  }

  disconnectUser(userId: number, reason: string, only?: RevokedTokens): void {
    // A session's credential is its token (id, version): see ChatStompAuthenticator.
    const match: StompCredentialMatch | undefined =
      only === undefined
        ? undefined
        : 'tokenId' in only
          ? { credentialId: only.tokenId }
          : { generationBelow: only.tokenVersionBelow };
    this.broker
      .disconnectUser(String(userId), reason, match)
      .catch((err) => this.failed('(disconnect)', err));
  }

  recheckSubscriptions(userId: number, notice: string): void {
    this.broker.reauthorize(String(userId), notice).catch((err) => this.failed('(reauthorize)', err));
  }

  private failed(destination: string, err: unknown): void {
    this.logger.error({ err, destination }, 'Live delivery failed');
  }
}
