import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { columns } from '../migration-helpers';

/**
 * `users.revoked_tokens_until`: the latest expiry among the user's tokens revoked one by one
 * (`revoked_tokens`), so a token that expires later (and every token of a user who never logged
 * one out) is authenticated without a lookup. A column of its own migration because 008 has
 * already run on deployed databases.
 */
export class RevokedTokensUntil1732000000009 implements MigrationInterface {
  name = 'RevokedTokensUntil1732000000009';

  async up(q: QueryRunner): Promise<void> {
    const { datetime } = columns(q);
    await q.addColumn('users', new TableColumn(datetime('revoked_tokens_until', true)));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('users', 'revoked_tokens_until');
  }
}
