import { Injectable } from '@nestjs/common';
import { ClusterEvents } from '../common/events/cluster-events';
import { Principal } from '../common/principal';

const TTL_MS = 60_000;
const MAX_ENTRIES = 100_000;
export const USER_INVALIDATION_CHANNEL = 'cache.user';

/**
 * Principals by user id, so an authenticated request or STOMP frame costs no database read.
 * Every change to a user (roles, password, name, deletion) evicts its entry on every instance
 * through ClusterEvents, so a deleted user's token stops working at once. A read that started
 * before an eviction does not fill the cache with what it read (generation check): a lookup racing
 * a password change cannot put the old token version back for a minute.
 */
@Injectable()
export class PrincipalCache {
  private readonly entries = new Map<number, { principal: Principal | null; expires: number }>();
  private generation = 0;

  constructor(private readonly cluster: ClusterEvents) {
    cluster.subscribe(USER_INVALIDATION_CHANNEL, (payload) => {
      this.generation++;
      this.entries.delete(Number(payload));
    });
  }

  /** Take before reading the database; pass to `set` so a read that raced an eviction is dropped. */
  snapshot(): number {
    return this.generation;
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

  set(userId: number, principal: Principal | null, snapshot = this.generation): void {
    if (snapshot !== this.generation) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as number);
    this.entries.set(userId, { principal, expires: Date.now() + TTL_MS });
  }

  invalidate(userId: number): void {
    this.cluster.publish(USER_INVALIDATION_CHANNEL, userId);
  }
}
