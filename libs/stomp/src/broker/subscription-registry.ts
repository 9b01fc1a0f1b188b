import { StompDestinationMatch, matchesDestination } from '../bus/stomp-bus';
import type { Subscription } from '../session/subscription';

/** The subscriptions of one session: by subscription id, by destination, and by user destination (allocated by the first). */
interface SessionEntry {
  readonly byId: Map<string, Subscription>;
  /** Destination as subscribed -> subscription id: a session subscribes to a destination once. */
  readonly idByDestination: Map<string, string>;
  byUserDestination: Map<string, Set<Subscription>> | undefined;
}

const NO_SUBSCRIPTIONS: ReadonlyMap<string, Subscription> = new Map();

/**
 * Every live subscription of this broker instance, addressed by ids (session id, subscription id,
 * destination), after Spring's `SubscriptionRegistry`. Broker destinations (`/topic/...`) are indexed
 * by destination for broadcasts; user destinations (`/user/queue/...`) by session, since a user
 * message goes to the sessions of one user. Lookups return the live sets (no copy per broadcast):
 * removing a subscription while a caller iterates one is safe, as Set iteration allows deletion.
 */
export class SubscriptionRegistry {
  private readonly byDestination = new Map<string, Set<Subscription>>();
  private readonly bySession = new Map<string, SessionEntry>();
  private total = 0;

  /** Number of live subscriptions. */
  get size(): number {
    return this.total;
  }

  /**
   * Register a subscription of session `sessionId`; neither its id nor its destination may be in
   * use in that session.
   */
  add(sessionId: string, subscription: Subscription): void {
    let entry = this.bySession.get(sessionId);
    if (!entry) {
      entry = { byId: new Map(), idByDestination: new Map(), byUserDestination: undefined };
      this.bySession.set(sessionId, entry);
    }
    if (entry.byId.has(subscription.id)) {
      throw new Error(`Subscription id ${subscription.id} is already registered for session ${sessionId}`);
    }
    if (entry.idByDestination.has(subscription.destination)) {
      throw new Error(`Session ${sessionId} is already subscribed to ${subscription.destination}`);
    }
    entry.byId.set(subscription.id, subscription);
    entry.idByDestination.set(subscription.destination, subscription.id);
    this.total++;
    const userDestination = subscription.userDestination;
    if (userDestination !== undefined) {
      entry.byUserDestination ??= new Map();
      addTo(entry.byUserDestination, userDestination, subscription);
    } else {
      addTo(this.byDestination, subscription.destination, subscription);
    }
  }

  /** Remove one subscription; returns it, or undefined when the session has no such id. */
  remove(sessionId: string, subscriptionId: string): Subscription | undefined {
    const entry = this.bySession.get(sessionId);
    const subscription = entry?.byId.get(subscriptionId);
    if (!entry || !subscription) return undefined;
    entry.byId.delete(subscriptionId);
    if (entry.byId.size === 0) this.bySession.delete(sessionId);
    this.unindex(entry, subscription);
    return subscription;
  }

  /** Remove every subscription of a session (it closed); returns how many there were. */
  removeAll(sessionId: string): number {
    const entry = this.bySession.get(sessionId);
    if (!entry) return 0;
    this.bySession.delete(sessionId);
    for (const subscription of entry.byId.values()) this.unindex(entry, subscription);
    return entry.byId.size;
  }

  /** The id of a session's subscription to `destination` (as subscribed), if it has one. */
  idOf(sessionId: string, destination: string): string | undefined {
    return this.bySession.get(sessionId)?.idByDestination.get(destination);
  }

  /** One subscription of a session by its id. */
  get(sessionId: string, subscriptionId: string): Subscription | undefined {
    return this.bySession.get(sessionId)?.byId.get(subscriptionId);
  }

  /** The subscriptions of a session by subscription id (a live view: do not keep it). */
  ofSession(sessionId: string): ReadonlyMap<string, Subscription> {
    return this.bySession.get(sessionId)?.byId ?? NO_SUBSCRIPTIONS;
  }

  /** Subscriptions to a broker destination (`/topic/rooms/1`), every session included. */
  findByDestination(destination: string): ReadonlySet<Subscription> | undefined {
    return this.byDestination.get(destination);
  }

  /** A session's subscriptions to a user destination, given without the user prefix (`/queue/x`). */
  findUserSubscriptions(sessionId: string, userDestination: string): ReadonlySet<Subscription> | undefined {
    return this.bySession.get(sessionId)?.byUserDestination?.get(userDestination);
  }

  /**
   * A session's subscriptions whose destination (as subscribed, user prefix included) matches an
   * exact destination or a whole-segment prefix; a copy, so the caller may remove them as it goes.
   */
  match(sessionId: string, match: StompDestinationMatch): Subscription[] {
    const found: Subscription[] = [];
    for (const subscription of this.ofSession(sessionId).values()) {
      if (matchesDestination(subscription.destination, match)) found.push(subscription);
    }
    return found;
  }

  private unindex(entry: SessionEntry, subscription: Subscription): void {
    this.total--;
    entry.idByDestination.delete(subscription.destination);
    subscription.session.released?.(subscription);
    if (subscription.userDestination === undefined) {
      removeFrom(this.byDestination, subscription.destination, subscription);
    } else if (entry.byUserDestination) {
      removeFrom(entry.byUserDestination, subscription.userDestination, subscription);
    }
  }
}

function addTo(index: Map<string, Set<Subscription>>, key: string, subscription: Subscription): void {
  let set = index.get(key);
  if (!set) {
    set = new Set();
    index.set(key, set);
  }
  set.add(subscription);
}

function removeFrom(index: Map<string, Set<Subscription>>, key: string, subscription: Subscription): void {
  const set = index.get(key);
  if (set?.delete(subscription) && set.size === 0) index.delete(key);
}
