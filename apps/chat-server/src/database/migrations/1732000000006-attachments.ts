import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { columns } from '../migration-helpers';

/**
 * Attachments (EXTENSIONS.md §7, docs/API-DECISIONS.md "Attachments").
 *
 * One row per uploaded file; the bytes live in the attachment storage under `storage_key` (a
 * random name: the client's file name never reaches a path or an object key).
 *
 * - `room_id`, `uploader_id`, `message_id` are foreign keys with ON DELETE SET NULL, never
 *   CASCADE: deleting a room, a user or a message must not lose the row, because the row is
 *   what tells the cleanup which stored file to remove. A row whose room is gone, or that was
 *   attached (`attached_at` set) and whose message is gone, is garbage; so is an upload never
 *   attached after 24 hours.
 * - `discarded_at`: set by the cleanup when it claims a garbage row (one conditional UPDATE, so a
 *   send attaching the same upload either wins before it or fails); only then is the file
 *   deleted, then the row. Several instances may sweep at once: deleting a file twice is fine.
 * - `position`: the attachment's place in its message (the order of `attachmentIds`).
 * - `sha256`: the strong ETag of the bytes.
 */
export class Attachments1732000000006 implements MigrationInterface {
  name = 'Attachments1732000000006';

  async up(q: QueryRunner): Promise<void> {
    const { id, int, key, str, datetime } = columns(q);
    await q.createTable(
      new Table({
        name: 'attachments',
        columns: [
          id(),
          int('room_id', true),
          int('uploader_id', true),
          int('message_id', true),
          int('position', false, { default: 0 }),
          key('storage_key', 64),
          str('name', 255),
          { name: 'size', type: 'bigint', isNullable: false },
          key('content_type', 64),
          key('sha256', 64),
          datetime('created_at'),
          datetime('attached_at', true),
          datetime('discarded_at', true),
        ],
        indices: [
          { name: 'UQ_attachments_storage_key', columnNames: ['storage_key'], isUnique: true },
          // A page's attachments in one range scan per message, in their order.
          { name: 'IDX_attachments_message', columnNames: ['message_id', 'position'] },
          // The cleanup's claims: each is a range of one index.
          { name: 'IDX_attachments_room', columnNames: ['room_id'] },
          { name: 'IDX_attachments_uploader', columnNames: ['uploader_id'] },
          { name: 'IDX_attachments_unattached', columnNames: ['attached_at', 'created_at'] },
          { name: 'IDX_attachments_discarded', columnNames: ['discarded_at'] },
        ],
        foreignKeys: [
          {
            name: 'FK_attachments_room',
            columnNames: ['room_id'],
            referencedTableName: 'rooms',
            referencedColumnNames: ['id'],
            onDelete: 'SET NULL',
          },
          {
            name: 'FK_attachments_uploader',
            columnNames: ['uploader_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'SET NULL',
          },
          {
            name: 'FK_attachments_message',
            columnNames: ['message_id'],
            referencedTableName: 'messages',
            referencedColumnNames: ['id'],
            onDelete: 'SET NULL',
          },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('attachments');
  }
}
