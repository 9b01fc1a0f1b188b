import type { Logger } from '@nestjs/common';
import { StompCredentialMatch, matchesCredential } from '../bus/stomp-bus';
import type { StompSession } from '../session/stomp-session';
import type { StompPrincipal } from '../stomp.interfaces';
import type { SessionRegistry } from './session-registry';
import type { SubscriptionRegistry } from './subscription-registry';

/**
 * How long a selective disconnect is remembered: a CONNECT whose authentication was already under
 * way with the revoked credential (it read the user before the change) is refused when it lands
 * within this time. Far longer than any authentication takes.
 */
export const REVOCATION_MEMORY_MS = 60_000;
/** Users whose recent revocations are remembered; the oldest are forgotten first. */
const MAX_REMEMBERED_USERS = 10_000;
/** Revocations remembered per user; the oldest are forgotten first. */
const MAX_REMEMBERED_PER_USER = 16;

interface Remembered {
  match: StompCredentialMatch;
  message: string;
  at: number;
}

/** What access control needs from the broker. */
export interface AccessControlHost {
  canSubscribe(session: StompSession, destination: string): Promise<boolean>;
  /** Tell a session that one of its subscriptions was removed. */
  notify(session: StompSession, notice: string, destination: string): void;
  /** The authorization check itself failed (e.g. the database is down): end the session with why. */
  checkFailed(session: StompSession, error: unknown): void;
}

/**
 * Access decided after CONNECT and SUBSCRIBE: credentials revoked while sessions are live (close
 * the sessions opened with them, and refuse CONNECTs that were authenticated with them a moment
 * before), and subscriptions authorized again when what they were granted on changed (roles).
 */
export class AccessControl {
  private readonly remembered = new Map<string, Remembered[]>();

  constructor(
    private readonly sessions: SessionRegistry,
    private readonly subscriptions: SubscriptionRegistry,
    private readonly host: AccessControlHost,
    private readonly logger: Logger,
  ) {}

  /** Close the user's sessions whose credential matches, and remember the match for a while. */
  revokeCredentials(
    userId: string,
    match: StompCredentialMatch,
    message: string,
    now: number,
  ): StompSession[] {
    let list = this.remembered.get(userId);
    if (!list) {
      if (this.remembered.size >= MAX_REMEMBERED_USERS)
        this.remembered.delete(this.remembered.keys().next().value as string);
      list = [];
      this.remembered.set(userId, list);
    }
    list.push({ match, message, at: now });
    if (list.length > MAX_REMEMBERED_PER_USER) list.shift();
    return [...this.sessions.ofUser(userId)].filter((session) =>
      matchesCredential(session.principal?.credential, match),
    );
  }

  /** The message of a remembered revocation that names this principal's credential, if any. */
  revokedMessage(principal: StompPrincipal, now: number): string | undefined {
    const list = this.remembered.get(principal.id);
    if (!list) return undefined;
    for (const entry of list) {
      if (now - entry.at < REVOCATION_MEMORY_MS && matchesCredential(principal.credential, entry.match))
        return entry.message;
    }
    return undefined;
  }

  /** Forget revocations older than REVOCATION_MEMORY_MS (the broker's sweep). */
  sweep(now: number): void {
    for (const [userId, list] of this.remembered) {
      while (list.length && now - list[0].at >= REVOCATION_MEMORY_MS) list.shift();
      if (list.length === 0) this.remembered.delete(userId);
    }
  }

  /** The user's access changed: SUBSCRIBE checks under way must run again. */
  accessChanged(userId: string): void {
    for (const session of this.sessions.ofUser(userId)) session.accessEpoch++;
  }

  /**
   * Run `canSubscribe` again on every subscription of the user's local sessions and remove those
   * refused now, telling each session `notice`. Resolves when every check is done.
   */
  async reauthorize(userId: string, notice: string | undefined): Promise<void> {
    this.accessChanged(userId);
    const checks: Promise<void>[] = [];
    for (const session of this.sessions.ofUser(userId)) {
      for (const subscription of [...this.subscriptions.ofSession(session.id).values()]) {
        checks.push(
          this.host.canSubscribe(session, subscription.destination).then(
            (allowed) => {
              if (allowed || this.subscriptions.get(session.id, subscription.id) !== subscription) return;
              this.subscriptions.remove(session.id, subscription.id);
              this.logger.debug({
                msg: `Subscription to ${subscription.destination} withdrawn`,
                sessionId: session.id,
              });
              if (notice !== undefined) this.host.notify(session, notice, subscription.destination);
            },
            (error: unknown) => this.host.checkFailed(session, error),
          ),
        );
      }
    }
    await Promise.all(checks);
  }
}
