import { join, resolve } from 'node:path';
import { EnvReader } from './env-reader';
import { RuntimeSettings } from './runtime.settings';

export type DatabaseKind = 'mysql' | 'sqlite';

export interface DatabaseSettings {
  /** MySQL/MariaDB from DATABASE_URL, else embedded SQLite in the data folder. */
  database: { kind: 'mysql'; url: string; poolSize: number } | { kind: 'sqlite'; path: string };
}

export function databaseSettings(env: EnvReader, { dataDir }: RuntimeSettings): DatabaseSettings {
  const url = env.text('DATABASE_URL');
  const embedded = { kind: 'sqlite' as const, path: join(dataDir, 'chat.sqlite') };
  if (!url) return { database: embedded };
  if (/^(mysql|mariadb):\/\//.test(url)) {
    const poolSize = env.int('DB_POOL_SIZE', 10, 1, 200);
    return { database: { kind: 'mysql', url: url.replace(/^mariadb:/, 'mysql:'), poolSize } };
  }
  if (/^sqlite:/.test(url)) {
    const path = url.replace(/^sqlite:(\/\/)?/, '');
    return { database: { kind: 'sqlite', path: path === ':memory:' ? path : resolve(path) } };
  }
  env.fail('DATABASE_URL must start with mysql://, mariadb:// or sqlite:');
  return { database: embedded };
}
