import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { IS_PUBLIC_KEY } from '../common/decorators/public.decorator';
import { AuthService } from './auth.service';

/** Reads `Authorization: Bearer <jwt>`; returns the token, or undefined when absent or not a bearer. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const match = value ? /^Bearer\s+(\S+)\s*$/i.exec(value) : null;
  return match?.[1];
}

/**
 * The global guard: every route needs a valid token unless marked @Public(). On public routes a
 * valid token is still read (so an admin can register an admin); an invalid one is ignored there.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    const request = context
      .switchToHttp()
      .getRequest<{ headers: Record<string, string | string[] | undefined>; user?: unknown }>();
    const token = bearerToken(request.headers.authorization);
    if (!token) {
      if (isPublic) return true;
      throw new UnauthorizedException('Authentication required: send Authorization: Bearer <token>');
    }
    try {
      request.user = (await this.auth.authenticateToken(token)).principal;
    } catch (err) {
      if (!isPublic) throw err;
    }
    return true;
  }
}
