import { BadRequestException, ForbiddenException } from '@nestjs/common';
import { isAdmin, Principal } from '../common/principal';
import { RoomInfo } from './membership-cache';
import { RoomType } from './room.entity';

/**
 * The rules about who may see and change a room, as pure functions of the facts (unit-tested
 * beside the service). RoomsService gathers the facts and applies them; nothing else decides.
 */

/** PUBLIC rooms are visible to everyone; PRIVATE and DIRECT_MESSAGE rooms to members and admins. */
export function canView(caller: Principal, room: Pick<RoomInfo, 'type'>, member: boolean): boolean {
  return room.type === RoomType.PUBLIC || member || isAdmin(caller);
}

/** History, live messages and posting: members and admins only, in every room type. */
export function canTakePart(caller: Principal, member: boolean): boolean {
  return member || isAdmin(caller);
}

/**
 * Whether the caller holds the creator's powers over a room: it created it, is still a member
 * (leaving a room gives them up: a creator who left a PRIVATE room cannot add itself back), and the
 * room is not a direct message, where whoever opened it first gains nothing over the other.
 */
export function hasCreatorPowers(caller: Principal, room: RoomInfo, callerIsMember: boolean): boolean {
  return room.type !== RoomType.DIRECT_MESSAGE && room.creatorId === caller.id && callerIsMember;
}

/** Renaming, retyping and deleting: the creator (see hasCreatorPowers) or an admin. */
export function assertCanManage(caller: Principal, asCreator: boolean): void {
  if (!isAdmin(caller) && !asCreator)
    throw new ForbiddenException('Only the room creator or an administrator may do this');
}

/**
 * Adding a member: the creator (see hasCreatorPowers) or an admin; a user may add itself to a
 * PUBLIC room (join). A direct-message room holds exactly its two users.
 */
export function assertCanAddMember(
  caller: Principal,
  room: RoomInfo,
  userId: number,
  asCreator: boolean,
): void {
  if (room.type === RoomType.DIRECT_MESSAGE)
    throw new BadRequestException('A direct-message room holds exactly its two users');
  if (isAdmin(caller) || asCreator) return;
  if (userId === caller.id && room.type === RoomType.PUBLIC) return;
  throw new ForbiddenException(
    userId === caller.id
      ? 'Only the room creator or an administrator may add members to a private room'
      : 'Only the room creator or an administrator may add members',
  );
}

/**
 * Removing a member: anyone may leave any room; the creator (see hasCreatorPowers: never in a
 * direct-message room) or an admin may remove others.
 */
export function assertCanRemoveMember(caller: Principal, userId: number, asCreator: boolean): void {
  if (userId === caller.id || isAdmin(caller) || asCreator) return;
  throw new ForbiddenException('Only the room creator or an administrator may remove other members');
}

/** A type change may switch PUBLIC <-> PRIVATE; a direct-message room stays one, and nothing becomes one. */
export function assertTypeChange(from: RoomType, to: RoomType | undefined): void {
  if (to === undefined || to === from) return;
  if (from === RoomType.DIRECT_MESSAGE || to === RoomType.DIRECT_MESSAGE)
    throw new BadRequestException('A room cannot be changed to or from DIRECT_MESSAGE');
}

/** The unique key of the direct-message room of two users, whatever the order. */
export function directMessageKey(a: number, b: number): string {
  return a < b ? `${a}:${b}` : `${b}:${a}`;
}

/** The case-insensitive unique key of a PUBLIC/PRIVATE room name. */
export function roomNameKey(name: string): string {
  return name.trim().toLowerCase();
}
