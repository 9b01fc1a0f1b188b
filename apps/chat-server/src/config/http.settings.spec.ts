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
      errors: [],
    });
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
