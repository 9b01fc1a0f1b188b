import { BadRequestException, ForbiddenException } from '@nestjs/common';
import { Principal } from '../common/principal';
import { ROLE_ADMIN, ROLE_USER } from '../users/user.entity';
import { RoomInfo } from './membership-cache';
import {
  assertCanAddMember,
  assertCanManage,
  assertCanRemoveMember,
  hasCreatorPowers,
  assertTypeChange,
  canTakePart,
  canView,
  directMessageKey,
  roomNameKey,
} from './room-rules';
import { RoomType } from './room.entity';

const user = (id: number): Principal => ({
  id,
  username: `u${id}`,
  email: null,
  roles: [ROLE_USER],
  tokenVersion: 0,
});
const admin: Principal = { ...user(99), roles: [ROLE_ADMIN, ROLE_USER] };
const room = (type: RoomType, creatorId: number | null = 1): RoomInfo => ({ id: 10, type, creatorId });

describe('room rules', () => {
  it('shows PUBLIC rooms to everyone, the others to members and admins', () => {
    expect(canView(user(2), room(RoomType.PUBLIC), false)).toBe(true);
    for (const type of [RoomType.PRIVATE, RoomType.DIRECT_MESSAGE]) {
      expect(canView(user(2), room(type), false)).toBe(false);
      expect(canView(user(2), room(type), true)).toBe(true);
      expect(canView(admin, room(type), false)).toBe(true);
    }
  });

  it('lets only members and admins take part, whatever the type', () => {
    expect(canTakePart(user(2), false)).toBe(false);
    expect(canTakePart(user(2), true)).toBe(true);
    expect(canTakePart(admin, false)).toBe(true);
  });

  it('gives creator powers to a creator that is still a member, never in a direct message', () => {
    expect(hasCreatorPowers(user(1), room(RoomType.PUBLIC), true)).toBe(true);
    expect(hasCreatorPowers(user(1), room(RoomType.PRIVATE), true)).toBe(true);
    expect(hasCreatorPowers(user(1), room(RoomType.PRIVATE), false)).toBe(false);
    expect(hasCreatorPowers(user(1), room(RoomType.DIRECT_MESSAGE), true)).toBe(false);
    expect(hasCreatorPowers(user(2), room(RoomType.PUBLIC), true)).toBe(false);
    expect(hasCreatorPowers(user(1), room(RoomType.PUBLIC, null), true)).toBe(false);
  });

  it('lets the creator and admins manage a room; nobody else', () => {
    expect(() => assertCanManage(user(1), true)).not.toThrow();
    expect(() => assertCanManage(admin, false)).not.toThrow();
    expect(() => assertCanManage(user(2), false)).toThrow(ForbiddenException);
  });

  it('adds members: creator and admins; a user joins a PUBLIC room itself; never into a DM', () => {
    expect(() => assertCanAddMember(user(1), room(RoomType.PRIVATE), 5, true)).not.toThrow();
    expect(() => assertCanAddMember(admin, room(RoomType.PRIVATE), 5, false)).not.toThrow();
    expect(() => assertCanAddMember(user(5), room(RoomType.PUBLIC), 5, false)).not.toThrow();
    expect(() => assertCanAddMember(user(5), room(RoomType.PRIVATE), 5, false)).toThrow(ForbiddenException);
    expect(() => assertCanAddMember(user(5), room(RoomType.PUBLIC), 6, false)).toThrow(ForbiddenException);
    // a creator who left a PRIVATE room has no creator powers: it cannot add itself back
    expect(() => assertCanAddMember(user(1), room(RoomType.PRIVATE), 1, false)).toThrow(ForbiddenException);
    expect(() => assertCanAddMember(admin, room(RoomType.DIRECT_MESSAGE), 5, false)).toThrow(
      BadRequestException,
    );
  });

  it('removes members: anyone leaves, creator and admins remove others (in a DM only admins)', () => {
    expect(() => assertCanRemoveMember(user(5), 5, false)).not.toThrow();
    expect(() => assertCanRemoveMember(admin, 5, false)).not.toThrow();
    expect(() => assertCanRemoveMember(user(6), 5, false)).toThrow(ForbiddenException);
    expect(() => assertCanRemoveMember(user(1), 5, true)).not.toThrow();
    // in a DM the creator has no creator powers (hasCreatorPowers), so it removes nobody else
    expect(() =>
      assertCanRemoveMember(user(1), 5, hasCreatorPowers(user(1), room(RoomType.DIRECT_MESSAGE), true)),
    ).toThrow(ForbiddenException);
  });

  it('switches PUBLIC <-> PRIVATE only', () => {
    expect(() => assertTypeChange(RoomType.PUBLIC, RoomType.PRIVATE)).not.toThrow();
    expect(() => assertTypeChange(RoomType.PRIVATE, undefined)).not.toThrow();
    expect(() => assertTypeChange(RoomType.DIRECT_MESSAGE, RoomType.DIRECT_MESSAGE)).not.toThrow();
    expect(() => assertTypeChange(RoomType.PUBLIC, RoomType.DIRECT_MESSAGE)).toThrow(BadRequestException);
    expect(() => assertTypeChange(RoomType.DIRECT_MESSAGE, RoomType.PRIVATE)).toThrow(BadRequestException);
  });

  it('keys a DM by its two users in either order, and names case-insensitively', () => {
    expect(directMessageKey(7, 3)).toBe('3:7');
    expect(directMessageKey(3, 7)).toBe('3:7');
    expect(directMessageKey(12, 100)).toBe('12:100');
    expect(roomNameKey('  General Chat ')).toBe('general chat');
  });
});
