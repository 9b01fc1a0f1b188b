import { BadRequestException, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { isUniqueViolation } from '../common/filters/all-exceptions.filter';
import { Principal } from '../common/principal';
import { BlockedUserDto } from './dto/block.dto';
import { UserBlock } from './user-block.entity';
import { UsersService } from './users.service';

/** How many users one user may block: the list stays one bounded page. */
export const MAX_BLOCKS = 1000;

/**
 * Who blocked whom (docs/API-DECISIONS.md, "Blocking"). A blocked user cannot open a direct
 * message with the blocker (DirectMessagesService) and causes no notification to it
 * (NotificationsService): sent, mention, reply, direct-message and invite notifications alike.
 */
@Injectable()
export class BlocksService {
  constructor(
    @InjectRepository(UserBlock) private readonly blocks: Repository<UserBlock>,
    private readonly users: UsersService,
  ) {}

  /** Blocks a user (idempotent): 400 oneself or past MAX_BLOCKS, 404 unknown user. */
  async block(caller: Principal, userId: number): Promise<BlockedUserDto> {
    if (userId === caller.id) throw new BadRequestException('You cannot block yourself');
    const user = await this.users.getExisting(userId);
    const existing = await this.blocks.findOne({ where: { blockerId: caller.id, blockedId: userId } });
    if (existing) return BlockedUserDto.of(user, existing.createdAt);
    if ((await this.blocks.count({ where: { blockerId: caller.id } })) >= MAX_BLOCKS)
      throw new BadRequestException(`You may block at most ${MAX_BLOCKS} users`);
    const createdAt = new Date();
    try {
      await this.blocks.insert({ blockerId: caller.id, blockedId: userId, createdAt });
    } catch (err) {
      // A concurrent identical block won; the user deleted meanwhile is the 404 below.
      if (!isUniqueViolation(err)) await this.users.getExisting(userId);
      const row = await this.blocks.findOne({ where: { blockerId: caller.id, blockedId: userId } });
      if (!row) throw err;
      return BlockedUserDto.of(user, row.createdAt);
    }
    return BlockedUserDto.of(user, createdAt);
  }

  /** Unblocks a user (idempotent): 404 unknown user. */
  async unblock(caller: Principal, userId: number): Promise<void> {
    await this.users.getExisting(userId);
    await this.blocks.delete({ blockerId: caller.id, blockedId: userId });
  }

  /** The caller's blocked users, oldest block first (at most MAX_BLOCKS). */
  async list(caller: Principal): Promise<BlockedUserDto[]> {
    const rows = await this.blocks.find({
      where: { blockerId: caller.id },
      relations: { blocked: true },
      order: { createdAt: 'ASC', blockedId: 'ASC' },
      take: MAX_BLOCKS,
    });
    return rows.filter((r) => r.blocked).map((r) => BlockedUserDto.of(r.blocked!, r.createdAt));
  }

  /** Whether `blockerId` blocked `blockedId` (one primary-key lookup). */
  hasBlocked(blockerId: number, blockedId: number): Promise<boolean> {
    return this.blocks.exists({ where: { blockerId, blockedId } });
  }

  /** Which of `blockerIds` blocked `blockedId` (one query). */
  async blockersOf(blockedId: number, blockerIds: readonly number[]): Promise<Set<number>> {
    if (!blockerIds.length) return new Set();
    const rows = await this.blocks.find({
      where: { blockedId, blockerId: In([...blockerIds]) },
      select: { blockerId: true },
    });
    return new Set(rows.map((r) => r.blockerId));
  }
}
