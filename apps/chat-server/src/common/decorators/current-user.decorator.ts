import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { Principal } from '../principal';

/** The authenticated principal of the request (undefined on a public route called anonymously). */
export const CurrentUser = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): Principal | undefined => ctx.switchToHttp().getRequest().user,
);
