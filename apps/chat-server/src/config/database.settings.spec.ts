import { join } from 'node:path';
import { databaseSettings } from './database.settings';
import { EnvReader } from './env-reader';
import { RuntimeSettings } from './runtime.settings';

const runtime: RuntimeSettings = {
  nodeEnv: 'test',
  dataDir: '/srv/chat',
  instanceId: 'i',
  shutdownTimeoutMs: 1000,
};

describe('databaseSettings', () => {
  const read = (env: Record<string, string>) => {
    const reader = new EnvReader(env);
    return { ...databaseSettings(reader, runtime), errors: reader.errors };
  };

  it('defaults to embedded SQLite in the data folder', () => {
    expect(read({}).database).toEqual({
      kind: 'sqlite',
      path: join('/srv/chat', 'chat.sqlite'),
      synchronous: 'FULL',
      queryTimeoutMs: 5000,
    });
  });

  it('reads the query timeout and the SQLite sync mode, and refuses other values', () => {
    expect(read({ DB_QUERY_TIMEOUT_MS: '250', SQLITE_SYNCHRONOUS: 'normal' }).database).toEqual(
      expect.objectContaining({ synchronous: 'NORMAL', queryTimeoutMs: 250 }),
    );
    expect(read({ DB_QUERY_TIMEOUT_MS: '0', SQLITE_SYNCHRONOUS: 'OFF' }).errors).toEqual([
      'DB_QUERY_TIMEOUT_MS must be between 100 and 600000 (got 0)',
      'SQLITE_SYNCHRONOUS must be FULL or NORMAL (got "OFF")',
    ]);
  });

  it('reads mysql:// and mariadb:// urls with a bounded pool size', () => {
    expect(read({ DATABASE_URL: 'mysql://u@h/db', DB_POOL_SIZE: '20' }).database).toEqual({
      kind: 'mysql',
      url: 'mysql://u@h/db',
      poolSize: 20,
      queryTimeoutMs: 5000,
    });
    expect(read({ DATABASE_URL: 'mariadb://u@h/db', DB_POOL_SIZE: '500' }).errors).toEqual([
      'DB_POOL_SIZE must be between 1 and 200 (got 500)',
    ]);
  });

  it('reads sqlite: paths, in memory included', () => {
    expect(read({ DATABASE_URL: 'sqlite::memory:' }).database).toEqual(
      expect.objectContaining({ kind: 'sqlite', path: ':memory:' }),
    );
    expect(read({ DATABASE_URL: 'sqlite:///tmp/x.sqlite' }).database).toEqual(
      expect.objectContaining({ kind: 'sqlite', path: '/tmp/x.sqlite' }),
    );
  });

  it('rejects other schemes', () => {
    expect(read({ DATABASE_URL: 'postgres://h/db' }).errors).toEqual([
      'DATABASE_URL must start with mysql://, mariadb:// or sqlite:',
    ]);
  });
});
