import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryResult } from 'typeorm';
import { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { TransactionRunner } from '../database/transaction-runner';
import { Statement, TransactionScript } from '../database/transaction-script';
import { Message } from './message.entity';
import { MessageParts } from './message-view';

/** Which slice of a room's history: keyset cursors or a page counted from the newest. */
export type HistoryWindow =
  | { kind: 'before'; id: number; size: number }
  | { kind: 'after'; id: number; size: number }
  | { kind: 'page'; page: number; size: number };

export interface NewMessage {
  roomId: number;
  senderId: number;
  content: string;
  sentAt: Date;
  clientMessageId: string | null;
  /** Mentioned user ids in order of appearance (stored by MessageWriter after the INSERT). */
  mentions?: readonly number[];
}

/** A thread's counters as stored on its root. */
export interface ThreadCounts {
  rootId: number;
  replyCount: number;
  lastReplyAt: Date | null;
}

/** What the rules of edits, deletes and replies need to know about a stored message. */
export type MessageMeta = Pick<Message, 'id' | 'roomId' | 'senderId' | 'parentId' | 'content'>;

interface HistoryRow {
  id: number | string;
  roomId: number | string;
  senderId: number | string | null;
  content: string;
  sentAt: Date | string;
  clientMessageId: string | null;
  senderUsername: string | null;
  senderEmail: string | null;
  editedAt: Date | string | null;
  parentId: number | string | null;
  replyCount: number | string;
  lastReplyAt: Date | string | null;
  hasReactions: number | string | boolean;
  hasAttachments: number | string | boolean;
}

const INSERT_HEAD = 'INSERT INTO messages (room_id, sender_id, content, sent_at, client_message_id) VALUES ';
const INSERT_ROW = '(?, ?, ?, ?, ?)';

const COLUMNS =
  'm.id AS id, m.room_id AS roomId, m.sender_id AS senderId, m.content AS content, ' +
  'm.sent_at AS sentAt, m.client_message_id AS clientMessageId, ' +
  'u.username AS senderUsername, u.email AS senderEmail, ' +
  'm.edited_at AS editedAt, m.parent_id AS parentId, m.reply_count AS replyCount, ' +
  'm.last_reply_at AS lastReplyAt, m.has_reactions AS hasReactions, ' +
  // One index probe per row inside the same statement (IDX_attachments_message), so a page
  // without attachments needs no second round trip for them (MessageViews.of).
  'EXISTS (SELECT 1 FROM attachments a WHERE a.message_id = m.id) AS hasAttachments';

/**
 * Message storage. History reads are written in SQL so that they are, on every database, range
 * scans of the `(room_id, id)` index (`IDX_messages_room_id`) with a LIMIT: the cost of a page or
 * a catch-up does not grow with the size of the room. The index is pinned (FORCE INDEX on MySQL,
 * INDEXED BY on SQLite) so the planner cannot pick the primary key or a `ref` scan instead.
 */
@Injectable()
export class MessagesRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
  ) {}

  private get mysql(): boolean {
    const type = this.dataSource.options.type;
    return type === 'mysql' || type === 'mariadb';
  }

  /** The SQL of one history window (public so a test can EXPLAIN exactly what runs). */
  historySql(kind: HistoryWindow['kind'], topLevel = false): string {
    const from = this.mysql
      ? 'messages m FORCE INDEX (IDX_messages_room_id)'
      : 'messages m INDEXED BY IDX_messages_room_id';
    const head =
      `SELECT ${COLUMNS} FROM ${from} LEFT JOIN users u ON u.id = m.sender_id WHERE m.room_id = ?` +
      (topLevel ? ' AND m.parent_id IS NULL' : '');
    switch (kind) {
      case 'before':
        return `${head} AND m.id < ? ORDER BY m.id DESC LIMIT ?`;
      case 'after':
        return `${head} AND m.id > ? ORDER BY m.id ASC LIMIT ?`;
      case 'page':
        return `${head} ORDER BY m.id DESC LIMIT ? OFFSET ?`;
    }
  }

  /** Parameters matching historySql(kind). */
  historyParams(roomId: number, window: HistoryWindow): number[] {
    return window.kind === 'page'
      ? [roomId, window.size, window.page * window.size]
      : [roomId, window.id, window.size];
  }

  /** One window of a room's history, oldest to newest (`topLevel`: replies left out). */
  async history(roomId: number, window: HistoryWindow, topLevel = false): Promise<StoredParts[]> {
    const rows: HistoryRow[] = await this.dataSource.query(
      this.historySql(window.kind, topLevel),
      this.historyParams(roomId, window),
    );
    const parts = rows.map((row) => this.toParts(row));
    return window.kind === 'after' ? parts : parts.reverse();
  }

  /** One INSERT, no re-read; returns the new id. */
  async insert(message: NewMessage): Promise<number> {
    const result = await this.insertRows([message]);
    // A single row's id is exact on every database, whatever the auto-increment settings.
    const id = this.mysql
      ? Number((result.raw as { insertId?: number | string } | undefined)?.insertId)
      : Number(result.raw);
    if (result.affected !== undefined && result.affected !== 1) throw this.unexpected(result);
    if (!Number.isSafeInteger(id) || id <= 0) throw this.unexpected(result);
    return id;
  }

  /**
   * One INSERT statement of these rows, in this order (autocommit: all rows or none); the driver's
   * structured result (MySQL: `raw.insertId` is the first row's id; SQLite: `raw` is the last
   * rowid, `affected` the row count). Plain SQL with positional parameters: TypeORM's
   * InsertQueryBuilder names and then rescans every parameter of a statement, which was the top
   * JavaScript cost of the send path in the bench profiles (quadratic in a batch's rows).
   */
  async insertRows(rows: readonly NewMessage[]): Promise<QueryResult> {
    const sentAt = this.sentAtColumn;
    const params: unknown[] = [];
    for (const m of rows)
      params.push(
        m.roomId,
        m.senderId,
        m.content,
        this.dataSource.driver.preparePersistentValue(m.sentAt, sentAt),
        m.clientMessageId,
      );
    const sql =
      INSERT_HEAD +
      (rows.length === 1 ? INSERT_ROW : new Array<string>(rows.length).fill(INSERT_ROW).join(', '));
    const runner = this.dataSource.createQueryRunner();
    try {
      return await runner.query(sql, params, true);
    } finally {
      await runner.release();
    }
  }

  private unexpected(result: QueryResult): Error {
    return new Error(`INSERT of one message reported ${JSON.stringify(result.raw)}: no usable id`);
  }

  /** The message a sender already sent with this client id (idempotent replays). */
  async findByClientId(senderId: number, clientMessageId: string): Promise<StoredParts | null> {
    const rows: HistoryRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM messages m LEFT JOIN users u ON u.id = m.sender_id ` +
        'WHERE m.sender_id = ? AND m.client_message_id = ?',
      [senderId, clientMessageId],
    );
    return rows.length ? this.toParts(rows[0]) : null;
  }

  findMeta(id: number): Promise<MessageMeta | null> {
    return this.dataSource.getRepository(Message).findOne({
      where: { id },
      select: { id: true, roomId: true, senderId: true, parentId: true, content: true },
    });
  }

  /** Deletes a message; false when it was already gone. */
  async delete(id: number): Promise<boolean> {
    return !!(await this.dataSource.getRepository(Message).delete({ id })).affected;
  }

  /**
   * `SELECT <history's columns> FROM <from> LEFT JOIN users u ... <rest>` (`m` is the messages
   * alias): other message queries (search) share the history's columns and row mapping
   * (`queryParts`), so every surface shows the same view.
   */
  viewSql(from: string, rest: string): string {
    return `SELECT ${COLUMNS} FROM ${from} LEFT JOIN users u ON u.id = m.sender_id ${rest}`;
  }

  /** The message parts of a `viewSql` statement's rows. */
  async queryParts(sql: string, params: unknown[]): Promise<StoredParts[]> {
    const rows: HistoryRow[] = await this.dataSource.query(sql, params);
    return rows.map((row) => this.toParts(row));
  }

  /** The `sentAt` column's metadata, looked up once (raw rows are hydrated through the driver). */
  private get sentAtColumn(): ColumnMetadata {
    this.sentAtColumnCache ??= this.dataSource.getMetadata(Message).findColumnWithPropertyName('sentAt')!;
    return this.sentAtColumnCache;
  }
  private sentAtColumnCache?: ColumnMetadata;

  private toParts(row: HistoryRow): StoredParts {
    const sentAt = this.dataSource.driver.prepareHydratedValue(row.sentAt, this.sentAtColumn) as Date;
    return {
      id: Number(row.id),
      roomId: Number(row.roomId),
      sender:
        row.senderId === null || row.senderUsername === null
          ? null
          : { id: Number(row.senderId), username: row.senderUsername, email: row.senderEmail },
      content: row.content,
      sentAt,
      clientMessageId: row.clientMessageId,
      editedAt: this.hydrateDate(row.editedAt),
      parentId: row.parentId === null ? null : Number(row.parentId),
      replyCount: Number(row.replyCount),
      lastReplyAt: this.hydrateDate(row.lastReplyAt),
      reactions: [],
      hasReactions: Number(row.hasReactions) === 1 || row.hasReactions === true,
      hasAttachments: Number(row.hasAttachments) === 1 || row.hasAttachments === true,
    };
  }

  private hydrateDate(value: Date | string | null): Date | null {
    return value === null
      ? null
      : (this.dataSource.driver.prepareHydratedValue(value, this.sentAtColumn) as Date);
  }

  // ---- edits and threads (EXTENSIONS.md §3, §5) -------------------------------------------------

  /** One message as a view is built from (reactions not read yet), or null when it is gone. */
  async findParts(id: number): Promise<StoredParts | null> {
    const rows: HistoryRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM messages m LEFT JOIN users u ON u.id = m.sender_id WHERE m.id = ?`,
      [id],
    );
    return rows.length ? this.toParts(rows[0]) : null;
  }

  /**
   * Replaces a message's content, and with `mentions` its mention rows (in order of appearance),
   * in one transaction; false when the message is gone.
   */
  edit(
    id: number,
    content: string,
    editedAt: Date,
    mentions: { roomId: number; userIds: readonly number[] } | null,
  ): Promise<boolean> {
    const at = this.dataSource.driver.preparePersistentValue(editedAt, this.sentAtColumn);
    return this.transactions.script(function* (): TransactionScript<boolean> {
      const updated = yield {
        sql: 'UPDATE messages SET content = ?, edited_at = ? WHERE id = ?',
        params: [content, at, id],
      };
      if (!updated.affected) return false;
      if (!mentions) return true;
      yield { sql: 'DELETE FROM message_mentions WHERE message_id = ?', params: [id] };
      if (mentions.userIds.length)
        yield {
          sql:
            'INSERT INTO message_mentions (message_id, user_id, room_id, position) VALUES ' +
            mentions.userIds.map(() => '(?, ?, ?, ?)').join(', '),
          params: mentions.userIds.flatMap((userId, position) => [id, userId, mentions.roomId, position]),
        };
      return true;
    });
  }

  /** One window of a thread's replies (index `(parent_id, id)`), oldest to newest. */
  async replies(rootId: number, window: ReplyWindow): Promise<StoredParts[]> {
    const from = this.mysql
      ? 'messages m FORCE INDEX (IDX_messages_parent)'
      : 'messages m INDEXED BY IDX_messages_parent';
    const head = `SELECT ${COLUMNS} FROM ${from} LEFT JOIN users u ON u.id = m.sender_id WHERE m.parent_id = ?`;
    const [sql, params] =
      window.kind === 'after'
        ? [`${head} AND m.id > ? ORDER BY m.id ASC LIMIT ?`, [rootId, window.id, window.size]]
        : window.kind === 'before'
          ? [`${head} AND m.id < ? ORDER BY m.id DESC LIMIT ?`, [rootId, window.id, window.size]]
          : [`${head} ORDER BY m.id DESC LIMIT ?`, [rootId, window.size]];
    const rows: HistoryRow[] = await this.dataSource.query(sql, params);
    const parts = rows.map((row) => this.toParts(row));
    return window.kind === 'after' ? parts : parts.reverse();
  }

  /**
   * Inserts a reply and moves its root's counters in one transaction. The root's row is locked
   * first (the same order as every other change of a thread), so a concurrent delete of the root
   * waits and then removes the reply with it. Null when the root is gone or is not a top-level
   * message of `message.roomId`. Throws the database error as is (a duplicate clientMessageId).
   */
  insertReply(message: NewMessage, rootId: number): Promise<{ id: number; thread: ThreadCounts } | null> {
    return this.insertAtomic(message, rootId) as Promise<{ id: number; thread: ThreadCounts } | null>;
  }

  /**
   * Inserts a message in one transaction with what must change with it: its thread root's
   * counters when `rootId` is given (as insertReply), and `follow(id)`, a statement of another
   * table (attaching uploads) that must change exactly `follow.affected` rows, else
   * `follow.refuse()` is thrown and nothing is kept. Null when the root is gone or is not a
   * top-level message of `message.roomId`.
   */
  insertAtomic(
    message: NewMessage,
    rootId: number | null,
    follow?: { statement: (id: number) => Statement; affected: number; refuse: () => Error },
  ): Promise<{ id: number; thread: ThreadCounts | null } | null> {
    const sentAt = this.dataSource.driver.preparePersistentValue(message.sentAt, this.sentAtColumn);
    const lock = rootId === null ? null : lockRoot(this.mysql, rootId);
    return this.transactions
      .script(function* (): TransactionScript<{
        id: number;
        rows: Array<Record<string, unknown>> | null;
      } | null> {
        if (lock) {
          const root = (yield lock).rows[0];
          if (!root || Number(root.roomId) !== message.roomId || root.parentId !== null) return null;
        }
        const inserted = yield {
          sql:
            'INSERT INTO messages (room_id, sender_id, content, sent_at, client_message_id, parent_id) ' +
            'VALUES (?, ?, ?, ?, ?, ?)',
          params: [
            message.roomId,
            message.senderId,
            message.content,
            sentAt,
            message.clientMessageId,
            rootId,
          ],
        };
        const id = inserted.insertId;
        if (follow && (yield follow.statement(id)).affected !== follow.affected) throw follow.refuse();
        if (rootId === null) return { id, rows: null };
        yield {
          sql:
            'UPDATE messages SET reply_count = reply_count + 1, last_reply_at = CASE WHEN last_reply_at IS NULL ' +
            'OR last_reply_at < ? THEN ? ELSE last_reply_at END WHERE id = ?',
          params: [sentAt, sentAt, rootId],
        };
        return { id, rows: (yield { sql: COUNTS_SQL, params: [rootId] }).rows };
      })
      .then((r) =>
        r ? { id: r.id, thread: r.rows && rootId !== null ? this.toCounts(rootId, r.rows) : null } : null,
      );
  }

  /**
   * Deletes a reply and recounts its root's thread in one transaction (root locked first, so the
   * count is exact). The new counters, or null when the reply (or its root, which takes the reply
   * with it) is gone.
   */
  deleteReply(id: number, rootId: number): Promise<ThreadCounts | null> {
    const lock = lockRoot(this.mysql, rootId);
    return this.transactions
      .script(function* (): TransactionScript<Array<Record<string, unknown>> | null> {
        if (!(yield lock).rows.length) return null;
        const deleted = yield {
          sql: 'DELETE FROM messages WHERE id = ? AND parent_id = ?',
          params: [id, rootId],
        };
        if (!deleted.affected) return null;
        const thread = (yield {
          sql: 'SELECT COUNT(*) AS replyCount, MAX(sent_at) AS lastReplyAt FROM messages WHERE parent_id = ?',
          params: [rootId],
        }).rows[0];
        yield {
          sql: 'UPDATE messages SET reply_count = ?, last_reply_at = ? WHERE id = ?',
          params: [Number(thread.replyCount), thread.lastReplyAt ?? null, rootId],
        };
        return (yield { sql: COUNTS_SQL, params: [rootId] }).rows;
      })
      .then((rows) => (rows ? this.toCounts(rootId, rows) : null));
  }

  private toCounts(rootId: number, rows: Array<Record<string, unknown>>): ThreadCounts {
    return {
      rootId,
      replyCount: Number(rows[0]?.replyCount ?? 0),
      lastReplyAt: this.hydrateDate((rows[0]?.lastReplyAt as Date | string | null | undefined) ?? null),
    };
  }
}

const COUNTS_SQL =
  'SELECT reply_count AS replyCount, last_reply_at AS lastReplyAt FROM messages WHERE id = ?';

/** Locks a thread root's row until the end of the transaction (SQLite: the script runs alone anyway). */
function lockRoot(mysql: boolean, rootId: number): Statement {
  return {
    sql: `SELECT room_id AS roomId, parent_id AS parentId FROM messages WHERE id = ?${mysql ? ' FOR UPDATE' : ''}`,
    params: [rootId],
  };
}

/**
 * A stored message's parts, with what tells whether the rest must be read: `hasReactions` (the
 * column kept by reactions) and `hasAttachments` (computed in the same SELECT).
 */
export type StoredParts = MessageParts & { hasReactions: boolean; hasAttachments: boolean };

/** Which slice of a thread: keyset cursors, or the newest `size` replies. */
export type ReplyWindow =
  | { kind: 'before'; id: number; size: number }
  | { kind: 'after'; id: number; size: number }
  | { kind: 'latest'; size: number };
