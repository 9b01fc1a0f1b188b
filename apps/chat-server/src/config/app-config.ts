import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export type NodeEnv = 'development' | 'production' | 'test';
export type DatabaseKind = 'mysql' | 'sqlite';

/** The validated, typed configuration of the server. Built once from the environment. */
export interface AppSettings {
  nodeEnv: NodeEnv;
  host: string;
  port: number;
  /** Trust X-Forwarded-For from a reverse proxy (client addresses for rate limits and logs). */
  trustProxy: boolean;
  dataDir: string;
  database: { kind: 'mysql'; url: string; poolSize: number } | { kind: 'sqlite'; path: string };
  jwt: { secret: string; expiresInSeconds: number };
  admin?: { username: string; password: string; email?: string };
  redisUrl?: string;
  /** Prefix of every Redis key and channel, so several deployments can share one Redis. */
  redisPrefix: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  logPretty: boolean;
  corsOrigins: string[] | true;
  bodyLimitBytes: number;
  loginRateLimit: { maxFailures: number; windowSeconds: number; maxFailuresPerIp: number };
  metricsToken?: string;
  /** argon2id cost; the defaults are OWASP's recommendation (19 MiB, 2 passes). */
  passwordHash: { memoryKib: number; timeCost: number };
  stomp: {
    heartbeatMs: number;
    maxFrameBytes: number;
    slowConsumerBytes: number;
    slowConsumerMs: number;
    connectTimeoutMs: number;
    maxSessionsPerIp: number;
  };
  shutdownTimeoutMs: number;
  instanceId: string;
}

export class ConfigError extends Error {}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const MIN_SECRET_LENGTH = 32;

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, def: number, min: number, max: number, errors: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return def;
  if (!/^\d+$/.test(raw.trim())) {
    errors.push(`${name} must be an integer (got "${raw}")`);
    return def;
  }
  const value = Number(raw);
  if (value < min || value > max) errors.push(`${name} must be between ${min} and ${max} (got ${value})`);
  return value;
}

/** Parses "3600", "60s", "15m", "24h" or "7d" into seconds. */
export function parseDuration(raw: string): number | undefined {
  const match = /^(\d+)\s*(s|m|h|d)?$/.exec(raw.trim());
  if (!match) return undefined;
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[(match[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

function developmentSecret(dataDir: string): string {
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) {
    const kept = readFileSync(file, 'utf8').trim();
    if (kept.length >= MIN_SECRET_LENGTH) return kept;
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/**
 * Validates the environment and returns typed settings, or throws a ConfigError listing every
 * problem at once (startup fails fast with a clear message).
 */
export function loadSettings(env: Env = process.env): AppSettings {
  const errors: string[] = [];
  const nodeEnvRaw = (env.NODE_ENV ?? 'development').trim();
  const nodeEnv: NodeEnv = nodeEnvRaw === 'production' || nodeEnvRaw === 'test' ? nodeEnvRaw : 'development';
  const dataDir = resolve(env.DATA_DIR ?? 'data');

  let database: AppSettings['database'];
  const url = env.DATABASE_URL?.trim();
  if (url) {
    if (/^(mysql|mariadb):\/\//.test(url)) {
      database = {
        kind: 'mysql',
        url: url.replace(/^mariadb:/, 'mysql:'),
        poolSize: int(env, 'DB_POOL_SIZE', 10, 1, 200, errors),
      };
    } else if (/^sqlite:/.test(url)) {
      const path = url.replace(/^sqlite:(\/\/)?/, '');
      database = { kind: 'sqlite', path: path === ':memory:' ? path : resolve(path) };
    } else {
      errors.push('DATABASE_URL must start with mysql://, mariadb:// or sqlite:');
      database = { kind: 'sqlite', path: join(dataDir, 'chat.sqlite') };
    }
  } else {
    database = { kind: 'sqlite', path: join(dataDir, 'chat.sqlite') };
  }

  let secret = env.JWT_SECRET?.trim() ?? '';
  if (nodeEnv === 'production') {
    if (!secret) errors.push('JWT_SECRET is required in production');
    else if (secret.length < MIN_SECRET_LENGTH)
      errors.push(`JWT_SECRET must be at least ${MIN_SECRET_LENGTH} characters in production`);
  } else if (!secret) {
    secret = developmentSecret(dataDir);
  } else if (secret.length < 16) {
    errors.push('JWT_SECRET must be at least 16 characters');
  }

  const expiresInSeconds = parseDuration(env.JWT_EXPIRES_IN ?? '24h');
  if (expiresInSeconds === undefined || expiresInSeconds < 1)
    errors.push('JWT_EXPIRES_IN must look like 3600, 60s, 15m, 24h or 7d');

  let admin: AppSettings['admin'];
  if (env.ADMIN_USERNAME || env.ADMIN_PASSWORD) {
    if (!env.ADMIN_USERNAME || !env.ADMIN_PASSWORD)
      errors.push('ADMIN_USERNAME and ADMIN_PASSWORD go together');
    else if (env.ADMIN_PASSWORD.length < 8) errors.push('ADMIN_PASSWORD must be at least 8 characters');
    else
      admin = {
        username: env.ADMIN_USERNAME,
        password: env.ADMIN_PASSWORD,
        email: env.ADMIN_EMAIL || undefined,
      };
  }

  const logLevel = (
    env.LOG_LEVEL ?? (nodeEnv === 'test' ? 'warn' : 'info')
  ).trim() as AppSettings['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) errors.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);

  const cors = (env.CORS_ORIGINS ?? '').trim();
  const corsOrigins: AppSettings['corsOrigins'] =
    cors === '*'
      ? true
      : cors === ''
        ? []
        : cors
            .split(',')
            .map((o) => o.trim())
            .filter(Boolean);

  const redisUrl = env.REDIS_URL?.trim() || undefined;
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl))
    errors.push('REDIS_URL must start with redis:// or rediss://');

  const settings: AppSettings = {
    nodeEnv,
    host: env.HOST?.trim() || '0.0.0.0',
    port: int(env, 'PORT', 8080, 0, 65535, errors),
    trustProxy: env.TRUST_PROXY === 'true' || env.TRUST_PROXY === '1',
    dataDir,
    database,
    jwt: { secret, expiresInSeconds: expiresInSeconds ?? 86400 },
    admin,
    redisUrl,
    redisPrefix: (env.REDIS_PREFIX?.trim() || 'chat').replace(/:+$/, ''),
    logLevel,
    logPretty: env.LOG_PRETTY
      ? env.LOG_PRETTY === 'true'
      : nodeEnv === 'development' && Boolean(process.stdout.isTTY),
    corsOrigins,
    bodyLimitBytes: int(env, 'BODY_LIMIT_BYTES', 262144, 1024, 50 * 1024 * 1024, errors),
    loginRateLimit: {
      maxFailures: int(env, 'LOGIN_MAX_FAILURES', 5, 1, 1_000_000, errors),
      windowSeconds: int(env, 'LOGIN_WINDOW_SECONDS', 900, 1, 86400, errors),
      maxFailuresPerIp: int(env, 'LOGIN_MAX_FAILURES_PER_IP', 100, 1, 10_000_000, errors),
    },
    metricsToken: env.METRICS_TOKEN?.trim() || undefined,
    passwordHash: {
      memoryKib: int(env, 'ARGON2_MEMORY_KIB', 19456, 1024, 4 * 1024 * 1024, errors),
      timeCost: int(env, 'ARGON2_TIME_COST', 2, 1, 100, errors),
    },
    stomp: {
      heartbeatMs: int(env, 'STOMP_HEARTBEAT_MS', 10000, 0, 3_600_000, errors),
      maxFrameBytes: int(env, 'STOMP_MAX_FRAME_BYTES', 65536, 1024, 16 * 1024 * 1024, errors),
      slowConsumerBytes: int(env, 'STOMP_SLOW_CONSUMER_BYTES', 524288, 1024, 1024 * 1024 * 1024, errors),
      slowConsumerMs: int(env, 'STOMP_SLOW_CONSUMER_MS', 10000, 100, 3_600_000, errors),
      connectTimeoutMs: int(env, 'STOMP_CONNECT_TIMEOUT_MS', 10000, 100, 3_600_000, errors),
      maxSessionsPerIp: int(env, 'STOMP_MAX_SESSIONS_PER_IP', 20000, 1, 10_000_000, errors),
    },
    shutdownTimeoutMs: int(env, 'SHUTDOWN_TIMEOUT_MS', 10000, 100, 600_000, errors),
    instanceId: env.INSTANCE_ID?.trim() || randomBytes(6).toString('hex'),
  };
  if (errors.length) throw new ConfigError(`Invalid configuration:\n  - ${errors.join('\n  - ')}`);
  return settings;
}

/** Injectable typed access to the settings; the one place that reads the environment. */
@Injectable()
export class AppConfig {
  constructor(readonly settings: AppSettings) {}
}
