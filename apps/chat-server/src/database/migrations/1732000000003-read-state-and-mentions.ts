import { MigrationInterface, QueryRunner, Table, TableColumn, TableForeignKey, TableIndex } from 'typeorm';
import { columns } from '../migration-helpers';

/**
 * Read state and mentions (docs/API-DECISIONS.md, "Read state and mentions"):
 * - `room_members.last_read_message_id`: the membership's read marker (no foreign key: a marker
 *   may point at a message deleted since; counts compare ids only).
 * - `message_mentions`: who a message mentions, in order of appearance, with the room copied in
 *   so a user's mention count per room is a range of `(user_id, room_id, message_id)`.
 * - `notifications.message_id`: the message a MENTION / DIRECT_MESSAGE / REPLY notification is
 *   about, so reading a room up to it marks it read.
 */
export class ReadStateAndMentions1732000000003 implements MigrationInterface {
  name = 'ReadStateAndMentions1732000000003';

  async up(q: QueryRunner): Promise<void> {
    const { int } = columns(q);
    await q.addColumn('room_members', new TableColumn(int('last_read_message_id', true)));
    await q.createTable(
      new Table({
        name: 'message_mentions',
        columns: [
          { ...int('message_id'), isPrimary: true },
          { ...int('user_id'), isPrimary: true },
          int('room_id'),
          int('position'),
        ],
        indices: [
          { name: 'IDX_message_mentions_user_room', columnNames: ['user_id', 'room_id', 'message_id'] },
        ],
        foreignKeys: [
          {
            name: 'FK_message_mentions_message',
            columnNames: ['message_id'],
            referencedTableName: 'messages',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
          {
            name: 'FK_message_mentions_user',
            columnNames: ['user_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
    await q.addColumn('notifications', new TableColumn(int('message_id', true)));
    await q.createIndex(
      'notifications',
      new TableIndex({
        name: 'IDX_notifications_user_room_message',
        columnNames: ['user_id', 'room_id', 'message_id'],
      }),
    );
    await q.createForeignKey(
      'notifications',
      new TableForeignKey({
        name: 'FK_notifications_message',
        columnNames: ['message_id'],
        referencedTableName: 'messages',
        referencedColumnNames: ['id'],
        onDelete: 'SET NULL',
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropForeignKey('notifications', 'FK_notifications_message');
    await q.dropIndex('notifications', 'IDX_notifications_user_room_message');
    await q.dropColumn('notifications', 'message_id');
    await q.dropTable('message_mentions');
    await q.dropColumn('room_members', 'last_read_message_id');
  }
}
