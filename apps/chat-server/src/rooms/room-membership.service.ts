import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { DomainEvents } from '../common/events/domain-events';
import { isForeignKeyViolation, isUniqueViolation } from '../common/filters/all-exceptions.filter';
import { Principal } from '../common/principal';
import { UsersService } from '../users/users.service';
import { MembershipAction } from './dto/room-input.dto';
import { MembershipCache } from './membership-cache';
import { RoomAccessService } from './room-access.service';
import { assertCanAddMember, assertCanRemoveMember } from './room-rules';
import { Room, RoomType } from './room.entity';
import { RoomsRepository } from './rooms.repository';

/**
 * Who is in a room: joining, adding, removing, leaving. Every change invalidates the
 * MembershipCache (on all instances) and emits its domain event after the write.
 */
@Injectable()
export class RoomMembershipService {
  constructor(
    private readonly repository: RoomsRepository,
    private readonly access: RoomAccessService,
    private readonly users: UsersService,
    private readonly cache: MembershipCache,
    private readonly events: DomainEvents,
  ) {}

  /**
   * Adds a user (creator or admin; a user may join a PUBLIC room). 404 unknown room or user,
   * 403 not allowed, 400 already a member. `type` restricts the room type (basic surface).
   */
  async addMember(caller: Principal, roomId: number, userId: number, type?: RoomType): Promise<void> {
    const room = await this.access.existing(roomId, type);
    assertCanAddMember(caller, room, userId, await this.access.creatorPowers(caller, room));
    await this.users.getExisting(userId);
    if (!(await this.join(roomId, userId, caller.id)))
      throw new BadRequestException('User is already a member of this room');
  }

  /** Removes a member (creator or admin), or the caller leaves. 404 unknown room or not a member. */
  async removeMember(caller: Principal, roomId: number, userId: number, type?: RoomType): Promise<void> {
    const room = await this.access.existing(roomId, type);
    assertCanRemoveMember(caller, userId, await this.access.creatorPowers(caller, room));
    const removed = await this.repository.deleteMember(roomId, userId);
    this.cache.invalidateMember(roomId, userId);
    if (!removed) throw new NotFoundException(`User ${userId} is not a member of this room`);
    this.events.emit('membership.removed', { roomId, userId, actorId: caller.id, roomType: room.type });
  }

  /**
   * Basic `PUT .../members`: adds a non-member or removes a member; `action` makes it explicit
   * (then adding a member is a 400 and removing a non-member a 404). Returns what happened.
   */
  async changeMembership(
    caller: Principal,
    roomId: number,
    userId: number,
    type: RoomType,
    action?: MembershipAction,
  ): Promise<{ action: 'added' | 'removed'; memberCount: number }> {
    await this.access.existing(roomId, type);
    const remove =
      action === undefined ? await this.repository.isMember(roomId, userId) : action === 'remove';
    if (remove) await this.removeMember(caller, roomId, userId, type);
    else await this.addMember(caller, roomId, userId, type);
    return { action: remove ? 'removed' : 'added', memberCount: await this.repository.countMembers(roomId) };
  }

  /**
   * Puts a user in a room without a permission check (the caller decided); false when it was
   * already a member (concurrent joins are safe). 404 when the room or user is gone meanwhile.
   */
  async join(roomId: number, userId: number, actorId: number): Promise<boolean> {
    if (await this.repository.isMember(roomId, userId)) return false;
    try {
      await this.repository.insertMember(roomId, userId);
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      if (isForeignKeyViolation(err)) throw new NotFoundException('Room or user not found');
      throw err;
    } finally {
      this.cache.invalidateMember(roomId, userId);
    }
    const room = await this.access.getRoomInfo(roomId);
    if (room) this.events.emit('membership.added', { roomId, userId, actorId, roomType: room.type });
    return true;
  }

  /** A room was just created with these members: forget what the cache knew, announce them. */
  created(room: Room, memberIds: number[], actorId: number): void {
    this.cache.invalidateRoom(room.id);
    for (const userId of memberIds)
      this.events.emit('membership.added', { roomId: room.id, userId, actorId, roomType: room.type });
  }
}
