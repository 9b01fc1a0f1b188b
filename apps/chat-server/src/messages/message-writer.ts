import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { isForeignKeyViolation, isUniqueViolation } from '../common/filters/all-exceptions.filter';
import { ReadStateRepository, WrittenMessage } from '../read-state/read-state.repository';
import { MessagesRepository, NewMessage } from './messages.repository';

/** The most rows one multi-row INSERT carries. */
export const MAX_BATCH_ROWS = 500;

interface Pending {
  message: NewMessage;
  resolve: (id: number) => void;
  reject: (err: unknown) => void;
}

/**
 * Writes new messages, batching concurrent sends: a send that arrives while an INSERT is in
 * flight waits for it and is written with the other waiting sends in ONE multi-row INSERT (at
 * most MAX_BATCH_ROWS rows), in arrival order. A lone send is written at once (no timer, no
 * added latency when idle). Every caller's promise settles only after its row is committed
 * (autocommit statement), so a RECEIPT or a broadcast never precedes the commit.
 *
 * Ids: the rows of one multi-row INSERT get consecutive ids in VALUES order when the database
 * guarantees it: SQLite (one writer, rowid = max + 1 per row; the driver reports the last id) and
 * MySQL/MariaDB with `innodb_autoinc_lock_mode` 0 or 1 (consecutive for "simple inserts"; the
 * driver reports the first id) and a known `auto_increment_increment`. Otherwise (mode 2, or the
 * settings cannot be read, or the reported row count is off) batching is off: one INSERT per send.
 *
 * Errors: a unique (clientMessageId) or foreign-key violation inside a batch rolls that statement
 * back as a whole; its rows are then written one by one so that each caller gets exactly the
 * outcome of a lone send (replay, 404...). Any other error (connection lost...) rejects every
 * caller of the batch with that same error, which the exception filter maps (503).
 *
 * Read state: once a batch is committed, the senders' read markers move to their messages (ONE
 * UPDATE per batch) and the mentions are stored (ONE INSERT per batch, only when some message
 * mentions someone). That runs on another connection while the next batch's INSERT is in flight;
 * callers are still settled batch after batch, each once its batch's follow-up is done.
 */
@Injectable()
export class MessageWriter {
  private readonly queue: Pending[] = [];
  private writing = false;
  /** null: not probed yet; 0: batching off; otherwise the id step between consecutive rows. */
  private idStep: number | null = null;
  /** Settles batches in order although their read-state follow-ups run concurrently. */
  private settled: Promise<void> = Promise.resolve();
  private readonly logger = new Logger(MessageWriter.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly messages: MessagesRepository,
    private readonly readState: ReadStateRepository,
  ) {}

  /** Persists one message; resolves with its id once committed. */
  write(message: NewMessage): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.queue.push({ message, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  /**
   * One INSERT in flight at a time, in queue order. Pipelined: when a statement completes and
   * more sends are queued, the next INSERT is dispatched first and only then (on the next turn of
   * the event loop, once the query is on the wire) are the completed batch's callers resolved, so
   * the database works on batch N+1 while the broadcasts and RECEIPTs of batch N are written.
   * Batches are still settled in order (N before N+1), and every caller after its own commit.
   */
  private async drain(): Promise<void> {
    this.writing = true;
    let settlePrevious: (() => void) | undefined;
    try {
      while (this.queue.length) {
        const running = this.flush(this.queue.splice(0, MAX_BATCH_ROWS));
        if (settlePrevious) {
          const settle = settlePrevious;
          settlePrevious = undefined;
          await new Promise<void>((resolve) => setImmediate(resolve));
          settle();
        }
        settlePrevious = await running;
      }
    } finally {
      this.writing = false;
      settlePrevious?.();
    }
  }

  /** Writes a batch; resolves (never rejects) with what settles its callers. */
  private async flush(batch: Pending[]): Promise<() => void> {
    const step = this.idStep ?? (await this.batchIdStep());
    if (batch.length > 1 && step > 0) {
      let ids: number[] | null;
      try {
        ids = await this.insertMany(batch.map((p) => p.message));
      } catch (err) {
        if (!isUniqueViolation(err) && !isForeignKeyViolation(err))
          return () => {
            for (const p of batch) p.reject(err);
          };
        ids = null; // the statement was rolled back as a whole: write the rows one by one
      }
      if (ids) {
        const written = ids;
        return this.afterInsert(
          batch.map((p, i) => ({ ...p.message, id: written[i] })),
          () => batch.forEach((p, i) => p.resolve(written[i])),
        );
      }
    }
    const outcomes: Array<{ id: number } | { err: unknown }> = [];
    for (const p of batch) {
      try {
        outcomes.push({ id: await this.messages.insert(p.message) });
      } catch (err) {
        outcomes.push({ err });
      }
    }
    const written: WrittenMessage[] = [];
    batch.forEach((p, i) => {
      const outcome = outcomes[i];
      if ('id' in outcome) written.push({ ...p.message, id: outcome.id });
    });
    return this.afterInsert(written, () =>
      batch.forEach((p, i) => {
        const outcome = outcomes[i];
        if ('id' in outcome) p.resolve(outcome.id);
        else p.reject(outcome.err);
      }),
    );
  }

  /**
   * Starts the batch's read-state follow-up now; the returned settle waits for it (and for the
   * previous batch's settle). A failed follow-up is logged: the messages are committed, so their
   * senders still get their ids (a marker or mention lost to an outage is not worth a resend).
   */
  private afterInsert(written: WrittenMessage[], settle: () => void): () => void {
    const followUp = written.length
      ? this.readState
          .afterInsert(written)
          .catch((err) =>
            this.logger.error({ err, messages: written.length }, 'Read state of sends not stored'),
          )
      : Promise.resolve();
    return () => {
      this.settled = this.settled.then(() => followUp).then(settle);
    };
  }

  /**
   * One multi-row INSERT (one autocommit statement: all rows or none); the ids in VALUES order.
   * Throws the database error as is. If the driver's report is not what a successful INSERT of
   * these rows gives (row count off, no id), the rows may be committed under unknown ids: the
   * callers get an error (a retry with the same clientMessageId replays the stored message) and
   * batching is switched off for good.
   */
  private async insertMany(rows: NewMessage[]): Promise<number[]> {
    const result = await this.messages.insertRows(rows);
    const step = this.idStep ?? 0;
    if (this.mysql) {
      const raw = result.raw as { insertId?: number | string; affectedRows?: number } | undefined;
      const first = Number(raw?.insertId);
      if (raw?.affectedRows !== rows.length || !Number.isSafeInteger(first) || first <= 0 || step < 1)
        return this.untrusted(rows.length, raw);
      return rows.map((_, i) => first + i * step);
    }
    // better-sqlite3 reports the rows changed and the last rowid of the statement.
    const last = Number(result.raw);
    if (result.affected !== rows.length || !Number.isSafeInteger(last) || last < rows.length)
      return this.untrusted(rows.length, result.raw);
    return rows.map((_, i) => last - (rows.length - 1 - i));
  }

  private untrusted(count: number, raw: unknown): never {
    this.idStep = 0;
    throw new Error(
      `Multi-row insert of ${count} messages reported ${JSON.stringify(raw)}: ids cannot be trusted, batching switched off`,
    );
  }

  private get mysql(): boolean {
    const type = this.dataSource.options.type;
    return type === 'mysql' || type === 'mariadb';
  }

  /** Whether (and with which id step) multi-row INSERTs return trustworthy consecutive ids. */
  private async batchIdStep(): Promise<number> {
    if (this.idStep !== null) return this.idStep;
    const type = this.dataSource.options.type;
    if (type === 'better-sqlite3' || type === 'sqlite') {
      this.idStep = 1;
    } else if (this.mysql) {
      try {
        const rows: Array<{ mode: number | string; step: number | string }> = await this.dataSource.query(
          'SELECT @@innodb_autoinc_lock_mode AS mode, @@auto_increment_increment AS step',
        );
        const mode = Number(rows[0]?.mode);
        const step = Number(rows[0]?.step);
        this.idStep = (mode === 0 || mode === 1) && Number.isSafeInteger(step) && step >= 1 ? step : 0;
      } catch {
        return 0; // probe again next time; write one by one meanwhile
      }
    } else {
      this.idStep = 0;
    }
    return this.idStep;
  }
}
