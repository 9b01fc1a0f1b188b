import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { columns } from '../migration-helpers';

/**
 * `user_blocks`: who blocked whom (docs/API-DECISIONS.md, "Blocking"). One row per (blocker,
 * blocked), the primary key; the index on `blocked_id` serves "has the recipient blocked this
 * sender" lookups from either side and the cascade of a deleted user. Both users' rows go with
 * either account.
 */
export class Blocks1732000000007 implements MigrationInterface {
  name = 'Blocks1732000000007';

  async up(q: QueryRunner): Promise<void> {
    const { int, datetime } = columns(q);
    await q.createTable(
      new Table({
        name: 'user_blocks',
        columns: [
          { ...int('blocker_id'), isPrimary: true },
          { ...int('blocked_id'), isPrimary: true },
          datetime('created_at'),
        ],
        indices: [{ name: 'IDX_user_blocks_blocked', columnNames: ['blocked_id', 'blocker_id'] }],
        foreignKeys: [
          {
            name: 'FK_user_blocks_blocker',
            columnNames: ['blocker_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
          {
            name: 'FK_user_blocks_blocked',
            columnNames: ['blocked_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('user_blocks');
  }
}
