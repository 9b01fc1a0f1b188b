import { Role, ROLE_ADMIN } from '../users/user.entity';

/** The authenticated caller, as the guards and services see it (always fresh from the store). */
export interface Principal {
  id: number;
  username: string;
  email: string | null;
  roles: Role[];
  tokenVersion: number;
  /**
   * Epoch ms: the latest expiry of the user's tokens revoked one by one (logout). A token that
   * expires later cannot be one of them, so it needs no lookup. Absent when none is live.
   */
  revokedTokensUntil?: number;
}

export const isAdmin = (p: Pick<Principal, 'roles'> | undefined | null): boolean =>
  !!p && p.roles.includes(ROLE_ADMIN);
