import { Injectable, ServiceUnavailableException, UnauthorizedException } from '@nestjs/common';
import {
  StompAuthenticator,
  StompAuthorizer,
  StompConnectRequest,
  StompPrincipal,
  StompSessionInfo,
} from '@app/stomp';
import { AuthService } from '../auth/auth.service';
import { bearerToken } from '../auth/jwt-auth.guard';
import {
  isDependencyUnavailable,
  SERVICE_UNAVAILABLE_MESSAGE,
} from '../common/filters/all-exceptions.filter';
import { Principal } from '../common/principal';
import { parseRoomTopic, Topic, UserQueue, userQueue } from '../common/realtime/destinations';
import { RoomsService } from '../rooms/rooms.service';
import { UsersService } from '../users/users.service';

const OPEN_DESTINATIONS = new Set<string>([
  Topic.status,
  userQueue(UserQueue.notifications),
  userQueue(UserQueue.errors),
  userQueue(UserQueue.read),
]);

/** The JWT of a CONNECT frame: `X-Auth-Token`, `Authorization: Bearer …` or `passcode`. */
export function connectToken(headers: Readonly<Record<string, string>>): string | undefined {
  const h = (name: string) => headers[name] ?? headers[name.toLowerCase()];
  const direct = h('X-Auth-Token') ?? h('x-auth-token');
  if (direct?.trim()) return direct.trim();
  const bearer = bearerToken(h('Authorization') ?? h('authorization'));
  if (bearer) return bearer;
  return h('passcode')?.trim() || undefined;
}

/** The user id of a session (set by ChatStompAuthenticator). */
export const sessionUserId = (session: StompSessionInfo): number => Number(session.principal?.id);

/**
 * CONNECT is authenticated by the same check as HTTP requests (AuthService.authenticateToken);
 * the session closes when the token expires or is revoked.
 */
@Injectable()
export class ChatStompAuthenticator implements StompAuthenticator {
  constructor(private readonly auth: AuthService) {}

  async authenticate(request: StompConnectRequest): Promise<StompPrincipal> {
    const token = connectToken(request.headers);
    if (!token) throw new UnauthorizedException('Unauthorized');
    try {
      const { principal, expiresAt, tokenId } = await this.auth.authenticateToken(token);
      return {
        id: String(principal.id),
        name: principal.username,
        expiresAt,
        data: principal,
        // Revoking this token (logout) or its version (password change) ends the session.
        credential: { id: tokenId, generation: principal.tokenVersion },
      };
    } catch (err) {
      // A database outage is not the client's fault: say so, so it retries instead of re-logging in.
      if (isDependencyUnavailable(err)) throw new ServiceUnavailableException(SERVICE_UNAVAILABLE_MESSAGE);
      throw new UnauthorizedException('Unauthorized');
    }
  }
}

/**
 * Who may subscribe where: a room's topics (messages, typing, events) are for its members and
 * admins; `/topic/status` and the user's own queues for everyone; anything else is refused.
 */
@Injectable()
export class ChatStompAuthorizer implements StompAuthorizer {
  constructor(
    private readonly rooms: RoomsService,
    private readonly users: UsersService,
  ) {}

  async canSubscribe(session: StompSessionInfo, destination: string): Promise<boolean> {
    if (OPEN_DESTINATIONS.has(destination)) return true;
    const room = parseRoomTopic(destination);
    if (!room) return false;
    const principal = await this.currentPrincipal(session);
    return !!principal && (await this.rooms.canSubscribe(principal, room.roomId));
  }

  /** The session's user as it is now (roles may have changed since CONNECT; null once deleted). */
  currentPrincipal(session: StompSessionInfo): Promise<Principal | null> {
    return this.users.getPrincipal(sessionUserId(session));
  }
}
