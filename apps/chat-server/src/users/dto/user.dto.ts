import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Role, User } from '../user.entity';

/** The user as every REST surface returns it. Never carries the password hash. */
export class UserDto {
  @ApiProperty({ example: 1 }) id!: number;
  @ApiProperty({ example: 'newuser' }) username!: string;
  @ApiProperty({ example: 'newuser@example.com', nullable: true, type: String }) email!: string | null;
  @ApiProperty({ example: '2026-11-21T10:35:00.000Z' }) createdAt!: string;
  @ApiProperty({ example: '2026-11-21T10:40:00.000Z', nullable: true, type: String }) lastLogin!:
    string | null;
  @ApiProperty({ example: ['ROLE_USER'], isArray: true, enum: ['ROLE_USER', 'ROLE_ADMIN'] }) roles!: Role[];
  @ApiPropertyOptional({ description: 'A fresh token, present when the caller changed its own password' })
  token?: string;

  static from(user: User): UserDto {
    return {
      id: user.id,
      username: user.username,
      email: user.email,
      createdAt: user.createdAt.toISOString(),
      lastLogin: user.lastLogin ? user.lastLogin.toISOString() : null,
      roles: user.roles,
    };
  }
}

/** The short user shape inside rooms and messages. */
export interface UserSummaryDto {
  id: number | null;
  username: string;
  email?: string | null;
}

export const DELETED_USER: UserSummaryDto = { id: null, username: '[deleted]' };
