import { UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { createSecretKey } from 'node:crypto';
import { AppConfig, loadSettings } from '../config/app-config';
import { Principal } from '../common/principal';
import { PasswordHasher } from '../users/password-hasher';
import { UsersService } from '../users/users.service';
import { AuthService } from './auth.service';
import { DomainEvents } from '../common/events/domain-events';
import { InMemoryCounterStore } from '../common/rate-limit/counter-store';
import { LoginRateLimiter } from './login-rate-limiter';
import { TokenRevocations } from './token-revocations';

/** The verified-token cache must never make a token live longer, or survive a revocation. */
describe('AuthService.authenticateToken', () => {
  const SECRET = 'unit-test-secret-0123456789abcdef0123456789';
  const config = new AppConfig(loadSettings({ JWT_SECRET: SECRET, JWT_EXPIRES_IN: '60' }));
  const jwt = new JwtService({ secret: createSecretKey(Buffer.from(SECRET, 'utf8')) });
  let principal: Principal | null;
  const users = { getPrincipal: jest.fn(async () => principal) } as unknown as UsersService;
  const revoked = new Set<string>();
  const revocations = {
    isRevoked: jest.fn(async (_userId: number, tokenId: string) => revoked.has(tokenId)),
  } as unknown as TokenRevocations;
  const auth = new AuthService(
    jwt,
    users,
    {} as PasswordHasher,
    new LoginRateLimiter(config, new InMemoryCounterStore()),
    config,
    revocations,
    {} as DomainEvents,
  );
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

  it('gives every token its own id and refuses one revoked by id, cached or not, and nothing else', async () => {
    const a = auth.issueToken({ id: 7, tokenVersion: 0 });
    const b = auth.issueToken({ id: 7, tokenVersion: 0 });
    const idOf = (token: string) => jwt.decode<{ jti: string }>(token).jti;
    expect(idOf(a)).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(idOf(a)).not.toBe(idOf(b));
    expect((await auth.authenticateToken(a)).tokenId).toBe(idOf(a));
    revoked.add(idOf(a));
    // A user with no live revoked token: nothing is looked up.
    (revocations.isRevoked as jest.Mock).mockClear();
    expect((await auth.authenticateToken(a)).principal.id).toBe(7);
    expect(revocations.isRevoked).not.toHaveBeenCalled();
    principal = { ...principal!, revokedTokensUntil: Date.now() + 3_600_000 };
    expect(await refusal(a)).toBe('Token revoked');
    expect((await auth.authenticateToken(b)).principal.id).toBe(7);
    // A correctly signed token whose id is not one the server issues is refused, not looked up.
    const odd = jwt.sign({ ver: 0 }, { subject: '7', jwtid: "x' OR 1=1", expiresIn: 60, algorithm: 'HS256' });
    expect(await refusal(odd)).toBe('Invalid token');
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
