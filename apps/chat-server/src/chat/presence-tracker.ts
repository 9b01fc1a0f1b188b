import { Injectable, OnModuleInit } from '@nestjs/common';
import { StompBroker } from '@app/stomp';
import { StatusService } from '../status/status.service';
import { sessionUserId } from './stomp-auth';

/** Automatic presence: a user's first live STOMP session makes it online, its last one offline. */
@Injectable()
export class PresenceTracker implements OnModuleInit {
  constructor(
    private readonly broker: StompBroker,
    private readonly status: StatusService,
  ) {}

  onModuleInit(): void {
    this.broker.events.on('connected', ({ session }) => this.status.sessionOpened(sessionUserId(session)));
    this.broker.events.on('disconnected', ({ session }) => {
      if (session.principal) return this.status.sessionClosed(sessionUserId(session));
    });
  }
}
