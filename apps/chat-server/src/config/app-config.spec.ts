import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadSettings, parseDuration } from './app-config';

describe('loadSettings', () => {
  const dataDir = () => mkdtempSync(join(tmpdir(), 'cfg-'));

  it('defaults to port 8080 and embedded SQLite in the data folder', () => {
    const dir = dataDir();
    const s = loadSettings({ DATA_DIR: dir });
    expect(s.port).toBe(8080);
    expect(s.database).toEqual({
      kind: 'sqlite',
      path: join(dir, 'chat.sqlite'),
      synchronous: 'FULL',
      queryTimeoutMs: 5000,
    });
    expect(s.jwt.expiresInSeconds).toBe(86400);
  });

  it('keeps a generated development secret in the data folder so tokens survive restarts', () => {
    const dir = dataDir();
    const first = loadSettings({ DATA_DIR: dir }).jwt.secret;
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(loadSettings({ DATA_DIR: dir }).jwt.secret).toBe(first);
    expect(readFileSync(join(dir, 'jwt-secret'), 'utf8')).toBe(first);
  });

  it('stops production startup without a strong JWT_SECRET, with a clear message', () => {
    expect(() => loadSettings({ NODE_ENV: 'production', DATA_DIR: dataDir() })).toThrow(
      /JWT_SECRET is required in production/,
    );
    expect(() => loadSettings({ NODE_ENV: 'production', JWT_SECRET: 'short', DATA_DIR: dataDir() })).toThrow(
      /at least 32/,
    );
    expect(
      loadSettings({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), DATA_DIR: dataDir() }).nodeEnv,
    ).toBe('production');
  });

  it('reads a MySQL/MariaDB url and rejects other schemes', () => {
    const s = loadSettings({
      DATABASE_URL: 'mariadb://root@127.0.0.1:3306/chat',
      JWT_SECRET: 'x'.repeat(32),
    });
    expect(s.database).toEqual({
      kind: 'mysql',
      url: 'mysql://root@127.0.0.1:3306/chat',
      poolSize: 10,
      queryTimeoutMs: 5000,
    });
    expect(() => loadSettings({ DATABASE_URL: 'postgres://x', JWT_SECRET: 'x'.repeat(32) })).toThrow(
      ConfigError,
    );
  });

  it('lists every invalid variable at once', () => {
    let message = '';
    try {
      loadSettings({
        PORT: 'eighty',
        LOG_LEVEL: 'loud',
        JWT_EXPIRES_IN: 'forever',
        JWT_SECRET: 'x'.repeat(32),
      });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/PORT/);
    expect(message).toMatch(/LOG_LEVEL/);
    expect(message).toMatch(/JWT_EXPIRES_IN/);
  });

  it('needs ADMIN_USERNAME and ADMIN_PASSWORD together', () => {
    expect(() => loadSettings({ ADMIN_USERNAME: 'root', JWT_SECRET: 'x'.repeat(32) })).toThrow(/go together/);
  });
});

describe('parseDuration', () => {
  it.each([
    ['3600', 3600],
    ['60s', 60],
    ['15m', 900],
    ['24h', 86400],
    ['7d', 604800],
  ])('%s -> %d s', (raw, seconds) => expect(parseDuration(raw)).toBe(seconds));
  it('rejects nonsense', () => expect(parseDuration('1w')).toBeUndefined());
});
