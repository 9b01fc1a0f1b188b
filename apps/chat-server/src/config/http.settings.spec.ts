import { EnvReader } from './env-reader';
import { httpSettings } from './http.settings';

describe('httpSettings', () => {
  const read = (env: Record<string, string>) => {
    const reader = new EnvReader(env);
    return { ...httpSettings(reader), errors: reader.errors };
  };

  it('listens on 0.0.0.0:8080 with a 256 KiB body limit, and no CORS by default', () => {
    expect(read({})).toEqual({
      host: '0.0.0.0',
      port: 8080,
      trustProxy: false,
      corsOrigins: [],
      bodyLimitBytes: 262144,
      connections: {
        maxConnections: 10000,
        maxConnectionsPerAddress: 256,
        headersTimeoutMs: 10000,
        requestTimeoutMs: 30000,
        keepAliveTimeoutMs: 72000,
      },
      errors: [],
    });
  });

  it('caps sockets per address far below the global cap, except behind a trusted proxy', () => {
    expect(read({ HTTP_MAX_CONNECTIONS: '5000' }).connections.maxConnectionsPerAddress).toBe(256);
    expect(
      read({ HTTP_MAX_CONNECTIONS: '5000', TRUST_PROXY: 'true' }).connections.maxConnectionsPerAddress,
    ).toBe(5000);
    expect(
      read({ TRUST_PROXY: 'true', HTTP_MAX_CONNECTIONS_PER_IP: '64' }).connections.maxConnectionsPerAddress,
    ).toBe(64);
  });

  it('refuses a request timeout shorter than the headers timeout, and caps out of range', () => {
    expect(
      read({ HTTP_HEADERS_TIMEOUT_MS: '20000', HTTP_REQUEST_TIMEOUT_MS: '10000', HTTP_MAX_CONNECTIONS: '0' })
        .errors,
    ).toEqual([
      'HTTP_MAX_CONNECTIONS must be between 1 and 1000000 (got 0)',
      'HTTP_REQUEST_TIMEOUT_MS (10000) must be at least HTTP_HEADERS_TIMEOUT_MS (20000)',
    ]);
  });

  it('reads CORS origins as a list or "*"', () => {
    expect(read({ CORS_ORIGINS: ' https://a.example , https://b.example,' }).corsOrigins).toEqual([
      'https://a.example',
      'https://b.example',
    ]);
    expect(read({ CORS_ORIGINS: '*' }).corsOrigins).toBe(true);
  });

  it('refuses a port or body limit out of range', () => {
    expect(read({ PORT: '70000', BODY_LIMIT_BYTES: '10' }).errors).toEqual([
      'PORT must be between 0 and 65535 (got 70000)',
      'BODY_LIMIT_BYTES must be between 1024 and 52428800 (got 10)',
    ]);
  });
});
