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
  /** Sockets of the HTTP port (REST, SockJS, WebSocket): caps and timeouts (ops/connection-limits.ts). */
  connections: {
    maxConnections: number;
    /** Per peer address: behind a reverse proxy the peer is the proxy (it limits per client). */
    maxConnectionsPerAddress: number;
    headersTimeoutMs: number;
    requestTimeoutMs: number;
    keepAliveTimeoutMs: number;
  };
}

export function httpSettings(env: EnvReader): HttpSettings {
  const trustProxy = env.flag('TRUST_PROXY');
  const maxConnections = env.int('HTTP_MAX_CONNECTIONS', 10000, 1, 1_000_000);
  const headersTimeoutMs = env.int('HTTP_HEADERS_TIMEOUT_MS', 10000, 500, 600_000);
  const requestTimeoutMs = env.int('HTTP_REQUEST_TIMEOUT_MS', 30000, 500, 3_600_000);
  if (requestTimeoutMs < headersTimeoutMs)
    env.fail(
      `HTTP_REQUEST_TIMEOUT_MS (${requestTimeoutMs}) must be at least HTTP_HEADERS_TIMEOUT_MS (${headersTimeoutMs})`,
    );
  return {
    host: env.text('HOST') ?? '0.0.0.0',
    port: env.int('PORT', 8080, 0, 65535),
    trustProxy,
    corsOrigins: corsOrigins(env.raw('CORS_ORIGINS') ?? ''),
    bodyLimitBytes: env.int('BODY_LIMIT_BYTES', 262144, 1024, 50 * 1024 * 1024),
    connections: {
      maxConnections,
      // Behind a proxy (TRUST_PROXY) every socket comes from the proxy: the per-address cap would
      // be a global one, so it defaults to the global cap and the proxy limits each client.
      maxConnectionsPerAddress: env.int(
        'HTTP_MAX_CONNECTIONS_PER_IP',
        trustProxy ? maxConnections : 256,
        1,
        1_000_000,
      ),
      headersTimeoutMs,
      requestTimeoutMs,
      keepAliveTimeoutMs: env.int('HTTP_KEEP_ALIVE_TIMEOUT_MS', 72000, 1000, 600_000),
    },
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
