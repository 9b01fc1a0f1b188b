import { ApiProperty } from '@nestjs/swagger';
import { User } from '../user.entity';

/** A user the caller blocked: who, and since when. Never an e-mail or roles. */
export class BlockedUserDto {
  @ApiProperty({ example: 7 }) id!: number;
  @ApiProperty({ example: 'spammer' }) username!: string;
  @ApiProperty({ example: '2026-11-21T10:35:00.000Z' }) blockedAt!: string;

  static of(user: Pick<User, 'id' | 'username'>, at: Date): BlockedUserDto {
    return { id: user.id, username: user.username, blockedAt: at.toISOString() };
  }
}
