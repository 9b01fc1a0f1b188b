import { randomBytes } from 'node:crypto';
import { Injectable, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '../config/app-config';
import { DomainEvents } from '../common/events/domain-events';
import { Principal } from '../common/principal';
import { PasswordHasher } from '../users/password-hasher';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { LogoutScope } from './dto/logout.dto';
import { LoginRateLimiter } from './login-rate-limiter';
import { TokenRevocations } from './token-revocations';

export interface TokenClaims {
  sub: string;
  ver: number;
  exp: number;
  iat: number;
  /** The token's own id (tokens issued before logout existed have none). */
  jti?: string;
}

export interface LoginResult {
  token: string;
  type: 'Bearer';
  id: number;
  username: string;
  email: string | null;
  roles: string[];
}

/** Verified tokens kept, so a client that sends the same token again costs no HMAC and no JSON parse. */
const VERIFIED_TOKENS_MAX = 10_000;

interface VerifiedToken {
  userId: number;
  version: number;
  /** epoch ms */
  expiresAt: number;
  tokenId: string | undefined;
}

export interface Authenticated {
  principal: Principal;
  /** When the token expires, epoch ms (a STOMP session is closed then). */
  expiresAt: number;
  /** The token's id (`jti`), to log this one token out; undefined for tokens issued without one. */
  tokenId: string | undefined;
}

/** A token id: 128 random bits, base64url (22 characters). */
const TOKEN_ID = /^[A-Za-z0-9_-]{22}$/;

/**
 * Login, logout and token verification. `authenticateToken` is the one check for HTTP requests and
 * STOMP CONNECT frames: HS256 only, not expired, user still exists, token version current, token
 * not logged out.
 */
@Injectable()
export class AuthService {
  constructor(
    private readonly jwt: JwtService,
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly limiter: LoginRateLimiter,
    private readonly config: AppConfig,
    private readonly revocations: TokenRevocations,
    private readonly events: DomainEvents,
  ) {}

  /**
   * Tokens whose signature and claims were already checked, by their exact text. Only the
   * signature-derived facts are kept: expiry is re-checked on every use and the user's existence and
   * token version come from the (invalidated) principal cache, so revocation is as immediate as
   * without it. Bounded; the oldest entry goes first.
   */
  private readonly verified = new Map<string, VerifiedToken>();

  async login(identifier: string, password: string, ip: string): Promise<LoginResult> {
    await this.limiter.check(identifier, ip);
    const user = await this.users.findForLogin(identifier);
    // Unknown users are verified against a dummy hash: both failures take about the same time.
    const ok = await this.hasher.verify(user?.passwordHash, password, ip);
    if (!user || !ok) {
      await this.limiter.recordFailure(identifier, ip);
      throw new UnauthorizedException('Bad credentials');
    }
    await this.limiter.recordSuccess(identifier, ip);
    await this.users.recordLogin(user);
    return this.loginResult(user);
  }

  issueToken(user: Pick<User, 'id' | 'tokenVersion'>): string {
    return this.jwt.sign(
      { ver: user.tokenVersion },
      {
        subject: String(user.id),
        jwtid: randomBytes(16).toString('base64url'),
        expiresIn: this.config.settings.jwt.expiresInSeconds,
        algorithm: 'HS256',
      },
    );
  }

  loginResult(user: User): LoginResult {
    return {
      token: this.issueToken(user),
      type: 'Bearer',
      id: user.id,
      username: user.username,
      email: user.email,
      roles: user.roles,
    };
  }

  async authenticateToken(token: string): Promise<Authenticated> {
    const claims = this.verified.get(token) ?? this.verify(token);
    if (claims.expiresAt <= Date.now()) {
      this.verified.delete(token);
      throw new UnauthorizedException('Token expired');
    }
    const principal = await this.users.getPrincipal(claims.userId);
    if (!principal || principal.tokenVersion !== claims.version)
      throw new UnauthorizedException('Token revoked');
    // Only a token that expires no later than the user's last revoked one can be revoked by id.
    if (
      claims.tokenId !== undefined &&
      claims.expiresAt <= (principal.revokedTokensUntil ?? 0) &&
      (await this.revocations.isRevoked(claims.userId, claims.tokenId))
    )
      throw new UnauthorizedException('Token revoked');
    return { principal, expiresAt: claims.expiresAt, tokenId: claims.tokenId };
  }

  /**
   * Logs the caller out: `all` revokes every token of the caller (its token version goes up), on
   * every device; `current` revokes only `token`, the one of the request. A token without an id
   * (issued before logout existed), or a user with too many tokens revoked one by one, falls back
   * to `all`. Either way the live STOMP sessions of the revoked tokens are closed on every instance.
   */
  async logout(caller: Principal, token: string, scope: LogoutScope): Promise<void> {
    const { tokenId, expiresAt } = await this.authenticateToken(token);
    if (scope === 'current' && tokenId !== undefined) {
      if (await this.revocations.revoke(caller.id, tokenId, new Date(expiresAt))) {
        await this.users.noteRevokedToken(caller.id, new Date(expiresAt));
        this.events.emit('user.tokens-revoked', { userId: caller.id, tokenId });
        return;
      }
    }
    await this.users.revokeAllTokens(caller.id);
    await this.revocations.forgetUser(caller.id);
  }

  /** Signature (HS256 only), expiry and claim shapes; remembers the result. */
  private verify(token: string): VerifiedToken {
    let claims: TokenClaims;
    try {
      claims = this.jwt.verify<TokenClaims>(token, { algorithms: ['HS256'] });
    } catch (err) {
      throw new UnauthorizedException(
        (err as Error).name === 'TokenExpiredError' ? 'Token expired' : 'Invalid token',
      );
    }
    const userId = /^[1-9]\d{0,9}$/.test(String(claims.sub)) ? Number(claims.sub) : NaN;
    if (!Number.isSafeInteger(userId) || typeof claims.exp !== 'number')
      throw new UnauthorizedException('Invalid token');
    const tokenId = typeof claims.jti === 'string' && TOKEN_ID.test(claims.jti) ? claims.jti : undefined;
    if (claims.jti !== undefined && tokenId === undefined) throw new UnauthorizedException('Invalid token');
    const verified = { userId, version: claims.ver ?? 0, expiresAt: claims.exp * 1000, tokenId };
    if (this.verified.size >= VERIFIED_TOKENS_MAX)
      this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(token, verified);
    return verified;
  }
}
