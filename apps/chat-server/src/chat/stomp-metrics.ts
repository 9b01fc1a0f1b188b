import { Injectable, OnModuleInit } from '@nestjs/common';
import { StompBroker } from '@app/stomp';
import { OnDomainEvent } from '../common/events/on-domain-event.decorator';
import { MetricsService } from '../metrics/metrics.service';

/**
 * Feeds /metrics from the broker: sessions, subscriptions, frames, deliveries and slow-consumer
 * closes are read from its counters at scrape time (nothing per frame); fan-out time is observed
 * once per broadcast; persisted chat messages are counted from the domain event.
 */
@Injectable()
export class StompMetrics implements OnModuleInit {
  constructor(
    private readonly broker: StompBroker,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    this.metrics.bindStompStats(() => this.broker.stats());
    this.broker.setFanoutObserver((timing) => this.metrics.observeFanoutNs(timing.durationNs));
  }

  @OnDomainEvent('message.created')
  onMessageCreated(): void {
    this.metrics.chatMessagePersisted();
  }
}
