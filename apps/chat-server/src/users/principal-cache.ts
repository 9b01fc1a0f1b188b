import { Injectable } from '@nestjs/common';
import { ClusterEvents } from '../common/events/cluster-events';
import { Principal } from '../common/principal';

const TTL_MS = 60_000;
const MAX_ENTRIES = 100_000;
export const USER_INVALIDATION_CHANNEL = 'cache.user';

/**
 * Principals by user id, so an authenticated request or STOMP frame costs no database read.
 * Every change to a user (roles, password, name, deletion) evicts its entry on every instance
 * through ClusterEvents, so a deleted user's token stops working at once.
 */
@Injectable()
export class PrincipalCache {
  private readonly entries = new Map<number, { principal: Principal | null; expires: number }>();

  constructor(private readonly cluster: ClusterEvents) {
    cluster.subscribe(USER_INVALIDATION_CHANNEL, (payload) => this.entries.delete(Number(payload)));
  }

  get(userId: number): Principal | null | undefined {
    const entry = this.entries.get(userId);
    if (!entry) return undefined;
    if (entry.expires < Date.now()) {
      this.entries.delete(userId);
      return undefined;
    }
    return entry.principal;
  }

  set(userId: number, principal: Principal | null): void {
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as number);
    this.entries.set(userId, { principal, expires: Date.now() + TTL_MS });
  }

  invalidate(userId: number): void {
    this.cluster.publish(USER_INVALIDATION_CHANNEL, userId);
  }
}
