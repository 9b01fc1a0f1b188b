import { Injectable } from '@nestjs/common';
import { AbuseSettings, abuseSettings } from './abuse.settings';
import { AuthSettings, authSettings } from './auth.settings';
import { DatabaseSettings, databaseSettings } from './database.settings';
import { Env, EnvReader } from './env-reader';
import { HttpSettings, httpSettings } from './http.settings';
import { LoggingSettings, loggingSettings } from './logging.settings';
import { OpsSettings, opsSettings } from './ops.settings';
import { RedisSettings, redisSettings } from './redis.settings';
import { RuntimeSettings, runtimeSettings } from './runtime.settings';
import { StompSettings, stompSettings } from './stomp.settings';

export { parseDuration } from './env-reader';
export type { DatabaseKind } from './database.settings';
export type { NodeEnv } from './runtime.settings';

/**
 * The validated, typed configuration of the server, built once from the environment: the
 * settings of every feature side by side (each `*.settings.ts` in this folder reads its own).
 */
export type AppSettings = RuntimeSettings &
  HttpSettings &
  DatabaseSettings &
  AuthSettings &
  RedisSettings &
  LoggingSettings &
  StompSettings &
  AbuseSettings &
  OpsSettings;

export class ConfigError extends Error {}

/**
 * Validates the environment and returns typed settings, or throws a ConfigError listing every
 * problem of every feature at once (startup fails fast with a clear message).
 */
export function loadSettings(env: Env = process.env): AppSettings {
  const reader = new EnvReader(env);
  const runtime = runtimeSettings(reader);
  const http = httpSettings(reader);
  const settings: AppSettings = {
    ...runtime,
    ...http,
    ...databaseSettings(reader, runtime),
    ...authSettings(reader, runtime),
    ...redisSettings(reader),
    ...loggingSettings(reader, runtime),
    ...stompSettings(reader),
    ...abuseSettings(reader),
    ...opsSettings(reader, runtime, http),
  };
  if (reader.errors.length)
    throw new ConfigError(`Invalid configuration:\n  - ${reader.errors.join('\n  - ')}`);
  return settings;
}

/** Injectable typed access to the settings; the one place that reads the environment. */
@Injectable()
export class AppConfig {
  constructor(readonly settings: AppSettings) {}
}
