import { EnvReader } from './env-reader';

/** The HTTP surface: where it listens, who is trusted, what it accepts. */
export interface HttpSettings {
  host: string;
  port: number;
  /** Trust X-Forwarded-For from a reverse proxy (client addresses for rate limits and logs). */
  trustProxy: boolean;
  /** CORS_ORIGINS: a comma-separated list, "*" (true: any origin) or empty (none). */
  corsOrigins: string[] | true;
  bodyLimitBytes: number;
}

export function httpSettings(env: EnvReader): HttpSettings {
  return {
    host: env.text('HOST') ?? '0.0.0.0',
    port: env.int('PORT', 8080, 0, 65535),
    trustProxy: env.flag('TRUST_PROXY'),
    corsOrigins: corsOrigins(env.raw('CORS_ORIGINS') ?? ''),
    bodyLimitBytes: env.int('BODY_LIMIT_BYTES', 262144, 1024, 50 * 1024 * 1024),
  };
}

function corsOrigins(raw: string): string[] | true {
  const value = raw.trim();
  if (value === '*') return true;
  return value
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
}
