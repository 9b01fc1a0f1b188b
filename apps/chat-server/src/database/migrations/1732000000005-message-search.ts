import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/** The FULLTEXT index of `messages.content` on MySQL/MariaDB (message search, EXTENSIONS.md §6). */
export const FULLTEXT_INDEX = 'FTX_messages_content';
/** The FTS5 table that indexes `messages.content` on SQLite. */
export const FTS_TABLE = 'messages_fts';

/**
 * The triggers that keep the SQLite FTS5 table in step with `messages`: every INSERT, every
 * UPDATE of `content` (edits) and every DELETE (deleted messages, and the rows a room's deletion
 * cascades to: SQLite fires these triggers for foreign-key cascades too). A later migration that
 * makes TypeORM recreate `messages` on SQLite (most Table API column changes do) drops these
 * triggers with the old table: it must call this again, then `rebuildSearchIndex`.
 */
export async function createSearchTriggers(q: QueryRunner): Promise<void> {
  await q.query(
    `CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN ` +
      `INSERT INTO ${FTS_TABLE} (rowid, content) VALUES (new.id, new.content); END`,
  );
  await q.query(
    `CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN ` +
      `INSERT INTO ${FTS_TABLE} (${FTS_TABLE}, rowid, content) VALUES ('delete', old.id, old.content); END`,
  );
  await q.query(
    `CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN ` +
      `INSERT INTO ${FTS_TABLE} (${FTS_TABLE}, rowid, content) VALUES ('delete', old.id, old.content); ` +
      `INSERT INTO ${FTS_TABLE} (rowid, content) VALUES (new.id, new.content); END`,
  );
}

/** Re-indexes every stored message (SQLite FTS5 external content). */
export async function rebuildSearchIndex(q: QueryRunner): Promise<void> {
  await q.query(`INSERT INTO ${FTS_TABLE} (${FTS_TABLE}) VALUES ('rebuild')`);
}

/**
 * Message search runs on each database's own full-text index (docs/API-DECISIONS.md, "Message
 * search"):
 * - MySQL/MariaDB: a FULLTEXT index on `messages.content` (Table API). On InnoDB the first
 *   FULLTEXT index of a table rebuilds it (hidden FTS_DOC_ID column): writes to `messages` wait
 *   for the migration (README, "Upgrading": about its duration per million messages).
 * - SQLite: an FTS5 table with `messages` as its external content (it stores only the index),
 *   kept in step by triggers, filled once from the existing rows. The Table API cannot create
 *   virtual tables or triggers, hence plain SQL for SQLite only. `unicode61` folds case and, with
 *   `remove_diacritics 2`, accents (as MySQL's utf8mb4_unicode_ci collation does); `_` is a word
 *   character, as it is for InnoDB.
 */
export class MessageSearch1732000000005 implements MigrationInterface {
  name = 'MessageSearch1732000000005';

  async up(q: QueryRunner): Promise<void> {
    if (isMysql(q)) {
      await q.createIndex(
        'messages',
        new TableIndex({ name: FULLTEXT_INDEX, columnNames: ['content'], isFulltext: true }),
      );
      return;
    }
    await q.query(
      `CREATE VIRTUAL TABLE ${FTS_TABLE} USING fts5(content, content='messages', content_rowid='id', ` +
        `tokenize="unicode61 remove_diacritics 2 tokenchars '_'")`,
    );
    await createSearchTriggers(q);
    await rebuildSearchIndex(q);
  }

  async down(q: QueryRunner): Promise<void> {
    if (isMysql(q)) {
      await q.dropIndex('messages', FULLTEXT_INDEX);
      // Rebuild without InnoDB's hidden FTS_DOC_ID column: on MariaDB 10.11 a FULLTEXT index
      // created again later on a table that gained rows meanwhile found nothing without it.
      await q.query('ALTER TABLE messages FORCE');
      return;
    }
    for (const trigger of ['insert', 'delete', 'update'])
      await q.query(`DROP TRIGGER IF EXISTS messages_fts_${trigger}`);
    await q.query(`DROP TABLE IF EXISTS ${FTS_TABLE}`);
  }
}

function isMysql(q: QueryRunner): boolean {
  const type = q.connection.driver.options.type;
  return type === 'mysql' || type === 'mariadb';
}
