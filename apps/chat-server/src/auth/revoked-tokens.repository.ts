import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThanOrEqual, MoreThan, Repository } from 'typeorm';
import { RevokedToken } from './revoked-token.entity';

/** The `revoked_tokens` rows: tokens logged out one by one, until they expire. */
@Injectable()
export class RevokedTokensRepository {
  constructor(@InjectRepository(RevokedToken) private readonly rows: Repository<RevokedToken>) {}

  /** Ids of the user's revoked tokens that have not expired yet (on the `(user_id, expires_at)` index). */
  async liveIdsOf(userId: number, now: Date): Promise<string[]> {
    const rows = await this.rows.find({
      select: { tokenId: true },
      where: { userId, expiresAt: MoreThan(now) },
    });
    return rows.map((r) => r.tokenId);
  }

  /** Revokes one token; revoking it again changes nothing. */
  async add(tokenId: string, userId: number, expiresAt: Date): Promise<void> {
    await this.rows.createQueryBuilder().insert().values({ tokenId, userId, expiresAt }).orIgnore().execute();
  }

  /** Every row of the user (all its tokens were revoked at once: the rows say nothing more). */
  async deleteOf(userId: number): Promise<void> {
    await this.rows.delete({ userId });
  }

  /** Rows of tokens that have expired: the expiry refuses them already. */
  async deleteExpired(now: Date): Promise<void> {
    await this.rows.delete({ expiresAt: LessThanOrEqual(now) });
  }
}
