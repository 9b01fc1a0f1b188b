import 'reflect-metadata';
import { StompBroker } from '@app/stomp';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { AppSettings, ConfigError, loadSettings } from './config/app-config';
import { createApp } from './bootstrap';
import { armShutdownDeadline } from './lifecycle/shutdown.service';
import { createAppLogger, describeDatabase, rootLogger } from './logging/app-logger';

/**
 * The error fields worth a log line: message and code. A refusal with a code (a database driver's
 * `ER_ACCESS_DENIED_ERROR`, a system `ECONNREFUSED`) says all there is to say; an error without
 * one is a bug, and keeps its stack.
 */
function errorSummary(err: unknown): { message: string; code?: string; stack?: string } {
  const e = err as { message?: string; code?: string; driverError?: { code?: string }; stack?: string };
  const code = e?.code ?? e?.driverError?.code;
  return { message: e?.message ?? String(err), code, ...(code ? {} : { stack: e?.stack }) };
}

/** Startup facts an operator looks for first: which database, where the development secret is. */
function logStartup(settings: AppSettings): void {
  const log = rootLogger();
  const database = describeDatabase(settings.database);
  log.info(
    { database, ...(settings.database.kind === 'mysql' ? { poolSize: settings.database.poolSize } : {}) },
    `Database: ${database} (migrations applied at startup)`,
  );
  if (!process.env.JWT_SECRET?.trim()) {
    const file = join(settings.dataDir, 'jwt-secret');
    log.info({ secretFile: file }, `JWT secret: generated for development, kept in ${file}`);
  }
}

/** SIGTERM/SIGINT: close the app (Nest's shutdown hooks), log what was closed and how long it took. */
function handleSignals(app: NestFastifyApplication, settings: AppSettings): void {
  let closing = false;
  const shutdown = async (signal: NodeJS.Signals): Promise<void> => {
    if (closing) return;
    closing = true;
    const started = performance.now();
    const stompSessions = app.get(StompBroker, { strict: false }).stats().sessions;
    try {
      // NestApplicationContext.close(signal) hands the signal to the shutdown hooks; the
      // INestApplication interface does not declare the parameter.
      await (app as unknown as { close(signal?: string): Promise<void> }).close(signal);
    } catch (err) {
      rootLogger().error({ error: errorSummary(err), signal }, 'Shutdown failed');
      process.exit(1);
    }
    const durationMs = Math.round(performance.now() - started);
    const closed = {
      http: true,
      stompSessions,
      database: describeDatabase(settings.database),
      redis: settings.redisUrl !== undefined,
    };
    rootLogger().info(
      { signal, durationMs, closed },
      `Shutdown complete in ${durationMs} ms: HTTP server, ${stompSessions} STOMP session(s), ` +
        `database${closed.redis ? ', Redis' : ''} closed`,
    );
    process.exit(0);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void shutdown(signal));
}

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  let settings: AppSettings;
  try {
    settings = loadSettings(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      // No settings, so no configured logger: the same JSON shape from a bare pino logger.
      pino({ base: { pid: process.pid, hostname: hostname() } }).fatal(
        `Invalid configuration: ${err.message}`,
      );
      process.exit(1);
    }
    throw err;
  }
  createAppLogger(settings);
  let app: NestFastifyApplication;
  try {
    app = await createApp(settings);
  } catch (err) {
    rootLogger().fatal(
      { error: errorSummary(err), database: describeDatabase(settings.database) },
      `Startup failed: ${errorSummary(err).message}`,
    );
    process.exit(1);
  }
  logStartup(settings);
  const timeoutMs = settings.shutdownTimeoutMs;
  armShutdownDeadline(timeoutMs, (signal) => {
    rootLogger().error(
      { signal, timeoutMs },
      `Graceful shutdown after ${signal} exceeded ${timeoutMs} ms: exiting with 1`,
    );
    process.exit(1);
  });
  handleSignals(app, settings);
  await app.listen(settings.port, settings.host);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : settings.port;
  rootLogger().info({ port }, `Listening on ${settings.host}:${port}`);
}

main().catch((err) => {
  console.error('Startup failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
