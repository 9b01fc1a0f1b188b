import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authSettings } from './auth.settings';
import { EnvReader } from './env-reader';
import { NodeEnv } from './runtime.settings';

describe('authSettings', () => {
  const read = (env: Record<string, string>, nodeEnv: NodeEnv = 'development') => {
    const reader = new EnvReader(env);
    const runtime = {
      nodeEnv,
      dataDir: mkdtempSync(join(tmpdir(), 'auth-cfg-')),
      instanceId: 'i',
      shutdownTimeoutMs: 1000,
    };
    return { ...authSettings(reader, runtime), errors: reader.errors };
  };
  const strong = 'x'.repeat(32);

  it('has OWASP argon2id costs, 24 h tokens and login limits by default', () => {
    const s = read({ JWT_SECRET: strong });
    expect(s.passwordHash).toEqual({ memoryKib: 19456, timeCost: 2 });
    expect(s.jwt).toEqual({ secret: strong, expiresInSeconds: 86400 });
    expect(s.loginRateLimit).toEqual({
      maxFailures: 5,
      windowSeconds: 900,
      maxFailuresPerIp: 100,
      maxFailuresPerAccount: 50,
    });
    expect(s.admin).toBeUndefined();
  });

  it('asks a strong secret in production and 16 characters elsewhere', () => {
    expect(read({}, 'production').errors).toEqual(['JWT_SECRET is required in production']);
    expect(read({ JWT_SECRET: 'x'.repeat(31) }, 'production').errors).toEqual([
      'JWT_SECRET must be at least 32 characters in production',
    ]);
    expect(read({ JWT_SECRET: 'short' }).errors).toEqual(['JWT_SECRET must be at least 16 characters']);
    expect(read({}).jwt.secret.length).toBeGreaterThanOrEqual(32);
  });

  it('reads token lifetimes as durations', () => {
    expect(read({ JWT_SECRET: strong, JWT_EXPIRES_IN: '15m' }).jwt.expiresInSeconds).toBe(900);
    expect(read({ JWT_SECRET: strong, JWT_EXPIRES_IN: '0' }).errors).toEqual([
      'JWT_EXPIRES_IN must look like 3600, 60s, 15m, 24h or 7d',
    ]);
  });

  it('takes an administrator with a password of 8 characters or more', () => {
    expect(read({ JWT_SECRET: strong, ADMIN_USERNAME: 'root', ADMIN_PASSWORD: 'secret12' }).admin).toEqual({
      username: 'root',
      password: 'secret12',
      email: undefined,
    });
    expect(read({ JWT_SECRET: strong, ADMIN_USERNAME: 'root', ADMIN_PASSWORD: 'short' }).errors).toEqual([
      'ADMIN_PASSWORD must be at least 8 characters',
    ]);
    expect(read({ JWT_SECRET: strong, ADMIN_PASSWORD: 'secret12' }).errors).toEqual([
      'ADMIN_USERNAME and ADMIN_PASSWORD go together',
    ]);
  });
});
