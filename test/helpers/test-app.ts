import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { createApp } from '../../apps/chat-server/src/bootstrap';
import { AppSettings, loadSettings } from '../../apps/chat-server/src/config/app-config';
import { GENEROUS_LIMITS } from './generous-limits';

export { GENEROUS_LIMITS };

export const ADMIN = { username: 'admin', password: 'admin-password-1', email: 'admin@example.com' };
export const TEST_JWT_SECRET = 'e2e-test-secret-that-is-long-enough-0123456789';

export interface TestApp {
  app: NestFastifyApplication;
  url: string;
  port: number;
  settings: AppSettings;
  databaseUrl: string;
  close(): Promise<void>;
}

let counter = 0;

/**
 * A fresh database for one test file: a new MariaDB/MySQL database when TEST_DATABASE_URL is
 * set (dropped afterwards), else an SQLite file in a temp folder.
 */
export async function freshDatabase(): Promise<{ url: string; drop(): Promise<void>; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'chat-e2e-'));
  const base = process.env.TEST_DATABASE_URL;
  if (!base) {
    return {
      url: `sqlite:${join(dataDir, 'chat.sqlite')}`,
      dataDir,
      drop: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const server = new URL(base.replace(/^mariadb:/, 'mysql:'));
  const name = `chat_e2e_${process.pid}_${++counter}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = await createConnection({
    host: server.hostname,
    port: Number(server.port || 3306),
    user: decodeURIComponent(server.username),
    password: decodeURIComponent(server.password),
  });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  server.pathname = `/${name}`;
  return {
    url: server.toString(),
    dataDir,
    drop: async () => {
      const c = await createConnection({
        host: server.hostname,
        port: Number(server.port || 3306),
        user: decodeURIComponent(server.username),
        password: decodeURIComponent(server.password),
      });
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The test environment of the server; `env` overrides it (e.g. short heart-beats, a REDIS_URL). */
export function testSettings(
  databaseUrl: string,
  dataDir: string,
  env: Record<string, string> = {},
): AppSettings {
  return loadSettings({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    JWT_SECRET: TEST_JWT_SECRET,
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
    ADMIN_EMAIL: ADMIN.email,
    // Cheaper hashing keeps the suite fast; production uses OWASP's parameters.
    ARGON2_MEMORY_KIB: '1024',
    ARGON2_TIME_COST: '1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    LOGIN_MAX_FAILURES: '1000',
    LOGIN_MAX_FAILURES_PER_IP: '100000',
    ...GENEROUS_LIMITS,
    // Tests prove nothing about power loss: commits skip the fsync (the default FULL costs ~2 ms
    // each on a shared disk). faults-database-timeout checks the default itself.
    SQLITE_SYNCHRONOUS: 'NORMAL',
    // Every test client is 127.0.0.1, and the load specs open hundreds of sockets: the per-address
    // cap (256 by default) is set by the specs that test it (load-connections).
    HTTP_MAX_CONNECTIONS_PER_IP: '100000',
    ...env,
  });
}

export interface StartOptions {
  /** Runs after the app is built and before it listens (e.g. to hook Fastify's onRoute). */
  beforeListen?: (app: NestFastifyApplication) => void | Promise<void>;
  /** Listen on this port instead of a free one (a restart at the address clients already use). */
  port?: number;
}

/**
 * Starts the real server on a loopback port against a fresh database, or against `database` when
 * given (then it is not dropped on close: its owner drops it).
 */
export async function startTestApp(
  env: Record<string, string> = {},
  database?: { url: string; dataDir: string },
  options: StartOptions = {},
): Promise<TestApp> {
  const db = database ? { ...database, drop: async () => undefined } : await freshDatabase();
  const settings = testSettings(db.url, db.dataDir, env);
  const app = await createApp(settings);
  await options.beforeListen?.(app);
  await app.listen(options.port ?? 0, '127.0.0.1');
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    port,
    settings,
    databaseUrl: db.url,
    close: async () => {
      await app.close();
      await db.drop();
    },
  };
}

/** Records every (method, url) Fastify maps while the app starts: pass it as `beforeListen`. */
export function recordRoutes(into: (method: string, url: string) => void) {
  return (app: NestFastifyApplication): void => {
    app
      .getHttpAdapter()
      .getInstance()
      .addHook('onRoute', (route) => {
        for (const method of [route.method].flat()) into(String(method), route.url);
      });
  };
}
