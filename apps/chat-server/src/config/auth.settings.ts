import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EnvReader, parseDuration } from './env-reader';
import { RuntimeSettings } from './runtime.settings';

export interface AuthSettings {
  jwt: { secret: string; expiresInSeconds: number };
  /** The administrator created at startup when missing. */
  admin?: { username: string; password: string; email?: string };
  loginRateLimit: {
    maxFailures: number;
    windowSeconds: number;
    maxFailuresPerIp: number;
    /** Failures per username (or e-mail) from all addresses together. */
    maxFailuresPerAccount: number;
  };
  /** argon2id cost; the defaults are OWASP's recommendation (19 MiB, 2 passes). */
  passwordHash: { memoryKib: number; timeCost: number };
}

export const MIN_SECRET_LENGTH = 32;
const MIN_DEVELOPMENT_SECRET_LENGTH = 16;

export function authSettings(env: EnvReader, runtime: RuntimeSettings): AuthSettings {
  const expiresInSeconds = parseDuration(env.raw('JWT_EXPIRES_IN') ?? '24h');
  if (expiresInSeconds === undefined || expiresInSeconds < 1)
    env.fail('JWT_EXPIRES_IN must look like 3600, 60s, 15m, 24h or 7d');
  return {
    jwt: { secret: jwtSecret(env, runtime), expiresInSeconds: expiresInSeconds ?? 86400 },
    admin: admin(env),
    loginRateLimit: {
      maxFailures: env.int('LOGIN_MAX_FAILURES', 5, 1, 1_000_000),
      windowSeconds: env.int('LOGIN_WINDOW_SECONDS', 900, 1, 86400),
      maxFailuresPerIp: env.int('LOGIN_MAX_FAILURES_PER_IP', 100, 1, 10_000_000),
      maxFailuresPerAccount: env.int('LOGIN_MAX_FAILURES_PER_ACCOUNT', 50, 1, 10_000_000),
    },
    passwordHash: {
      memoryKib: env.int('ARGON2_MEMORY_KIB', 19456, 1024, 4 * 1024 * 1024),
      timeCost: env.int('ARGON2_TIME_COST', 2, 1, 100),
    },
  };
}

/** Production needs a strong JWT_SECRET; elsewhere a generated one is kept in the data folder. */
function jwtSecret(env: EnvReader, { nodeEnv, dataDir }: RuntimeSettings): string {
  const secret = env.raw('JWT_SECRET')?.trim() ?? '';
  if (nodeEnv === 'production') {
    if (!secret) env.fail('JWT_SECRET is required in production');
    else if (secret.length < MIN_SECRET_LENGTH)
      env.fail(`JWT_SECRET must be at least ${MIN_SECRET_LENGTH} characters in production`);
    return secret;
  }
  if (!secret) return developmentSecret(dataDir);
  if (secret.length < MIN_DEVELOPMENT_SECRET_LENGTH)
    env.fail(`JWT_SECRET must be at least ${MIN_DEVELOPMENT_SECRET_LENGTH} characters`);
  return secret;
}

/** A random secret kept in the data folder, so tokens survive a development restart. */
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

function admin(env: EnvReader): AuthSettings['admin'] {
  const username = env.raw('ADMIN_USERNAME');
  const password = env.raw('ADMIN_PASSWORD');
  if (!username && !password) return undefined;
  if (!username || !password) env.fail('ADMIN_USERNAME and ADMIN_PASSWORD go together');
  else if (password.length < 8) env.fail('ADMIN_PASSWORD must be at least 8 characters');
  else return { username, password, email: env.raw('ADMIN_EMAIL') || undefined };
  return undefined;
}
