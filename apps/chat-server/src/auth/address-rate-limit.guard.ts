import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { TokenBuckets } from '../common/rate-limit/token-buckets';
import { isAdmin, Principal } from '../common/principal';
import { AppConfig } from '../config/app-config';

export type AddressLimitKind = 'register' | 'login';

const ADDRESS_LIMIT_KEY = 'addressLimit';

/** Marks a public route as counted per client address (AddressRateLimitGuard). */
export const AddressLimited = (kind: AddressLimitKind) => SetMetadata(ADDRESS_LIMIT_KEY, kind);

const REFUSALS: Record<AddressLimitKind, string> = {
  register: 'Too many registrations from this address',
  login: 'Too many login attempts from this address',
};

/**
 * Registrations and login attempts per client address (successes included), counted before the
 * body is validated or a password is hashed: an address over its limit costs a Map lookup, then a
 * 429 with `Retry-After`. An administrator registering accounts is not counted. The address is
 * Fastify's `request.ip` (the proxy's client address with TRUST_PROXY).
 */
@Injectable()
export class AddressRateLimitGuard implements CanActivate {
  private readonly buckets: Record<AddressLimitKind, TokenBuckets>;

  constructor(
    private readonly reflector: Reflector,
    config: AppConfig,
  ) {
    const limits = () => config.settings.limits;
    this.buckets = {
      register: new TokenBuckets(() => limits().registerPerIp),
      login: new TokenBuckets(() => limits().loginPerIp),
    };
  }

  canActivate(context: ExecutionContext): boolean {
    const kind = this.reflector.get<AddressLimitKind | undefined>(ADDRESS_LIMIT_KEY, context.getHandler());
    if (!kind || context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<{ ip: string; user?: Principal }>();
    if (kind === 'register' && isAdmin(request.user)) return true;
    this.buckets[kind].takeOrThrow(request.ip, REFUSALS[kind]);
    return true;
  }
}
