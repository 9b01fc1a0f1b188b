import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { columns } from '../migration-helpers';

export class CreateNotificationsAndStatuses1732000000002 implements MigrationInterface {
  name = 'CreateNotificationsAndStatuses1732000000002';

  async up(q: QueryRunner): Promise<void> {
    const { id, int, str, datetime, bool } = columns(q);
    await q.createTable(
      new Table({
        name: 'notifications',
        columns: [
          id(),
          int('user_id'),
          str('type', 32),
          str('message', 1000),
          bool('is_read', false),
          int('actor_id', true),
          int('room_id', true),
          datetime('created_at'),
        ],
        indices: [
          { name: 'IDX_notifications_user', columnNames: ['user_id', 'id'] },
          { name: 'IDX_notifications_user_unread', columnNames: ['user_id', 'is_read', 'id'] },
          { name: 'IDX_notifications_actor', columnNames: ['actor_id'] },
          { name: 'IDX_notifications_room', columnNames: ['room_id'] },
        ],
        foreignKeys: [
          {
            name: 'FK_notifications_user',
            columnNames: ['user_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
          {
            name: 'FK_notifications_actor',
            columnNames: ['actor_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'SET NULL',
          },
          {
            name: 'FK_notifications_room',
            columnNames: ['room_id'],
            referencedTableName: 'rooms',
            referencedColumnNames: ['id'],
            onDelete: 'SET NULL',
          },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'user_statuses',
        columns: [{ ...int('user_id'), isPrimary: true }, str('status', 16), datetime('updated_at')],
        foreignKeys: [
          {
            name: 'FK_user_statuses_user',
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
    await q.dropTable('user_statuses');
    await q.dropTable('notifications');
  }
}
