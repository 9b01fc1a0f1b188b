import { join, resolve } from 'node:path';
import { EnvReader } from './env-reader';
import { RuntimeSettings } from './runtime.settings';

export type DatabaseKind = 'mysql' | 'sqlite';

/**
 * SQLite's `synchronous` pragma in WAL mode: FULL syncs the WAL on every commit (a commit survives
 * a power loss or an OS crash), NORMAL only at checkpoints (a commit survives a process crash; the
 * last ones may roll back on power loss). docs/RELIABILITY.md argues the default.
 */
export type SqliteSynchronous = 'FULL' | 'NORMAL';

export interface DatabaseSettings {
  /** MySQL/MariaDB from DATABASE_URL, else embedded SQLite in the data folder. */
  database:
    | { kind: 'mysql'; url: string; poolSize: number; queryTimeoutMs: number }
    | { kind: 'sqlite'; path: string; synchronous: SqliteSynchronous; queryTimeoutMs: number };
}

export function databaseSettings(env: EnvReader, { dataDir }: RuntimeSettings): DatabaseSettings {
  const url = env.text('DATABASE_URL');
  // MySQL/MariaDB: the longest a query may run and a request may wait for a pooled connection.
  // SQLite: the longest a statement waits for a lock another process holds (busy_timeout).
  const queryTimeoutMs = env.int('DB_QUERY_TIMEOUT_MS', 5000, 100, 600_000);
  const sqlite = (path: string) => ({
    kind: 'sqlite' as const,
    path,
    synchronous: sqliteSynchronous(env),
    queryTimeoutMs,
  });
  const embedded = () => sqlite(join(dataDir, 'chat.sqlite'));
  if (!url) return { database: embedded() };
  if (/^(mysql|mariadb):\/\//.test(url)) {
    const poolSize = env.int('DB_POOL_SIZE', 10, 1, 200);
    return {
      database: { kind: 'mysql', url: url.replace(/^mariadb:/, 'mysql:'), poolSize, queryTimeoutMs },
    };
  }
  if (/^sqlite:/.test(url)) {
    const path = url.replace(/^sqlite:(\/\/)?/, '');
    return { database: sqlite(path === ':memory:' ? path : resolve(path)) };
  }
  env.fail('DATABASE_URL must start with mysql://, mariadb:// or sqlite:');
  return { database: embedded() };
}

function sqliteSynchronous(env: EnvReader): SqliteSynchronous {
  const raw = (env.text('SQLITE_SYNCHRONOUS') ?? 'FULL').toUpperCase();
  if (raw === 'FULL' || raw === 'NORMAL') return raw;
  env.fail(`SQLITE_SYNCHRONOUS must be FULL or NORMAL (got "${env.raw('SQLITE_SYNCHRONOUS')}")`);
  return 'FULL';
}
