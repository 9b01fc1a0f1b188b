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

  async login(identifier: string, password: string, ip: string): Promise<LoginResult> {
    this.limiter.check(identifier, ip);
    const user = await this.users.findForLogin(identifier);
    // Unknown users are verified against a dummy hash: both failures take about the same time.
    const ok = await this.hasher.verify(user?.passwordHash, password);
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
    const principal = await this.users.getPrincipal(userId);
    if (!principal || principal.tokenVersion !== (claims.ver ?? 0))
      throw new UnauthorizedException('Token revoked');
    return { principal, expiresAt: claims.exp * 1000 };
  }
}
