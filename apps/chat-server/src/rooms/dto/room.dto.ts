import { ApiProperty } from '@nestjs/swagger';
import { Role, User } from '../../users/user.entity';
import { Room, RoomType } from '../room.entity';

export class RoomCreatorDto {
  @ApiProperty({ example: 1 }) id!: number;
  @ApiProperty({ example: 'user1' }) username!: string;
}

/** A room and how many members it has, as the service returns it. */
export interface RoomSummary {
  room: Room;
  memberCount: number;
}

/** The v1 room view (`RoomDto` in the OpenAPI document); `creator` is null once the creator's account is deleted. */
export class RoomDto {
  @ApiProperty({ example: 101 }) id!: number;
  @ApiProperty({ example: 'My New Public Room' }) name!: string;
  @ApiProperty({ enum: RoomType, example: RoomType.PUBLIC }) type!: RoomType;
  @ApiProperty({ type: RoomCreatorDto, nullable: true }) creator!: RoomCreatorDto | null;
  @ApiProperty({ example: '2026-11-21T10:45:00.000Z' }) createdAt!: string;
  @ApiProperty({ example: 1 }) memberCount!: number;

  static from({ room, memberCount }: RoomSummary): RoomDto {
    return {
      id: room.id,
      name: room.name,
      type: room.type,
      creator: room.creator ? { id: room.creator.id, username: room.creator.username } : null,
      createdAt: room.createdAt.toISOString(),
      memberCount,
    };
  }
}

/**
 * A member as v1 `GET /rooms/{id}/members` lists it. With USER_EMAIL_VISIBILITY=admins, another
 * user's `email` is null and its `roles` empty unless the viewer is an admin (UserPrivacy).
 */
export class RoomMemberDto {
  @ApiProperty({ example: 1 }) id!: number;
  @ApiProperty({ example: 'user1' }) username!: string;
  @ApiProperty({
    example: 'user1@example.com',
    nullable: true,
    type: String,
    description: "null when the server hides other users' addresses (USER_EMAIL_VISIBILITY=admins)",
  })
  email!: string | null;
  @ApiProperty({
    example: ['ROLE_USER'],
    isArray: true,
    enum: ['ROLE_USER', 'ROLE_ADMIN'],
    description: "empty when the server hides other users' roles (USER_EMAIL_VISIBILITY=admins)",
  })
  roles!: Role[];

  static from(user: User, showPrivate = true): RoomMemberDto {
    return showPrivate
      ? { id: user.id, username: user.username, email: user.email, roles: user.roles }
      : { id: user.id, username: user.username, email: null, roles: [] };
  }
}

/** A basic-surface group (PRIVATE room) or channel (PUBLIC room): the room plus its members. */
export class GroupDto extends RoomDto {
  @ApiProperty({ type: [RoomCreatorDto] }) members!: RoomCreatorDto[];

  static withMembers(summary: RoomSummary, members: User[]): GroupDto {
    return {
      ...RoomDto.from(summary),
      members: members.map((u) => ({ id: u.id, username: u.username })),
    };
  }
}

/** The answer of basic `PUT /api/{groups|channels}/:id/members`: which change happened. */
export class MembershipChangeDto {
  @ApiProperty({ example: 'Member added successfully.' }) message!: string;
  @ApiProperty({ enum: ['added', 'removed'] }) action!: 'added' | 'removed';
  @ApiProperty({ example: 101 }) roomId!: number;
  @ApiProperty({ example: 2 }) memberId!: number;
  @ApiProperty({ example: 3 }) memberCount!: number;
}
