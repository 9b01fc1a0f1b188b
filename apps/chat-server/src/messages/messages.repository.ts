import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryResult } from 'typeorm';
import { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
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

interface HistoryRow {
  id: number | string;
  roomId: number | string;
  senderId: number | string | null;
  content: string;
  sentAt: Date | string;
  clientMessageId: string | null;
  senderUsername: string | null;
  senderEmail: string | null;
}

const INSERT_HEAD = 'INSERT INTO messages (room_id, sender_id, content, sent_at, client_message_id) VALUES ';
const INSERT_ROW = '(?, ?, ?, ?, ?)';

const COLUMNS =
  'm.id AS id, m.room_id AS roomId, m.sender_id AS senderId, m.content AS content, ' +
  'm.sent_at AS sentAt, m.client_message_id AS clientMessageId, ' +
  'u.username AS senderUsername, u.email AS senderEmail';

/**
 * Message storage. History reads are written in SQL so that they are, on every database, range
 * scans of the `(room_id, id)` index (`IDX_messages_room_id`) with a LIMIT: the cost of a page or
 * a catch-up does not grow with the size of the room. The index is pinned (FORCE INDEX on MySQL,
 * INDEXED BY on SQLite) so the planner cannot pick the primary key or a `ref` scan instead.
 */
@Injectable()
export class MessagesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get mysql(): boolean {
    const type = this.dataSource.options.type;
    return type === 'mysql' || type === 'mariadb';
  }

  /** The SQL of one history window (public so a test can EXPLAIN exactly what runs). */
  historySql(kind: HistoryWindow['kind']): string {
    const from = this.mysql
      ? 'messages m FORCE INDEX (IDX_messages_room_id)'
      : 'messages m INDEXED BY IDX_messages_room_id';
    const head = `SELECT ${COLUMNS} FROM ${from} LEFT JOIN users u ON u.id = m.sender_id WHERE m.room_id = ?`;
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

  /** One window of a room's history, oldest to newest. */
  async history(roomId: number, window: HistoryWindow): Promise<MessageParts[]> {
    const rows: HistoryRow[] = await this.dataSource.query(
      this.historySql(window.kind),
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
  async findByClientId(senderId: number, clientMessageId: string): Promise<MessageParts | null> {
    const rows: HistoryRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM messages m LEFT JOIN users u ON u.id = m.sender_id ` +
        'WHERE m.sender_id = ? AND m.client_message_id = ?',
      [senderId, clientMessageId],
    );
    return rows.length ? this.toParts(rows[0]) : null;
  }

  findMeta(id: number): Promise<Pick<Message, 'id' | 'roomId' | 'senderId'> | null> {
    return this.dataSource.getRepository(Message).findOne({
      where: { id },
      select: { id: true, roomId: true, senderId: true },
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
  async queryParts(sql: string, params: unknown[]): Promise<MessageParts[]> {
    const rows: HistoryRow[] = await this.dataSource.query(sql, params);
    return rows.map((row) => this.toParts(row));
  }

  /** The `sentAt` column's metadata, looked up once (raw rows are hydrated through the driver). */
  private get sentAtColumn(): ColumnMetadata {
    this.sentAtColumnCache ??= this.dataSource.getMetadata(Message).findColumnWithPropertyName('sentAt')!;
    return this.sentAtColumnCache;
  }
  private sentAtColumnCache?: ColumnMetadata;

  private toParts(row: HistoryRow): MessageParts {
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
    };
  }
}
