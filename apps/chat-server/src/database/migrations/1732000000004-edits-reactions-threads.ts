import { MigrationInterface, QueryRunner, Table, TableColumn, TableForeignKey, TableIndex } from 'typeorm';
import { columns } from '../migration-helpers';

/**
 * Editing, reactions and threads (EXTENSIONS.md §3-5).
 *
 * - `messages.edited_at`: null until the first edit.
 * - `messages.parent_id`: the thread root of a reply (null for a top-level message). A
 *   self-referencing foreign key with ON DELETE CASCADE: deleting a root deletes its replies in the
 *   same statement, and a reply can never outlive its root (a reply racing the root's deletion
 *   either fails its foreign-key check or is deleted with the root).
 * - `messages.reply_count` / `messages.last_reply_at`: the thread's counters stored on the root,
 *   updated in the transaction that inserts or deletes a reply, so a history page reads them
 *   with the message, without a query per message.
 * - `messages.has_reactions`: set before the first reaction is stored (never cleared by a race:
 *   a stale 1 only costs the page's reaction query), so a page without reactions reads nothing more.
 * - `message_reactions`: one row per (message, user, emoji); the unique key makes concurrent
 *   identical reactions collapse into one row.
 */
export class EditsReactionsThreads1732000000004 implements MigrationInterface {
  name = 'EditsReactionsThreads1732000000004';

  async up(q: QueryRunner): Promise<void> {
    const { id, int, key, datetime, bool } = columns(q);
    await q.addColumns('messages', [
      new TableColumn(datetime('edited_at', true)),
      new TableColumn(int('parent_id', true)),
      new TableColumn(int('reply_count', false, { default: 0 })),
      new TableColumn(datetime('last_reply_at', true)),
      new TableColumn(bool('has_reactions', false)),
    ]);
    // Thread replies, oldest to newest, are a range scan of this index; the foreign key uses it too.
    await q.createIndex(
      'messages',
      new TableIndex({ name: 'IDX_messages_parent', columnNames: ['parent_id', 'id'] }),
    );
    await q.createForeignKey(
      'messages',
      new TableForeignKey({
        name: 'FK_messages_parent',
        columnNames: ['parent_id'],
        referencedTableName: 'messages',
        referencedColumnNames: ['id'],
        onDelete: 'CASCADE',
      }),
    );
    await q.createTable(
      new Table({
        name: 'message_reactions',
        columns: [id(), int('message_id'), int('user_id'), key('emoji', 64), datetime('created_at')],
        indices: [
          { name: 'UQ_message_reactions', columnNames: ['message_id', 'user_id', 'emoji'], isUnique: true },
          // A page's reactions grouped per message and emoji, in order of first use.
          { name: 'IDX_message_reactions_emoji', columnNames: ['message_id', 'emoji', 'id'] },
          { name: 'IDX_message_reactions_user', columnNames: ['user_id'] },
        ],
        foreignKeys: [
          {
            name: 'FK_message_reactions_message',
            columnNames: ['message_id'],
            referencedTableName: 'messages',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
          {
            name: 'FK_message_reactions_user',
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
    await q.dropTable('message_reactions');
    await q.dropForeignKey('messages', 'FK_messages_parent');
    await q.dropIndex('messages', 'IDX_messages_parent');
    for (const name of ['has_reactions', 'last_reply_at', 'reply_count', 'parent_id', 'edited_at'])
      await q.dropColumn('messages', name);
  }
}
