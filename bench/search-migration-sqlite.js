'use strict';
// How long the message-search migration takes on an existing SQLite database: `node
// bench/search-migration-sqlite.js [messages]` (default 1,000,000) fills a scratch file with
// messages like H2's, then runs the migration's SQL for SQLite (FTS5 table, triggers, 'rebuild')
// and prints the time. The SQL is copied from
// apps/chat-server/src/database/migrations/1732000000005-message-search.ts.
const fs = require('fs');
const os = require('os');
const path = require('path');
const Database = require('better-sqlite3');
const { contentOf, vocabulary } = require('./lib/search');

const total = Number(process.argv[2] || 1e6);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'search-migration-'));
const db = new Database(path.join(dir, 'chat.sqlite'));
try {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(
    'CREATE TABLE messages (id INTEGER PRIMARY KEY AUTOINCREMENT, room_id INTEGER NOT NULL, sender_id INTEGER, ' +
      'content TEXT NOT NULL, sent_at DATETIME NOT NULL, client_message_id VARCHAR(64))',
  );
  const insert = db.prepare('INSERT INTO messages (room_id, sender_id, content, sent_at) VALUES (?, 1, ?, ?)');
  const vocab = vocabulary(5000);
  const now = new Date().toISOString();
  db.transaction(() => {
    for (let i = 0; i < total; i++) insert.run(i % 100, contentOf(i, total, 50, vocab), now);
  })();
  const t0 = Date.now();
  db.transaction(() => {
    db.exec(
      "CREATE VIRTUAL TABLE messages_fts USING fts5(content, content='messages', content_rowid='id', " +
        "tokenize=\"unicode61 remove_diacritics 2 tokenchars '_'\")",
    );
    db.exec('CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN INSERT INTO messages_fts (rowid, content) VALUES (new.id, new.content); END');
    db.exec("INSERT INTO messages_fts (messages_fts) VALUES ('rebuild')");
  })();
  const ms = Date.now() - t0;
  const found = db.prepare('SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH ?').get('"zebracorn"').n;
  console.log(`SQLite ${db.prepare('SELECT sqlite_version() AS v').get().v}: migration on ${total} messages took ${ms} ms (${Math.round((ms * 1e6) / total)} ms per million); the word is in ${found} messages`);
} finally {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
