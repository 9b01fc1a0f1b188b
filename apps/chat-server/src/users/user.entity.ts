import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const ROLE_USER = 'ROLE_USER';
export const ROLE_ADMIN = 'ROLE_ADMIN';
export type Role = typeof ROLE_USER | typeof ROLE_ADMIN;

@Entity({ name: 'users' })
export class User {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 32 })
  username!: string;

  /** Lower-cased username: the unique key, so uniqueness is case-insensitive on every database. */
  @Column({ name: 'username_key', type: 'varchar', length: 32 })
  usernameKey!: string;

  @Column({ type: 'varchar', length: 254, nullable: true })
  email!: string | null;

  @Column({ name: 'email_key', type: 'varchar', length: 254, nullable: true })
  emailKey!: string | null;

  @Column({ name: 'password_hash', type: 'varchar', length: 255, select: false })
  passwordHash!: string;

  /** Comma-separated roles, e.g. "ROLE_ADMIN,ROLE_USER". */
  @Column({
    type: 'varchar',
    length: 64,
    transformer: {
      to: (roles: Role[]) => roles.join(','),
      from: (raw: string) => (raw ? (raw.split(',') as Role[]) : []),
    },
  })
  roles!: Role[];

  /** Bumped when the password changes: tokens carrying an older version stop working. */
  @Column({ name: 'token_version', type: 'int', default: 0 })
  tokenVersion!: number;

  /** The latest expiry of this user's tokens revoked one by one (logout), or null when none is live. */
  @Column({ name: 'revoked_tokens_until', type: 'datetime', precision: 3, nullable: true })
  revokedTokensUntil!: Date | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'last_login', type: 'datetime', precision: 3, nullable: true })
  lastLogin!: Date | null;
}
