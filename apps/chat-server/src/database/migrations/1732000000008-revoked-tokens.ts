import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';
import { columns } from '../migration-helpers';

/**
 * `revoked_tokens`: tokens logged out one by one (`POST /api/v1/auth/logout`), until they expire;
 * `users.revoked_tokens_until`: the latest expiry among them, so a token that expires later (and
 * every token of a user who never logged one out) needs no lookup.
 */
export class RevokedTokens1732000000008 implements MigrationInterface {
  name = 'RevokedTokens1732000000008';

  async up(q: QueryRunner): Promise<void> {
    const { int, key, datetime } = columns(q);
    await q.addColumn('users', new TableColumn(datetime('revoked_tokens_until', true)));
    await q.createTable(
      new Table({
        name: 'revoked_tokens',
        columns: [{ ...key('token_id', 32), isPrimary: true }, int('user_id'), datetime('expires_at')],
        indices: [
          { name: 'IDX_revoked_tokens_user', columnNames: ['user_id', 'expires_at'] },
          { name: 'IDX_revoked_tokens_expires', columnNames: ['expires_at'] },
        ],
        foreignKeys: [
          {
            name: 'FK_revoked_tokens_user',
            columnNames: ['user_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('revoked_tokens');
    await q.dropColumn('users', 'revoked_tokens_until');
  }
}
