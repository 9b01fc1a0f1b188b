import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { IsOmittable } from '../../common/validation/is-omittable.decorator';

export const LOGOUT_SCOPES = ['all', 'current'] as const;
export type LogoutScope = (typeof LOGOUT_SCOPES)[number];

/** `POST /api/v1/auth/logout` body (optional). */
export class LogoutDto {
  @ApiPropertyOptional({
    enum: LOGOUT_SCOPES,
    default: 'all',
    example: 'current',
    description:
      '`all` (default): every token of the caller stops working, on every device ("log out everywhere"). ' +
      '`current`: only the token of this request ("log out" of this device).',
  })
  @IsOmittable()
  @IsIn(LOGOUT_SCOPES, { message: 'scope must be "all" or "current"' })
  scope?: LogoutScope;
}
