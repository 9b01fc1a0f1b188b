import { BadRequestException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { isForeignKeyViolation, isUniqueViolation } from '../common/filters/all-exceptions.filter';
import { isAdmin, Principal } from '../common/principal';
import { TokenBuckets } from '../common/rate-limit/token-buckets';
import { AppConfig } from '../config/app-config';
import { BlocksService } from '../users/blocks.service';
import { UsersService } from '../users/users.service';
import { RoomSummary } from './dto/room.dto';
import { roomNotFound } from './room-errors';
import { RoomMembershipService } from './room-membership.service';
import { directMessageKey } from './room-rules';
import { RoomType } from './room.entity';
import { RoomsRepository } from './rooms.repository';

/**
 * The refusal of a direct message to a user who blocked the caller: it names no block, and carries
 * nothing (no room id, no status) that the caller did not know before asking.
 */
export const DIRECT_MESSAGE_REFUSED = 'You cannot open a direct message with this user';

/** The one direct-message room of two users, found or created on first use. */
@Injectable()
export class DirectMessagesService {
  /** Direct messages opened per user (DM_OPEN_RATE_PER_MINUTE / DM_OPEN_BURST). */
  private readonly opens: TokenBuckets;

  constructor(
    private readonly repository: RoomsRepository,
    private readonly membership: RoomMembershipService,
    private readonly users: UsersService,
    private readonly blocks: BlocksService,
    config: AppConfig,
  ) {
    this.opens = new TokenBuckets(() => config.settings.limits.directOpens);
  }

  /**
   * The direct-message room of the caller and another user, created on first use. Never
   * duplicated: concurrent calls race on the unique dm_key and the loser returns the winner's
   * room. A user who had left it is back in it. 400 for oneself, 404 for an unknown user, 403
   * when that user blocked the caller (admins excepted), 429 when the caller opened too many
   * (creating the room or bringing someone back into it counts; finding it as it is does not).
   */
  async findOrCreate(
    caller: Principal,
    otherId: number,
  ): Promise<{ summary: RoomSummary; created: boolean }> {
    if (otherId === caller.id)
      throw new BadRequestException('A direct-message room needs another user than yourself');
    const other = await this.users.getExisting(otherId);
    if (!isAdmin(caller) && (await this.blocks.hasBlocked(otherId, caller.id)))
      throw new ForbiddenException(DIRECT_MESSAGE_REFUSED);
    const dmKey = directMessageKey(caller.id, otherId);
    let roomId = await this.repository.findDirect(dmKey);
    if (
      roomId === null ||
      !(await this.repository.isMember(roomId, caller.id)) ||
      !(await this.repository.isMember(roomId, otherId))
    )
      this.opens.takeOrThrow(caller.id, 'Too many direct messages opened');
    if (roomId === null) {
      const [first, second] = caller.id < other.id ? [caller, other] : [other, caller];
      const name = `${first.username}, ${second.username}`.slice(0, 100);
      try {
        return { summary: await this.create(caller.id, otherId, name, dmKey), created: true };
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        // Lost the race: the winner's room is the one.
        roomId = await this.repository.findDirect(dmKey);
        if (roomId === null) throw err;
      }
    }
    for (const userId of [caller.id, otherId]) await this.membership.join(roomId, userId, caller.id);
    return { summary: await this.summary(roomId), created: false };
  }

  private async create(callerId: number, otherId: number, name: string, dmKey: string): Promise<RoomSummary> {
    const members = [callerId, otherId];
    const room = await this.repository
      .insertWithMembers({ name, nameKey: null, dmKey, type: RoomType.DIRECT_MESSAGE }, callerId, members)
      .catch((err: unknown) => {
        if (isForeignKeyViolation(err)) return null;
        throw err;
      });
    // One of the two users was deleted meanwhile.
    if (!room) throw new NotFoundException(`User ${otherId} not found`);
    this.membership.created(room, members, callerId);
    return this.summary(room.id);
  }

  private async summary(roomId: number): Promise<RoomSummary> {
    const summary = await this.repository.summary(roomId);
    if (!summary) throw roomNotFound(roomId);
    return summary;
  }
}
