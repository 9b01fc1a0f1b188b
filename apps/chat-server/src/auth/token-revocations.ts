import { Injectable, Logger } from '@nestjs/common';
import { ClusterEvents } from '../common/events/cluster-events';
import { RevokedTokensRepository } from './revoked-tokens.repository';

export const REVOKED_TOKENS_CHANNEL = 'cache.revoked-tokens';
/** Live revoked tokens kept per user; one more revokes all of the user's tokens instead. */
export const MAX_REVOKED_TOKENS_PER_USER = 100;
const TTL_MS = 60_000;
const MAX_CACHED_USERS = 100_000;
const PRUNE_EVERY_MS = 3_600_000;

/**
 * Tokens revoked one by one (a "log out" of one session), by their id (`jti`). The database is the
 * truth; each instance keeps the live ids per user in memory (a minute at most, and forgotten on
 * every instance through ClusterEvents at each revocation), so checking a token costs no query.
 * A read that raced an invalidation does not fill the cache (generation check), as in the other
 * caches.
 */
@Injectable()
export class TokenRevocations {
  private readonly logger = new Logger(TokenRevocations.name);
  private readonly byUser = new Map<number, { ids: ReadonlySet<string>; expires: number }>();
  private generation = 0;
  private lastPrune = 0;

  constructor(
    private readonly rows: RevokedTokensRepository,
    private readonly cluster: ClusterEvents,
  ) {
    cluster.subscribe(REVOKED_TOKENS_CHANNEL, (payload) => {
      this.generation++;
      this.byUser.delete(Number(payload));
    });
  }

  async isRevoked(userId: number, tokenId: string): Promise<boolean> {
    return (await this.idsOf(userId)).has(tokenId);
  }

  /**
   * Revokes one token until it expires. Returns false, and revokes nothing, when the user already
   * has MAX_REVOKED_TOKENS_PER_USER live revoked tokens: the caller then revokes all of its tokens
   * (a token version), which bounds the rows and the memory one account can make the server keep.
   */
  async revoke(userId: number, tokenId: string, expiresAt: Date): Promise<boolean> {
    const now = new Date();
    await this.prune(now);
    if ((await this.rows.liveIdsOf(userId, now)).length >= MAX_REVOKED_TOKENS_PER_USER) return false;
    await this.rows.add(tokenId, userId, expiresAt);
    this.cluster.publish(REVOKED_TOKENS_CHANNEL, userId);
    return true;
  }

  /** Every token of the user was revoked at once: its one-by-one rows can go. */
  async forgetUser(userId: number): Promise<void> {
    await this.rows.deleteOf(userId);
    this.cluster.publish(REVOKED_TOKENS_CHANNEL, userId);
  }

  private async idsOf(userId: number): Promise<ReadonlySet<string>> {
    const cached = this.byUser.get(userId);
    if (cached && cached.expires > Date.now()) return cached.ids;
    const snapshot = this.generation;
    const ids = new Set(await this.rows.liveIdsOf(userId, new Date()));
    if (snapshot === this.generation) {
      if (this.byUser.size >= MAX_CACHED_USERS) this.byUser.delete(this.byUser.keys().next().value as number);
      this.byUser.set(userId, { ids, expires: Date.now() + TTL_MS });
    }
    return ids;
  }

  /** Expired rows go at most once an hour, on a revocation (no timer). */
  private async prune(now: Date): Promise<void> {
    if (now.getTime() - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now.getTime();
    await this.rows
      .deleteExpired(now)
      .catch((err: unknown) => this.logger.warn({ err }, 'Pruning revoked tokens failed'));
  }
}
