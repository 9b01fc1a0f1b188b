import { ForbiddenException, Injectable } from '@nestjs/common';
import { DomainEventMap } from '../common/events/domain-events';
import { OnDomainEvent } from '../common/events/on-domain-event.decorator';
import { isAdmin, Principal } from '../common/principal';
import { MembershipCache, RoomInfo } from './membership-cache';
import { roomNotFound } from './room-errors';
import { canTakePart, canView, hasCreatorPowers } from './room-rules';
import { RoomType } from './room.entity';
import { RoomsRepository } from './rooms.repository';

/**
 * Who may see or take part in a room, answered from the MembershipCache on the per-message path
 * (sending, subscribing) and filled from the database on a miss. Writers invalidate the cache.
 */
@Injectable()
export class RoomAccessService {
  constructor(
    private readonly repository: RoomsRepository,
    private readonly cache: MembershipCache,
  ) {}

  /** Memberships of a deleted user go with it (FK cascade) and the rooms it created lose their creator. */
  @OnDomainEvent('user.deleted')
  onUserDeleted({ userId }: DomainEventMap['user.deleted']): void {
    this.cache.invalidateUser(userId);
  }

  /** Type and creator of a room, or null when it does not exist. No database read when cached. */
  async getRoomInfo(roomId: number): Promise<RoomInfo | null> {
    const cached = this.cache.room(roomId);
    if (cached !== undefined) return cached;
    const snapshot = this.cache.snapshot();
    const info = await this.repository.info(roomId);
    this.cache.putRoom(roomId, info, snapshot);
    return info;
  }

  /** Whether a user is a member of a room. No database read when cached. */
  async isMember(roomId: number, userId: number): Promise<boolean> {
    const cached = this.cache.member(roomId, userId);
    if (cached !== undefined) return cached;
    const snapshot = this.cache.snapshot();
    const member = await this.repository.isMember(roomId, userId);
    this.cache.putMember(roomId, userId, member, snapshot);
    return member;
  }

  /** Whether the caller holds the creator's powers over the room (room-rules `hasCreatorPowers`). */
  async creatorPowers(caller: Principal, room: RoomInfo): Promise<boolean> {
    if (room.creatorId !== caller.id) return false;
    return hasCreatorPowers(caller, room, await this.isMember(room.id, caller.id));
  }

  /** A room that exists (and is of `type`, when given: basic groups/channels), else a 404. */
  async existing(roomId: number, type?: RoomType): Promise<RoomInfo> {
    const room = await this.getRoomInfo(roomId);
    if (!room || (type && room.type !== type)) throw roomNotFound(roomId, type);
    return room;
  }

  /** STOMP SUBSCRIBE to a room's topics: the room exists and the caller is a member or an admin. */
  async canSubscribe(caller: Principal, roomId: number): Promise<boolean> {
    const room = await this.getRoomInfo(roomId);
    return !!room && (isAdmin(caller) || (await this.isMember(roomId, caller.id)));
  }

  /**
   * Taking part (history, sending): 404 unknown room, 403 unless a member or an admin. `type`
   * restricts the room type (basic groups/channels): another type is a 404.
   */
  async assertCanTakePart(caller: Principal, roomId: number, type?: RoomType): Promise<RoomInfo> {
    const room = await this.existing(roomId, type);
    if (!canTakePart(caller, isAdmin(caller) || (await this.isMember(roomId, caller.id))))
      throw new ForbiddenException('You are not a member of this room');
    return room;
  }

  /** Seeing a room and its members: PUBLIC, a member or an admin. 404 unknown, 403 hidden. */
  async assertCanView(caller: Principal, roomId: number, type?: RoomType): Promise<RoomInfo> {
    const room = await this.existing(roomId, type);
    if (!canView(caller, room, room.type === RoomType.PUBLIC || (await this.isMember(roomId, caller.id))))
      throw new ForbiddenException('You are not a member of this room');
    return room;
  }
}
