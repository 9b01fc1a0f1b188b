import { Injectable } from '@nestjs/common';

/**
 * How many live STOMP sessions each user has. The chat module reports sessions opening and
 * closing; the transitions (first opened, last closed) drive automatic presence. The default
 * counts in this process; a shared implementation (Redis, with per-instance counts and TTLs)
 * replaces it when the server runs on several instances.
 */
export abstract class PresenceStore {
  /** Counts one more session; true when the user went from 0 to 1 live sessions. */
  abstract sessionOpened(userId: number): Promise<boolean>;
  /** Counts one session less; true when that was the user's last live session. */
  abstract sessionClosed(userId: number): Promise<boolean>;
  abstract isConnected(userId: number): Promise<boolean>;
  /** The ids among `userIds` that have at least one live session. */
  abstract connectedAmong(userIds: readonly number[]): Promise<Set<number>>;

  /**
   * Registers who to tell when users lost their last session without a close being reported (a
   * shared store reaping a dead instance). One process never loses sessions that way: no-op here.
   */
  onUsersOffline(_handler: (userIds: number[]) => void): void {}
}

/** One process: a count per user, forgotten when it drops to zero. */
@Injectable()
export class InMemoryPresenceStore extends PresenceStore {
  private readonly sessions = new Map<number, number>();

  async sessionOpened(userId: number): Promise<boolean> {
    const count = (this.sessions.get(userId) ?? 0) + 1;
    this.sessions.set(userId, count);
    return count === 1;
  }

  async sessionClosed(userId: number): Promise<boolean> {
    const count = this.sessions.get(userId) ?? 0;
    // A close without a matching open (reported twice) must not make the count negative.
    if (count === 0) return false;
    if (count === 1) {
      this.sessions.delete(userId);
      return true;
    }
    this.sessions.set(userId, count - 1);
    return false;
  }

  async isConnected(userId: number): Promise<boolean> {
    return this.sessions.has(userId);
  }

  async connectedAmong(userIds: readonly number[]): Promise<Set<number>> {
    return new Set(userIds.filter((id) => this.sessions.has(id)));
  }
}
