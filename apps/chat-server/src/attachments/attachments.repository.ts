import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DateUtils } from 'typeorm/util/DateUtils';
import { Statement } from '../database/transaction-script';

/** An attachment as a message view and the upload answer show it. */
export interface AttachmentView {
  id: number;
  name: string;
  size: number;
  contentType: string;
  url: string;
}

/** A stored attachment row, as the rules need it. */
export interface AttachmentRow {
  id: number;
  roomId: number | null;
  uploaderId: number | null;
  messageId: number | null;
  name: string;
  size: number;
  contentType: string;
  /** The strong ETag, without quotes (column `sha256`: see NewAttachment.etag). */
  etag: string;
  storageKey: string;
  createdAt: Date;
  attachedAt: Date | null;
}

export interface NewAttachment {
  roomId: number;
  uploaderId: number;
  storageKey: string;
  name: string;
  size: number;
  contentType: string;
  /**
   * Stored in the column `sha256`, which held the SHA-256 of the bytes until uploads stopped hashing
   * them (docs/API-DECISIONS.md, "Attachments"); now 64 random hex digits. Either is a strong ETag.
   */
  etag: string;
  createdAt: Date;
}

export const attachmentUrl = (id: number): string => `/api/v1/attachments/${id}`;

const ROW_COLUMNS =
  'id, room_id AS roomId, uploader_id AS uploaderId, message_id AS messageId, name, size, ' +
  'content_type AS contentType, sha256 AS etag, storage_key AS storageKey, created_at AS createdAt, ' +
  'attached_at AS attachedAt';

type Raw = Record<string, unknown>;

/** The SQL of attachments (EXTENSIONS.md §7); rows are only ever changed by conditional statements. */
@Injectable()
export class AttachmentsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get sqlite(): boolean {
    return this.dataSource.options.type === 'better-sqlite3';
  }

  /** A date as a parameter: SQLite stores TypeORM's UTC text, MySQL takes the Date. */
  date(value: Date): Date | string {
    return this.sqlite ? DateUtils.mixedDateToUtcDatetimeString(value) : value;
  }

  private hydrate(value: unknown): Date | null {
    if (value === null || value === undefined) return null;
    if (value instanceof Date) return value;
    const text = String(value);
    return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`);
  }

  private toRow(r: Raw): AttachmentRow {
    return {
      id: Number(r.id),
      roomId: r.roomId === null ? null : Number(r.roomId),
      uploaderId: r.uploaderId === null ? null : Number(r.uploaderId),
      messageId: r.messageId === null ? null : Number(r.messageId),
      name: String(r.name),
      size: Number(r.size),
      contentType: String(r.contentType),
      etag: String(r.etag),
      storageKey: String(r.storageKey),
      createdAt: this.hydrate(r.createdAt)!,
      attachedAt: this.hydrate(r.attachedAt),
    };
  }

  private async run(sql: string, params: unknown[]): Promise<{ affected: number; insertId: number }> {
    const runner = this.dataSource.createQueryRunner();
    try {
      const result = await runner.query(sql, params, true);
      const raw = result.raw as { insertId?: number | string } | number | undefined;
      const insertId = typeof raw === 'object' ? Number(raw?.insertId ?? 0) : Number(raw ?? 0);
      return { affected: result.affected ?? 0, insertId };
    } finally {
      await runner.release();
    }
  }

  async insert(a: NewAttachment): Promise<number> {
    const { insertId } = await this.run(
      'INSERT INTO attachments (room_id, uploader_id, storage_key, name, size, content_type, sha256, created_at) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [a.roomId, a.uploaderId, a.storageKey, a.name, a.size, a.contentType, a.etag, this.date(a.createdAt)],
    );
    if (!Number.isSafeInteger(insertId) || insertId <= 0)
      throw new Error('INSERT of an attachment gave no id');
    return insertId;
  }

  /** A live attachment (not claimed by the cleanup), or null. */
  async find(id: number): Promise<AttachmentRow | null> {
    const rows: Raw[] = await this.dataSource.query(
      `SELECT ${ROW_COLUMNS} FROM attachments WHERE id = ? AND discarded_at IS NULL`,
      [id],
    );
    return rows.length ? this.toRow(rows[0]) : null;
  }

  /**
   * Those of `ids` that `uploaderId` uploaded to `roomId`, not attached, not claimed by the
   * cleanup, uploaded at or after `notBefore`: what a send may attach.
   */
  async attachable(
    ids: readonly number[],
    uploaderId: number,
    roomId: number,
    notBefore: Date,
  ): Promise<AttachmentRow[]> {
    const rows: Raw[] = await this.dataSource.query(
      `SELECT ${ROW_COLUMNS} FROM attachments WHERE id IN (${ids.map(() => '?').join(', ')}) ` +
        'AND uploader_id = ? AND room_id = ? AND attached_at IS NULL AND discarded_at IS NULL AND created_at >= ?',
      [...ids, uploaderId, roomId, this.date(notBefore)],
    );
    return rows.map((r) => this.toRow(r));
  }

  /**
   * The statement that attaches `ids` (in this order) to `messageId`, for the send's transaction
   * script: it must change exactly `ids.length` rows, else another send (or the cleanup) took
   * one of them first and the transaction rolls back.
   */
  attachStatement(
    messageId: number,
    ids: readonly number[],
    uploaderId: number,
    roomId: number,
    notBefore: Date,
    attachedAt: Date,
  ): Statement {
    return {
      sql:
        `UPDATE attachments SET message_id = ?, attached_at = ?, position = CASE id ${ids.map(() => 'WHEN ? THEN ?').join(' ')} END ` +
        `WHERE id IN (${ids.map(() => '?').join(', ')}) AND uploader_id = ? AND room_id = ? ` +
        'AND attached_at IS NULL AND discarded_at IS NULL AND created_at >= ?',
      params: [
        messageId,
        this.date(attachedAt),
        ...ids.flatMap((id, i) => [id, i]),
        ...ids,
        uploaderId,
        roomId,
        this.date(notBefore),
      ],
    };
  }

  /** The attachments of these messages, in their order: ONE query for a whole page. */
  async viewsOf(messageIds: readonly number[]): Promise<Map<number, AttachmentView[]>> {
    const views = new Map<number, AttachmentView[]>();
    if (!messageIds.length) return views;
    const rows: Raw[] = await this.dataSource.query(
      'SELECT id, message_id AS messageId, name, size, content_type AS contentType FROM attachments ' +
        `WHERE message_id IN (${messageIds.map(() => '?').join(', ')}) AND discarded_at IS NULL ` +
        'ORDER BY message_id, position',
      [...messageIds],
    );
    for (const r of rows) {
      const messageId = Number(r.messageId);
      const id = Number(r.id);
      const list = views.get(messageId) ?? [];
      list.push({
        id,
        name: String(r.name),
        size: Number(r.size),
        contentType: String(r.contentType),
        url: attachmentUrl(id),
      });
      views.set(messageId, list);
    }
    return views;
  }

  async countOf(messageId: number): Promise<number> {
    const rows: Raw[] = await this.dataSource.query(
      'SELECT COUNT(*) AS n FROM attachments WHERE message_id = ? AND discarded_at IS NULL',
      [messageId],
    );
    return Number(rows[0]?.n ?? 0);
  }

  // ---- cleanup ---------------------------------------------------------------------------------

  /**
   * Claims every garbage row (sets `discarded_at`): rows whose room is gone, attached rows whose
   * message is gone, uploads never attached whose uploader is gone or that are older than
   * `unattachedBefore`. Each claim is one conditional UPDATE over one index; a send attaching the
   * same upload either commits first (then the row is no garbage) or finds it claimed.
   */
  async claimGarbage(unattachedBefore: Date, now: Date): Promise<number> {
    const at = this.date(now);
    let claimed = 0;
    for (const [where, params] of [
      ['room_id IS NULL', []],
      ['message_id IS NULL AND attached_at IS NOT NULL', []],
      ['uploader_id IS NULL AND attached_at IS NULL', []],
      ['attached_at IS NULL AND created_at < ?', [this.date(unattachedBefore)]],
    ] as const)
      claimed += (
        await this.run(`UPDATE attachments SET discarded_at = ? WHERE ${where} AND discarded_at IS NULL`, [
          at,
          ...params,
        ])
      ).affected;
    return claimed;
  }

  /** Claimed rows whose files are to be deleted, oldest first. */
  async discarded(limit: number): Promise<Array<{ id: number; storageKey: string }>> {
    const rows: Raw[] = await this.dataSource.query(
      'SELECT id, storage_key AS storageKey FROM attachments WHERE discarded_at IS NOT NULL ORDER BY id LIMIT ?',
      [limit],
    );
    return rows.map((r) => ({ id: Number(r.id), storageKey: String(r.storageKey) }));
  }

  /** Removes a claimed row once its file is gone. */
  async remove(id: number): Promise<void> {
    await this.run('DELETE FROM attachments WHERE id = ? AND discarded_at IS NOT NULL', [id]);
  }
}
