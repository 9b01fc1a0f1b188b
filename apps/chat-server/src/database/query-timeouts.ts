import type { DataSource } from 'typeorm';

/** The error a request gets when no pooled connection frees up in time (mapped to 503). */
export const POOL_ACQUIRE_TIMEOUT = 'POOL_ACQUIRE_TIMEOUT';
/** mysql2's code for a query that timed out (mapped to 503). */
export const QUERY_TIMEOUT = 'PROTOCOL_SEQUENCE_TIMEOUT';

type Callback = (err: Error | null, ...rest: unknown[]) => void;

/** The parts of a mysql2 pool connection used here. */
interface PooledConnection {
  query(...args: unknown[]): unknown;
  release(): void;
  stream?: { destroy(): void };
}

/** The parts of a mysql2 pool used here. */
interface Pool {
  getConnection(cb: (err: Error | null, connection?: PooledConnection) => void): void;
}

const BOUND = Symbol('queryTimeoutBound');

/**
 * Bounds every wait on MySQL/MariaDB (the pool of `dataSource`), so a database that accepts
 * connections and then never answers (a black hole: a hung server, a dropped route, a full
 * firewall table) turns into errors the app answers with 503 instead of requests and STOMP sends
 * that hang until TCP gives up:
 *
 * - a request waits at most `timeoutMs` for a pooled connection (mysql2's pool queues forever;
 *   a connection that frees up afterwards goes straight back to the pool);
 * - each query runs at most `timeoutMs` (mysql2's per-query `timeout`, which TypeORM only sets
 *   when the slow-query threshold doubles as the timeout);
 * - a connection whose query timed out is dropped: it is stuck behind the unanswered query, and
 *   anything queued on it (the transaction's ROLLBACK) fails at once instead of waiting too.
 *
 * Installed after the migrations ran (they, and their advisory lock, may legitimately take minutes).
 * SQLite needs none of this: its statements run synchronously, and the one wait, a lock held by
 * another process, is bounded by `busy_timeout` (data-source-options.ts).
 */
export function boundMysqlWaits(dataSource: DataSource, timeoutMs: number): void {
  const pool = (dataSource.driver as unknown as { pool?: Pool }).pool;
  if (!pool || (pool as unknown as Record<symbol, boolean>)[BOUND]) return;
  (pool as unknown as Record<symbol, boolean>)[BOUND] = true;
  const getConnection = pool.getConnection.bind(pool);
  pool.getConnection = (cb) => {
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      cb(
        Object.assign(new Error(`No database connection became free within ${timeoutMs} ms`), {
          code: POOL_ACQUIRE_TIMEOUT,
        }),
      );
    }, timeoutMs);
    getConnection((err, connection) => {
      if (settled) {
        connection?.release();
        return;
      }
      settled = true;
      clearTimeout(timer);
      if (err || !connection) return cb(err ?? new Error('No connection'));
      bindQueryTimeout(connection, timeoutMs);
      cb(null, connection);
    });
  };
}

function bindQueryTimeout(connection: PooledConnection, timeoutMs: number): void {
  const marked = connection as unknown as Record<symbol, boolean>;
  if (marked[BOUND]) return;
  marked[BOUND] = true;
  const query = connection.query.bind(connection);
  connection.query = (...args: unknown[]) => {
    const last = args.length - 1;
    const cb = args[last];
    // Only callback-style calls (how TypeORM queries) are bounded; streams keep their own pace.
    if (typeof cb !== 'function' || last < 1) return query(...args);
    const sql = args[0];
    const options =
      typeof sql === 'string'
        ? { sql, timeout: timeoutMs }
        : { timeout: timeoutMs, ...(sql as Record<string, unknown>) };
    let answered = false;
    const once: Callback = (err, ...rest) => {
      // mysql2 reports a timed-out query, then again "connection lost" once it is dropped below.
      if (answered) return;
      answered = true;
      if (err && (err as { code?: string }).code === QUERY_TIMEOUT) connection.stream?.destroy();
      (cb as Callback)(err, ...rest);
    };
    return query(options, ...args.slice(1, last), once);
  };
}
