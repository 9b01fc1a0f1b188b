import type { StompSession } from '../session/stomp-session';

const NO_SESSIONS: ReadonlySet<StompSession> = new Set();

/** The live sessions of this broker instance, by session id and, once connected, by user id. */
export class SessionRegistry {
  private readonly byId = new Map<string, StompSession>();
  private readonly byUser = new Map<string, Set<StompSession>>();

  get size(): number {
    return this.byId.size;
  }

  add(session: StompSession): void {
    this.byId.set(session.id, session);
  }

  get(sessionId: string): StompSession | undefined {
    return this.byId.get(sessionId);
  }

  /** Index a session under its user (CONNECT accepted). */
  bindUser(userId: string, session: StompSession): void {
    let set = this.byUser.get(userId);
    if (!set) {
      set = new Set();
      this.byUser.set(userId, set);
    }
    set.add(session);
  }

  /** Forget a closed session; `userId` when it had connected. */
  remove(session: StompSession, userId: string | undefined): void {
    this.byId.delete(session.id);
    if (userId === undefined) return;
    const set = this.byUser.get(userId);
    if (set?.delete(session) && set.size === 0) this.byUser.delete(userId);
  }

  /** Live sessions of a user (a live view: copy it before closing sessions while iterating). */
  ofUser(userId: string): ReadonlySet<StompSession> {
    return this.byUser.get(userId) ?? NO_SESSIONS;
  }

  values(): IterableIterator<StompSession> {
    return this.byId.values();
  }
}
