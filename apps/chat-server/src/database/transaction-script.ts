import { DataSource, QueryFailedError } from 'typeorm';

/** One statement of a transaction script, and what it gave. */
export interface Statement {
  sql: string;
  params: unknown[];
}
export interface StatementResult {
  rows: Array<Record<string, unknown>>;
  affected: number;
  insertId: number;
}

/**
 * A transaction written once as a generator that yields its statements: `const r = yield {sql,
 * params}`. Returning (or throwing) ends it: a return commits, a throw rolls back.
 */
export type TransactionScript<T> = Generator<Statement, T, StatementResult>;

const DEADLOCK_RETRIES = 3;

interface SqliteStatement {
  reader: boolean;
  all(...params: unknown[]): Array<Record<string, unknown>>;
  run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
}
interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  transaction<F extends () => unknown>(fn: F): F;
}

/**
 * Runs a short transaction script atomically on either database (use TransactionRunner.script,
 * which also keeps it out of other transactions on SQLite).
 *
 * MySQL/MariaDB: on its own pooled connection, in a transaction; a deadlock (InnoDB picked this
 * transaction as the victim) is retried from the start, at most 3 times.
 *
 * SQLite: synchronously on the one better-sqlite3 connection, inside `db.transaction`. Nothing
 * else can run on the connection meanwhile (no await between the statements), so the script can
 * neither interleave with the batched INSERTs of other sends nor roll them back.
 */
export async function runTransactionScript<T>(
  dataSource: DataSource,
  script: () => TransactionScript<T>,
): Promise<T> {
  const type = dataSource.options.type;
  if (type === 'better-sqlite3') return runOnSqlite(dataSource, script);
  for (let attempt = 1; ; attempt++) {
    try {
      return await runOnMysql(dataSource, script);
    } catch (err) {
      if (attempt >= DEADLOCK_RETRIES || !isDeadlock(err)) throw err;
    }
  }
}

function isDeadlock(err: unknown): boolean {
  const e = err as { driverError?: { code?: string }; code?: string };
  return (e?.driverError?.code ?? e?.code) === 'ER_LOCK_DEADLOCK';
}

async function runOnMysql<T>(dataSource: DataSource, script: () => TransactionScript<T>): Promise<T> {
  const runner = dataSource.createQueryRunner();
  try {
    await runner.startTransaction();
    try {
      const steps = script();
      let next = steps.next();
      while (!next.done) {
        const { sql, params } = next.value;
        const result = await runner.query(sql, params, true);
        const raw = result.raw as { insertId?: number | string } | undefined;
        next = steps.next({
          rows: Array.isArray(result.records) ? (result.records as Array<Record<string, unknown>>) : [],
          affected: result.affected ?? 0,
          insertId: Number(raw?.insertId ?? 0),
        });
      }
      await runner.commitTransaction();
      return next.value;
    } catch (err) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw err;
    }
  } finally {
    await runner.release();
  }
}

function runOnSqlite<T>(dataSource: DataSource, script: () => TransactionScript<T>): T {
  const db = (dataSource.driver as unknown as { databaseConnection: SqliteDatabase }).databaseConnection;
  return db.transaction(() => {
    const steps = script();
    let next = steps.next();
    while (!next.done) {
      const { sql, params } = next.value;
      const values = params.map((p) => (typeof p === 'boolean' ? Number(p) : p));
      let result: StatementResult;
      try {
        const statement = db.prepare(sql);
        if (statement.reader) {
          result = { rows: statement.all(...values), affected: 0, insertId: 0 };
        } else {
          const info = statement.run(...values);
          result = { rows: [], affected: info.changes, insertId: Number(info.lastInsertRowid) };
        }
      } catch (err) {
        // The same error type TypeORM raises, so isUniqueViolation & co. recognise it.
        throw new QueryFailedError(sql, values, err as Error);
      }
      next = steps.next(result);
    }
    return next.value;
  })();
}
