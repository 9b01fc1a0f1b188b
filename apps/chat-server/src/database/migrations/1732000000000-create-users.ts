import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { columns } from '../migration-helpers';

export class CreateUsers1732000000000 implements MigrationInterface {
  name = 'CreateUsers1732000000000';

  async up(q: QueryRunner): Promise<void> {
    const { id, int, str, key, datetime } = columns(q);
    await q.createTable(
      new Table({
        name: 'users',
        columns: [
          id(),
          str('username', 32),
          key('username_key', 32),
          str('email', 254, true),
          key('email_key', 254, true),
          str('password_hash', 255),
          str('roles', 64),
          int('token_version', false, { default: 0 }),
          datetime('created_at'),
          datetime('last_login', true),
        ],
        indices: [
          { name: 'UQ_users_username_key', columnNames: ['username_key'], isUnique: true },
          { name: 'UQ_users_email_key', columnNames: ['email_key'], isUnique: true },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('users');
  }
}
