import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { MentionedUser } from './mentions';

/** Unread and mention counts are exact up to this; above it they are reported as this. */
export const COUNT_CAP = 999;
/** Rooms counted per statement (one UNION ALL of per-room index ranges). */
const ROOMS_PER_STATEMENT = 100;
/** Memberships looked up per statement by `markers` (a bounded statement and parameter list). */
const PAIRS_PER_STATEMENT = 500;

/** A message as the read-state rules need it. */
export interface MessageFacts {
  id: number;
  roomId: number;
  senderId: number | null;
  sentAt: Date;
}

/** One committed message, for the per-send read-state writes. */
export interface WrittenMessage {
  id: number;
  roomId: number;
  senderId: number;
  /** Mentioned user ids in order of appearance. */
  mentions?: readonly number[];
}

export interface RoomCounts {
  roomId: number;
  lastReadMessageId: number | null;
  lastMessageId: number | null;
  unreadCount: number;
  mentionCount: number;
}

export interface MarkerRow {
  userId: number;
  roomId: number;
  lastReadMessageId: number | null;
}

export interface Reader {
  userId: number;
  username: string;
  lastReadMessageId: number;
}

type Id = number | string;
/** `(?, ?), (?, ?), ...`: n two-column row values. */
const rowValues = (n: number): string => new Array<string>(n).fill('(?, ?)').join(', ');
const num = (v: Id | null | undefined): number | null => (v === null || v === undefined ? null : Number(v));

/**
 * Read markers (`room_members.last_read_message_id`), mention rows and the unread counts. Every
 * count is a range of an index bounded by a LIMIT, never a scan of a room's history: messages
 * after a marker on `(room_id, id)` (pinned, as history is), a user's mentions on
 * `(user_id, room_id, message_id)`.
 */
@Injectable()
export class ReadStateRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get mysql(): boolean {
    const type = this.dataSource.options.type;
    return type === 'mysql' || type === 'mariadb';
  }

  private get messagesByRoom(): string {
    return this.mysql
      ? 'messages m FORCE INDEX (IDX_messages_room_id)'
      : 'messages m INDEXED BY IDX_messages_room_id';
  }

  /** The room's members among these lower-cased usernames (one query on the unique key). */
  async membersNamed(roomId: number, names: readonly string[]): Promise<Map<string, MentionedUser>> {
    const found = new Map<string, MentionedUser>();
    if (!names.length) return found;
    const rows: { id: Id; username: string; usernameKey: string }[] = await this.dataSource.query(
      'SELECT u.id AS id, u.username AS username, u.username_key AS usernameKey FROM users u ' +
        'INNER JOIN room_members rm ON rm.user_id = u.id AND rm.room_id = ? ' +
        `WHERE u.username_key IN (${names.map(() => '?').join(', ')})`,
      [roomId, ...names],
    );
    for (const r of rows) found.set(r.usernameKey, { id: Number(r.id), username: r.username });
    return found;
  }

  /**
   * After a batch of messages is committed: moves each sender's marker forward to its newest
   * message of the batch (ONE UPDATE for the batch) and stores the mentions (ONE INSERT, only
   * when a message mentions someone).
   */
  async afterInsert(written: readonly WrittenMessage[]): Promise<void> {
    const newest = new Map<string, { roomId: number; userId: number; id: number }>();
    const mentionRows: unknown[] = [];
    for (const m of written) {
      const key = `${m.roomId}:${m.senderId}`;
      const seen = newest.get(key);
      if (!seen || seen.id < m.id) newest.set(key, { roomId: m.roomId, userId: m.senderId, id: m.id });
      m.mentions?.forEach((userId, position) => mentionRows.push(m.id, userId, m.roomId, position));
    }
    const work: Promise<unknown>[] = [this.advanceMarkers([...newest.values()])];
    if (mentionRows.length) {
      const values = new Array<string>(mentionRows.length / 4).fill('(?, ?, ?, ?)').join(', ');
      work.push(
        this.dataSource.query(
          `INSERT INTO message_mentions (message_id, user_id, room_id, position) VALUES ${values}`,
          mentionRows,
        ),
      );
    }
    await Promise.all(work);
  }

  /** Forward-only marker moves, one statement; memberships that do not exist are left alone. */
  private async advanceMarkers(moves: { roomId: number; userId: number; id: number }[]): Promise<void> {
    if (moves.length === 1) {
      await this.moveMarker(moves[0].roomId, moves[0].userId, moves[0].id);
      return;
    }
    // The moves as a derived table joined on the primary key: one index lookup per move (an
    // OR of 500 conditions, or a CASE of 500 branches, costs a scan and n² comparisons instead).
    const moved =
      'SELECT ? AS room_id, ? AS user_id, ? AS id' + ' UNION ALL SELECT ?, ?, ?'.repeat(moves.length - 1);
    const params = moves.flatMap((m) => [m.roomId, m.userId, m.id]);
    await this.dataSource.query(
      this.mysql
        ? `UPDATE room_members rm INNER JOIN (${moved}) v ON rm.room_id = v.room_id AND rm.user_id = v.user_id ` +
            'SET rm.last_read_message_id = v.id ' +
            'WHERE rm.last_read_message_id IS NULL OR rm.last_read_message_id < v.id'
        : `UPDATE room_members SET last_read_message_id = v.id FROM (${moved}) v ` +
            'WHERE room_members.room_id = v.room_id AND room_members.user_id = v.user_id ' +
            'AND (room_members.last_read_message_id IS NULL OR room_members.last_read_message_id < v.id)',
      params,
    );
  }

  /** Moves one marker forward to `messageId`; true when it moved. */
  async moveMarker(roomId: number, userId: number, messageId: number): Promise<boolean> {
    const runner = this.dataSource.createQueryRunner();
    try {
      const result = await runner.query(
        'UPDATE room_members SET last_read_message_id = ? WHERE room_id = ? AND user_id = ? ' +
          'AND (last_read_message_id IS NULL OR last_read_message_id < ?)',
        [messageId, roomId, userId, messageId],
        true,
      );
      return (result.affected ?? 0) > 0;
    } finally {
      await runner.release();
    }
  }

  /** The caller's membership of a room with its marker, or null when not a member. */
  async membership(roomId: number, userId: number): Promise<{ lastReadMessageId: number | null } | null> {
    const rows: { lastRead: Id | null }[] = await this.dataSource.query(
      'SELECT last_read_message_id AS lastRead FROM room_members WHERE room_id = ? AND user_id = ?',
      [roomId, userId],
    );
    return rows.length ? { lastReadMessageId: num(rows[0].lastRead) } : null;
  }

  /** The newest message of a room (an index lookup), or null. */
  async newestMessageId(roomId: number): Promise<number | null> {
    const rows: { id: Id | null }[] = await this.dataSource.query(
      `SELECT MAX(m.id) AS id FROM ${this.messagesByRoom} WHERE m.room_id = ?`,
      [roomId],
    );
    return num(rows[0]?.id);
  }

  async messageFacts(messageId: number): Promise<MessageFacts | null> {
    const rows: { id: Id; roomId: Id; senderId: Id | null; sentAt: Date | string }[] =
      await this.dataSource.query(
        'SELECT id, room_id AS roomId, sender_id AS senderId, sent_at AS sentAt FROM messages WHERE id = ?',
        [messageId],
      );
    if (!rows.length) return null;
    const r = rows[0];
    return {
      id: Number(r.id),
      roomId: Number(r.roomId),
      senderId: num(r.senderId),
      sentAt: this.toDate(r.sentAt),
    };
  }

  /** The rooms a user is a member of with its markers, by room id. */
  async memberships(userId: number): Promise<MarkerRow[]> {
    const rows: { roomId: Id; lastRead: Id | null }[] = await this.dataSource.query(
      'SELECT room_id AS roomId, last_read_message_id AS lastRead FROM room_members WHERE user_id = ? ' +
        'ORDER BY room_id',
      [userId],
    );
    return rows.map((r) => ({ userId, roomId: Number(r.roomId), lastReadMessageId: num(r.lastRead) }));
  }

  /** The markers of several memberships (user, room), one query per 500; absent pairs are not members. */
  async markers(pairs: readonly { userId: number; roomId: number }[]): Promise<MarkerRow[]> {
    const out: MarkerRow[] = [];
    // One primary-key lookup per pair through a row-value IN list. An OR of `(room_id = ? AND
    // user_id = ?)` terms is what this was first: MariaDB's range optimizer gave up on it past a few
    // hundred pairs and scanned all of room_members (0.4 s for 2,000 pairs on a 2,000-row table),
    // and SQLite refused it past ~500 pairs ("Expression tree is too large").
    const list = this.mysql ? (n: number) => `(${rowValues(n)})` : (n: number) => `(VALUES ${rowValues(n)})`;
    for (let i = 0; i < pairs.length; i += PAIRS_PER_STATEMENT) {
      const chunk = pairs.slice(i, i + PAIRS_PER_STATEMENT);
      const rows: { roomId: Id; userId: Id; lastRead: Id | null }[] = await this.dataSource.query(
        'SELECT room_id AS roomId, user_id AS userId, last_read_message_id AS lastRead FROM room_members ' +
          `WHERE (room_id, user_id) IN ${list(chunk.length)}`,
        chunk.flatMap((p) => [p.roomId, p.userId]),
      );
      for (const r of rows)
        out.push({ roomId: Number(r.roomId), userId: Number(r.userId), lastReadMessageId: num(r.lastRead) });
    }
    return out;
  }

  /**
   * Unread and mention counts (capped at COUNT_CAP) and the newest message of each membership,
   * for the given markers: one statement per ROOMS_PER_STATEMENT memberships, each a bounded
   * index range, so the cost follows the rooms and their unread messages, never the history.
   */
  async counts(items: readonly MarkerRow[]): Promise<(RoomCounts & { userId: number })[]> {
    const out: (RoomCounts & { userId: number })[] = [];
    for (let i = 0; i < items.length; i += ROOMS_PER_STATEMENT) {
      const chunk = items.slice(i, i + ROOMS_PER_STATEMENT);
      const parts: string[] = [];
      const params: number[] = [];
      chunk.forEach((r, index) => {
        const after = r.lastReadMessageId ?? 0;
        parts.push(
          'SELECT ? AS ord, ' +
            `(SELECT MAX(m.id) FROM ${this.messagesByRoom} WHERE m.room_id = ?) AS lastId, ` +
            `(SELECT COUNT(*) FROM (SELECT m.id FROM ${this.messagesByRoom} WHERE m.room_id = ? AND m.id > ? ` +
            `AND (m.sender_id IS NULL OR m.sender_id <> ?) ORDER BY m.id LIMIT ${COUNT_CAP + 1}) u) AS unread, ` +
            '(SELECT COUNT(*) FROM (SELECT mm.message_id FROM message_mentions mm WHERE mm.user_id = ? ' +
            `AND mm.room_id = ? AND mm.message_id > ? ORDER BY mm.message_id LIMIT ${COUNT_CAP + 1}) x) AS mentions`,
        );
        params.push(index, r.roomId, r.roomId, after, r.userId, r.userId, r.roomId, after);
      });
      const rows: { ord: Id; lastId: Id | null; unread: Id; mentions: Id }[] = await this.dataSource.query(
        parts.join(' UNION ALL '),
        params,
      );
      const byOrd = new Map(rows.map((row) => [Number(row.ord), row]));
      chunk.forEach((r, index) => {
        const row = byOrd.get(index);
        out.push({
          userId: r.userId,
          roomId: r.roomId,
          lastReadMessageId: r.lastReadMessageId,
          lastMessageId: num(row?.lastId),
          unreadCount: Math.min(COUNT_CAP, Number(row?.unread ?? 0)),
          mentionCount: Math.min(COUNT_CAP, Number(row?.mentions ?? 0)),
        });
      });
    }
    return out;
  }

  /**
   * Members other than the sender who were members when the message was sent (joined at or
   * before it) and whose marker is at or after it, by user id.
   */
  async readers(message: MessageFacts): Promise<Reader[]> {
    const rows: { userId: Id; username: string; lastRead: Id }[] = await this.dataSource.query(
      'SELECT u.id AS userId, u.username AS username, rm.last_read_message_id AS lastRead ' +
        'FROM room_members rm INNER JOIN users u ON u.id = rm.user_id ' +
        'WHERE rm.room_id = ? AND rm.last_read_message_id >= ? AND rm.joined_at <= ? AND rm.user_id <> ? ' +
        'ORDER BY u.id',
      [message.roomId, message.id, this.toDb(message.sentAt), message.senderId ?? 0],
    );
    return rows.map((r) => ({
      userId: Number(r.userId),
      username: r.username,
      lastReadMessageId: Number(r.lastRead),
    }));
  }

  /** The mentions of several messages in ONE query: message id -> users in order of appearance. */
  async mentionsOf(messageIds: readonly number[]): Promise<Map<number, MentionedUser[]>> {
    const byMessage = new Map<number, MentionedUser[]>();
    if (!messageIds.length) return byMessage;
    const rows: { messageId: Id; id: Id; username: string }[] = await this.dataSource.query(
      'SELECT mm.message_id AS messageId, u.id AS id, u.username AS username FROM message_mentions mm ' +
        'INNER JOIN users u ON u.id = mm.user_id ' +
        `WHERE mm.message_id IN (${messageIds.map(() => '?').join(', ')}) ORDER BY mm.message_id, mm.position`,
      [...messageIds],
    );
    for (const r of rows) {
      const id = Number(r.messageId);
      const list = byMessage.get(id) ?? [];
      list.push({ id: Number(r.id), username: r.username });
      byMessage.set(id, list);
    }
    return byMessage;
  }

  private toDb(date: Date): unknown {
    const column = this.dataSource.getMetadata('Message').findColumnWithPropertyName('sentAt')!;
    return this.dataSource.driver.preparePersistentValue(date, column);
  }

  private toDate(value: Date | string): Date {
    const column = this.dataSource.getMetadata('Message').findColumnWithPropertyName('sentAt')!;
    return this.dataSource.driver.prepareHydratedValue(value, column) as Date;
  }
}
