import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A token revoked before its expiry (a "log out" of one session), by the token's id (`jti`).
 * Rows past `expiresAt` mean nothing any more (the token is refused as expired) and are pruned.
 */
@Entity({ name: 'revoked_tokens' })
export class RevokedToken {
  @PrimaryColumn({ name: 'token_id', type: 'varchar', length: 32 })
  tokenId!: string;

  @Column({ name: 'user_id', type: 'int' })
  userId!: number;

  @Column({ name: 'expires_at', type: 'datetime', precision: 3 })
  expiresAt!: Date;
}
