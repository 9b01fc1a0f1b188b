import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC_KEY = 'isPublic';

/** Opts a route out of the global JWT guard (a valid token, when sent, is still read). */
export const Public = () => SetMetadata(IS_PUBLIC_KEY, true);
