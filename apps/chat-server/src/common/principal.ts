import { Role, ROLE_ADMIN } from '../users/user.entity';

/** The authenticated caller, as the guards and services see it (always fresh from the store). */
export interface Principal {
  id: number;
  username: string;
  email: string | null;
  roles: Role[];
  tokenVersion: number;
}

export const isAdmin = (p: Pick<Principal, 'roles'> | undefined | null): boolean =>
  !!p && p.roles.includes(ROLE_ADMIN);
