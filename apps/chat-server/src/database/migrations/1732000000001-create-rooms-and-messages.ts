import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { columns } from '../migration-helpers';

export class CreateRoomsAndMessages1732000000001 implements MigrationInterface {
  name = 'CreateRoomsAndMessages1732000000001';

  async up(q: QueryRunner): Promise<void> {
    const { id, int, str, key, text, datetime } = columns(q);
    await q.createTable(
      new Table({
        name: 'rooms',
        columns: [
          id(),
          str('name', 100),
          key('name_key', 100, true),
          str('type', 20),
          key('dm_key', 32, true),
          int('creator_id', true),
          datetime('created_at'),
        ],
        indices: [
          { name: 'UQ_rooms_name_key', columnNames: ['name_key'], isUnique: true },
          { name: 'UQ_rooms_dm_key', columnNames: ['dm_key'], isUnique: true },
          { name: 'IDX_rooms_type', columnNames: ['type'] },
          { name: 'IDX_rooms_creator', columnNames: ['creator_id'] },
        ],
        foreignKeys: [
          {
            name: 'FK_rooms_creator',
            columnNames: ['creator_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'SET NULL',
          },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'room_members',
        columns: [
          { ...int('room_id'), isPrimary: true },
          { ...int('user_id'), isPrimary: true },
          datetime('joined_at'),
        ],
        indices: [{ name: 'IDX_room_members_user', columnNames: ['user_id', 'room_id'] }],
        foreignKeys: [
          {
            name: 'FK_room_members_room',
            columnNames: ['room_id'],
            referencedTableName: 'rooms',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
          {
            name: 'FK_room_members_user',
            columnNames: ['user_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'messages',
        columns: [
          id(),
          int('room_id'),
          int('sender_id', true),
          text('content'),
          datetime('sent_at'),
          key('client_message_id', 64, true),
        ],
        indices: [
          // History and reconnect catch-up are range scans on this index, whatever the room size.
          { name: 'IDX_messages_room_id', columnNames: ['room_id', 'id'] },
          {
            name: 'UQ_messages_sender_client_id',
            columnNames: ['sender_id', 'client_message_id'],
            isUnique: true,
          },
        ],
        foreignKeys: [
          {
            name: 'FK_messages_room',
            columnNames: ['room_id'],
            referencedTableName: 'rooms',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
          {
            name: 'FK_messages_sender',
            columnNames: ['sender_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'SET NULL',
          },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('messages');
    await q.dropTable('room_members');
    await q.dropTable('rooms');
  }
}
