import { UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { createSecretKey } from 'node:crypto';
import { AppConfig, loadSettings } from '../config/app-config';
import { Principal } from '../common/principal';
import { PasswordHasher } from '../users/password-hasher';
import { UsersService } from '../users/users.service';
import { AuthService } from './auth.service';
import { LoginRateLimiter } from './login-rate-limiter';

/** The verified-token cache must never make a token live longer, or survive a revocation. */
describe('AuthService.authenticateToken', () => {
  const SECRET = 'unit-test-secret-0123456789abcdef0123456789';
  const config = new AppConfig(loadSettings({ JWT_SECRET: SECRET, JWT_EXPIRES_IN: '60' }));
  const jwt = new JwtService({ secret: createSecretKey(Buffer.from(SECRET, 'utf8')) });
  let principal: Principal | null;
  const users = { getPrincipal: jest.fn(async () => principal) } as unknown as UsersService;
  const auth = new AuthService(jwt, users, {} as PasswordHasher, new LoginRateLimiter(config), config);
  const refusal = async (token: string): Promise<string> => {
    const err = await auth.authenticateToken(token).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnauthorizedException);
    return (err as UnauthorizedException).message;
  };

  beforeEach(() => {
    principal = { id: 7, username: 'u7', email: null, roles: ['ROLE_USER'], tokenVersion: 0 };
  });
  afterEach(() => jest.useRealTimers());

  it('accepts the same token repeatedly and refuses it once it expires, cached or not', async () => {
    jest.useFakeTimers({ now: new Date('2026-11-21T12:00:00Z'), doNotFake: ['nextTick', 'setImmediate'] });
    const token = auth.issueToken({ id: 7, tokenVersion: 0 });
    const first = await auth.authenticateToken(token);
    expect(first.principal.id).toBe(7);
    expect(first.expiresAt).toBe(Date.now() + 60_000);
    expect((await auth.authenticateToken(token)).principal.id).toBe(7);
    jest.setSystemTime(Date.now() + 60_000);
    expect(await refusal(token)).toBe('Token expired');
    expect(await refusal(token)).toBe('Token expired');
  });

  it('refuses a cached token as soon as the user is gone or its version changes', async () => {
    const token = auth.issueToken({ id: 7, tokenVersion: 0 });
    await auth.authenticateToken(token);
    principal = { ...principal!, tokenVersion: 1 };
    expect(await refusal(token)).toBe('Token revoked');
    principal = null;
    expect(await refusal(token)).toBe('Token revoked');
  });

  it('never caches a tampered token under a valid one', async () => {
    const token = auth.issueToken({ id: 7, tokenVersion: 0 });
    await auth.authenticateToken(token);
    const [header, , signature] = token.split('.');
    const forged = `${header}.${Buffer.from(JSON.stringify({ sub: '1', ver: 0, exp: 9e9 })).toString('base64url')}.${signature}`;
    expect(await refusal(forged)).toBe('Invalid token');
    expect(await refusal(`${token}x`)).toBe('Invalid token');
  });
});
