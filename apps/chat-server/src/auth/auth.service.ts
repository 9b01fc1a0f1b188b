import { Injectable, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '../config/app-config';
import { Principal } from '../common/principal';
import { PasswordHasher } from '../users/password-hasher';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { LoginRateLimiter } from './login-rate-limiter';

export interface TokenClaims {
  sub: string;
  ver: number;
  exp: number;
  iat: number;
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
}

export interface Authenticated {
  principal: Principal;
  /** When the token expires, epoch ms (a STOMP session is closed then). */
  expiresAt: number;
}

/**
 * Login and token verification. `authenticateToken` is the one check for HTTP requests and
 * STOMP CONNECT frames: HS256 only, not expired, user still exists, token version current.
 */
@Injectable()
export class AuthService {
  constructor(
    private readonly jwt: JwtService,
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly limiter: LoginRateLimiter,
    private readonly config: AppConfig,
  ) {}

  /**
   * Tokens whose signature and claims were already checked, by their exact text. Only the
   * signature-derived facts are kept: expiry is re-checked on every use and the user's existence and
   * token version come from the (invalidated) principal cache, so revocation is as immediate as
   * without it. Bounded; the oldest entry goes first.
   */
  private readonly verified = new Map<string, VerifiedToken>();

  async login(identifier: string, password: string, ip: string): Promise<LoginResult> {
    this.limiter.check(identifier, ip);
    const user = await this.users.findForLogin(identifier);
    // Unknown users are verified against a dummy hash: both failures take about the same time.
    const ok = await this.hasher.verify(user?.passwordHash, password, ip);
    if (!user || !ok) {
      this.limiter.recordFailure(identifier, ip);
      throw new UnauthorizedException('Bad credentials');
    }
    this.limiter.recordSuccess(identifier, ip);
    await this.users.recordLogin(user);
    return this.loginResult(user);
  }

  issueToken(user: Pick<User, 'id' | 'tokenVersion'>): string {
    return this.jwt.sign(
      { ver: user.tokenVersion },
      { subject: String(user.id), expiresIn: this.config.settings.jwt.expiresInSeconds, algorithm: 'HS256' },
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
    return { principal, expiresAt: claims.expiresAt };
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
    const verified = { userId, version: claims.ver ?? 0, expiresAt: claims.exp * 1000 };
    if (this.verified.size >= VERIFIED_TOKENS_MAX)
      this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(token, verified);
    return verified;
  }
}
