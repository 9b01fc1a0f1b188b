import { BadRequestException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { DomainEventMap, DomainEvents } from '../common/events/domain-events';
import { OnDomainEvent } from '../common/events/on-domain-event.decorator';
import { isForeignKeyViolation, isUniqueViolation } from '../common/filters/all-exceptions.filter';
import { isAdmin, Principal } from '../common/principal';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { MembershipAction } from './dto/room-input.dto';
import { RoomSummary } from './dto/room.dto';
import { MembershipCache, RoomInfo } from './membership-cache';
import { RoomMember } from './room-member.entity';
import {
  assertCanAddMember,
  assertCanManage,
  assertCanRemoveMember,
  assertTypeChange,
  canTakePart,
  canView,
  directMessageKey,
  roomNameKey,
} from './room-rules';
import { Room, RoomType } from './room.entity';

export interface NewRoom {
  type: RoomType;
  name?: string;
  /** Users added with the creator (PUBLIC/PRIVATE), all or nothing. */
  memberIds?: number[];
  /** The other user of a DIRECT_MESSAGE room. */
  memberId?: number;
}

export interface RoomChanges {
  name?: string;
  type?: RoomType;
}

const NAME_TAKEN = 'Room name already exists';

/**
 * Rooms, memberships and who may see or change them: every rule lives here once, shared by the
 * v1 controller, the basic groups/channels controllers, MessagesService and the STOMP layer.
 * Reads on the per-message path (room facts, membership) go through the MembershipCache; every
 * write invalidates it (on all instances) and emits its domain event after the commit.
 */
@Injectable()
export class RoomsService {
  private txQueue: Promise<unknown> = Promise.resolve();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly cache: MembershipCache,
    private readonly events: DomainEvents,
  ) {}

  /** Memberships of a deleted user go with it (FK cascade) and the rooms it created lose their creator. */
  @OnDomainEvent('user.deleted')
  onUserDeleted({ userId }: DomainEventMap['user.deleted']): void {
    this.cache.invalidateUser(userId);
  }

  // ---- per-message checks (cached) -------------------------------------------------------------

  /** Type and creator of a room, or null when it does not exist. No database read when cached. */
  async getRoomInfo(roomId: number): Promise<RoomInfo | null> {
    const cached = this.cache.room(roomId);
    if (cached !== undefined) return cached;
    const snapshot = this.cache.snapshot();
    const room = await this.dataSource.getRepository(Room).findOne({
      where: { id: roomId },
      select: { id: true, type: true, creatorId: true },
    });
    const info = room ? { id: room.id, type: room.type, creatorId: room.creatorId } : null;
    this.cache.putRoom(roomId, info, snapshot);
    return info;
  }

  /** Whether a user is a member of a room. No database read when cached. */
  async isMember(roomId: number, userId: number): Promise<boolean> {
    const cached = this.cache.member(roomId, userId);
    if (cached !== undefined) return cached;
    const snapshot = this.cache.snapshot();
    const member = await this.dataSource.getRepository(RoomMember).exists({ where: { roomId, userId } });
    this.cache.putMember(roomId, userId, member, snapshot);
    return member;
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
    const room = await this.getRoomInfo(roomId);
    if (!room || (type && room.type !== type)) throw notFound(roomId, type);
    if (!canTakePart(caller, isAdmin(caller) || (await this.isMember(roomId, caller.id))))
      throw new ForbiddenException('You are not a member of this room');
    return room;
  }

  // ---- reads -----------------------------------------------------------------------------------

  /** A room the caller may see (PUBLIC, or member, or admin): 404 unknown, 403 hidden. */
  async get(caller: Principal, roomId: number, type?: RoomType): Promise<RoomSummary> {
    await this.assertCanView(caller, roomId, type);
    const room = await this.loadRoom(roomId);
    if (!room) throw notFound(roomId, type);
    return (await this.summaries([room]))[0];
  }

  /** Every room the caller may see: all PUBLIC rooms plus the others it belongs to (admins: all). */
  async list(caller: Principal): Promise<RoomSummary[]> {
    const q = this.roomQuery().orderBy('r.id', 'ASC');
    if (!isAdmin(caller)) {
      q.where('r.type = :public', { public: RoomType.PUBLIC }).orWhere(
        'r.id IN (SELECT m.room_id FROM room_members m WHERE m.user_id = :me)',
        { me: caller.id },
      );
    }
    return this.summaries(await q.getMany());
  }

  /** The rooms a user belongs to (self or admin; 403 for another id before 404 for an unknown one). */
  async listForUser(caller: Principal, userId: number): Promise<RoomSummary[]> {
    this.users.assertSelfOrAdmin(caller, userId);
    await this.users.getExisting(userId);
    return this.memberRooms(userId);
  }

  /** The caller's own rooms of one type (basic `GET /api/groups`, `GET /api/channels`). */
  listMine(caller: Principal, type: RoomType): Promise<RoomSummary[]> {
    return this.memberRooms(caller.id, type);
  }

  /** Members of a room the caller may see, in joining order. */
  async members(caller: Principal, roomId: number, type?: RoomType): Promise<User[]> {
    await this.assertCanView(caller, roomId, type);
    return this.memberUsers(roomId);
  }

  /** A room with its members (basic group/channel details). */
  async getWithMembers(
    caller: Principal,
    roomId: number,
    type?: RoomType,
  ): Promise<{ summary: RoomSummary; members: User[] }> {
    const summary = await this.get(caller, roomId, type);
    return { summary, members: await this.memberUsers(roomId) };
  }

  // ---- writes ----------------------------------------------------------------------------------

  /**
   * Creates a PUBLIC/PRIVATE room with the caller as creator and member, plus `memberIds`, in one
   * transaction: an unknown member id is a 400 and nothing is created. DIRECT_MESSAGE delegates
   * to findOrCreateDirect (`created` tells which happened).
   */
  async create(caller: Principal, input: NewRoom): Promise<{ summary: RoomSummary; created: boolean }> {
    if (input.type === RoomType.DIRECT_MESSAGE) {
      if (input.memberId === undefined)
        throw new BadRequestException('memberId (the other user) is required for a DIRECT_MESSAGE room');
      if (input.memberIds?.length)
        throw new BadRequestException('A direct-message room holds exactly two users: use memberId');
      return this.findOrCreateDirect(caller, input.memberId);
    }
    if (input.memberId !== undefined)
      throw new BadRequestException('memberId is only for DIRECT_MESSAGE rooms');
    const name = input.name?.trim();
    if (!name) throw new BadRequestException('name is required for PUBLIC and PRIVATE rooms');
    const memberIds = [...new Set([caller.id, ...(input.memberIds ?? [])])];
    await this.assertNameFree(name);
    let room: Room;
    try {
      room = await this.transaction(async (m) => {
        const found = await m.getRepository(User).count({ where: { id: In(memberIds) } });
        if (found !== memberIds.length) throw unknownMembers();
        return this.insertRoom(
          m,
          { name, nameKey: roomNameKey(name), type: input.type },
          caller.id,
          memberIds,
        );
      });
    } catch (err) {
      throw this.translateWriteError(err);
    }
    this.afterCreate(room, memberIds, caller.id);
    return { summary: { room: await this.mustLoad(room.id), memberCount: memberIds.length }, created: true };
  }

  /**
   * The one direct-message room of the caller and another user, created on first use. Never
   * duplicated: concurrent calls race on the unique dm_key and the loser returns the winner's
   * room. A user who had left it is back in it. 400 for oneself, 404 for an unknown user.
   */
  async findOrCreateDirect(
    caller: Principal,
    otherId: number,
  ): Promise<{ summary: RoomSummary; created: boolean }> {
    if (otherId === caller.id)
      throw new BadRequestException('A direct-message room needs another user than yourself');
    const other = await this.users.getExisting(otherId);
    const dmKey = directMessageKey(caller.id, otherId);
    const repo = this.dataSource.getRepository(Room);
    let existing = await repo.findOne({ where: { dmKey }, select: { id: true } });
    if (!existing) {
      const [first, second] = caller.id < other.id ? [caller, other] : [other, caller];
      try {
        const room = await this.transaction((m) =>
          this.insertRoom(
            m,
            {
              name: `${first.username}, ${second.username}`.slice(0, 100),
              nameKey: null,
              dmKey,
              type: RoomType.DIRECT_MESSAGE,
            },
            caller.id,
            [caller.id, otherId],
          ),
        );
        this.afterCreate(room, [caller.id, otherId], caller.id);
        return { summary: (await this.summaries([await this.mustLoad(room.id)]))[0], created: true };
      } catch (err) {
        if (isForeignKeyViolation(err)) throw new NotFoundException(`User ${otherId} not found`);
        if (!isUniqueViolation(err)) throw err;
        existing = await repo.findOne({ where: { dmKey }, select: { id: true } });
        if (!existing) throw err;
      }
    }
    for (const userId of [caller.id, otherId]) await this.insertMember(existing.id, userId, caller.id);
    return { summary: (await this.summaries([await this.mustLoad(existing.id)]))[0], created: false };
  }

  /** Rename and/or switch PUBLIC <-> PRIVATE (creator or admin); a name clash is a 400. */
  async update(caller: Principal, roomId: number, changes: RoomChanges): Promise<RoomSummary> {
    const room = await this.mustLoad(roomId);
    assertCanManage(caller, infoOf(room));
    assertTypeChange(room.type, changes.type);
    const patch: Partial<Room> = {};
    const name = changes.name?.trim();
    if (name !== undefined && name !== room.name) {
      patch.name = name;
      if (room.type !== RoomType.DIRECT_MESSAGE) {
        patch.nameKey = roomNameKey(name);
        if (patch.nameKey !== room.nameKey) await this.assertNameFree(name);
      }
    }
    if (changes.type !== undefined && changes.type !== room.type) patch.type = changes.type;
    if (Object.keys(patch).length) {
      try {
        await this.dataSource.getRepository(Room).update({ id: roomId }, patch);
      } catch (err) {
        throw this.translateWriteError(err);
      }
      this.cache.invalidateRoom(roomId);
      const updated = { ...room, ...patch };
      this.events.emit('room.updated', {
        roomId,
        roomType: updated.type,
        name: updated.name,
        actorId: caller.id,
      });
    }
    return (await this.summaries([await this.mustLoad(roomId)]))[0];
  }

  /** Deletes a room with its memberships and messages (FK cascade). Creator or admin. */
  async delete(caller: Principal, roomId: number): Promise<void> {
    const room = await this.getRoomInfo(roomId);
    if (!room) throw notFound(roomId);
    assertCanManage(caller, room);
    const memberIds = (
      await this.dataSource
        .getRepository(RoomMember)
        .find({ where: { roomId }, select: { userId: true }, order: { userId: 'ASC' } })
    ).map((m) => m.userId);
    const result = await this.dataSource.getRepository(Room).delete({ id: roomId });
    this.cache.invalidateRoom(roomId);
    if (!result.affected) throw notFound(roomId);
    this.events.emit('room.deleted', { roomId, roomType: room.type, memberIds, actorId: caller.id });
  }

  /**
   * Adds a user (creator or admin; a user may join a PUBLIC room). 404 unknown room or user,
   * 403 not allowed, 400 already a member. `type` restricts the room type (basic surface).
   */
  async addMember(caller: Principal, roomId: number, userId: number, type?: RoomType): Promise<void> {
    const room = await this.getRoomInfo(roomId);
    if (!room || (type && room.type !== type)) throw notFound(roomId, type);
    assertCanAddMember(caller, room, userId);
    await this.users.getExisting(userId);
    if (!(await this.insertMember(roomId, userId, caller.id)))
      throw new BadRequestException('User is already a member of this room');
  }

  /** Removes a member (creator or admin), or the caller leaves. 404 unknown room or not a member. */
  async removeMember(caller: Principal, roomId: number, userId: number, type?: RoomType): Promise<void> {
    const room = await this.getRoomInfo(roomId);
    if (!room || (type && room.type !== type)) throw notFound(roomId, type);
    assertCanRemoveMember(caller, room, userId);
    const result = await this.dataSource.getRepository(RoomMember).delete({ roomId, userId });
    this.cache.invalidateMember(roomId, userId);
    if (!result.affected) throw new NotFoundException(`User ${userId} is not a member of this room`);
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
    const room = await this.getRoomInfo(roomId);
    if (!room || room.type !== type) throw notFound(roomId, type);
    const remove =
      action === undefined
        ? await this.dataSource.getRepository(RoomMember).exists({ where: { roomId, userId } })
        : action === 'remove';
    if (remove) await this.removeMember(caller, roomId, userId, type);
    else await this.addMember(caller, roomId, userId, type);
    return {
      action: remove ? 'removed' : 'added',
      memberCount: await this.dataSource.getRepository(RoomMember).count({ where: { roomId } }),
    };
  }

  // ---- internals -------------------------------------------------------------------------------

  private async assertCanView(caller: Principal, roomId: number, type?: RoomType): Promise<RoomInfo> {
    const room = await this.getRoomInfo(roomId);
    if (!room || (type && room.type !== type)) throw notFound(roomId, type);
    if (!canView(caller, room, room.type === RoomType.PUBLIC || (await this.isMember(roomId, caller.id))))
      throw new ForbiddenException('You are not a member of this room');
    return room;
  }

  private async assertNameFree(name: string): Promise<void> {
    const clash = await this.dataSource.getRepository(Room).exists({ where: { nameKey: roomNameKey(name) } });
    if (clash) throw new BadRequestException(NAME_TAKEN);
  }

  private translateWriteError(err: unknown): unknown {
    if (isUniqueViolation(err)) return new BadRequestException(NAME_TAKEN);
    if (isForeignKeyViolation(err)) return unknownMembers();
    return err;
  }

  private async insertRoom(
    m: EntityManager,
    fields: Pick<Room, 'name' | 'nameKey' | 'type'> & Partial<Pick<Room, 'dmKey'>>,
    creatorId: number,
    memberIds: number[],
  ): Promise<Room> {
    const now = new Date();
    const room = await m
      .getRepository(Room)
      .save(m.getRepository(Room).create({ dmKey: null, ...fields, creatorId, createdAt: now }));
    await m
      .getRepository(RoomMember)
      .insert(memberIds.map((userId) => ({ roomId: room.id, userId, joinedAt: now })));
    return room;
  }

  private afterCreate(room: Room, memberIds: number[], actorId: number): void {
    this.cache.invalidateRoom(room.id);
    for (const userId of memberIds)
      this.events.emit('membership.added', { roomId: room.id, userId, actorId, roomType: room.type });
  }

  /**
   * Inserts a membership; false when it already existed (concurrent adds are safe). Its read
   * marker starts at the room's newest message: a newcomer has nothing unread.
   */
  private async insertMember(roomId: number, userId: number, actorId: number): Promise<boolean> {
    const repo = this.dataSource.getRepository(RoomMember);
    if (await repo.exists({ where: { roomId, userId } })) return false;
    try {
      const newest: { id: number | string | null }[] = await this.dataSource.query(
        'SELECT MAX(id) AS id FROM messages WHERE room_id = ?',
        [roomId],
      );
      const lastReadMessageId = newest[0]?.id == null ? null : Number(newest[0].id);
      await repo.insert({ roomId, userId, joinedAt: new Date(), lastReadMessageId });
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      if (isForeignKeyViolation(err)) throw new NotFoundException('Room or user not found');
      throw err;
    } finally {
      this.cache.invalidateMember(roomId, userId);
    }
    const room = await this.getRoomInfo(roomId);
    if (room) this.events.emit('membership.added', { roomId, userId, actorId, roomType: room.type });
    return true;
  }

  private roomQuery() {
    return this.dataSource.getRepository(Room).createQueryBuilder('r').leftJoinAndSelect('r.creator', 'c');
  }

  private loadRoom(roomId: number): Promise<Room | null> {
    return this.roomQuery().where('r.id = :roomId', { roomId }).getOne();
  }

  private async mustLoad(roomId: number): Promise<Room> {
    const room = await this.loadRoom(roomId);
    if (!room) throw notFound(roomId);
    return room;
  }

  private async memberRooms(userId: number, type?: RoomType): Promise<RoomSummary[]> {
    const q = this.roomQuery()
      .innerJoin(RoomMember, 'm', 'm.room_id = r.id AND m.user_id = :userId', { userId })
      .orderBy('r.id', 'ASC');
    if (type) q.where('r.type = :type', { type });
    return this.summaries(await q.getMany());
  }

  private memberUsers(roomId: number): Promise<User[]> {
    return this.dataSource
      .getRepository(User)
      .createQueryBuilder('u')
      .innerJoin(RoomMember, 'm', 'm.user_id = u.id AND m.room_id = :roomId', { roomId })
      .orderBy('m.joined_at', 'ASC')
      .addOrderBy('u.id', 'ASC')
      .getMany();
  }

  /** Member counts of several rooms in one grouped query. */
  private async summaries(rooms: Room[]): Promise<RoomSummary[]> {
    if (!rooms.length) return [];
    const rows: { roomId: number | string; count: number | string }[] = await this.dataSource
      .getRepository(RoomMember)
      .createQueryBuilder('m')
      .select('m.room_id', 'roomId')
      .addSelect('COUNT(*)', 'count')
      .where('m.room_id IN (:...ids)', { ids: rooms.map((r) => r.id) })
      .groupBy('m.room_id')
      .getRawMany();
    const counts = new Map(rows.map((r) => [Number(r.roomId), Number(r.count)]));
    return rooms.map((room) => ({ room, memberCount: counts.get(room.id) ?? 0 }));
  }

  /**
   * A transaction. better-sqlite3 has one connection, so two interleaved TypeORM transactions
   * would nest as savepoints of each other: on SQLite they run one after another.
   */
  private transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    if (this.dataSource.options.type !== 'better-sqlite3') return this.dataSource.transaction(work);
    const run = this.txQueue.then(() => this.dataSource.transaction(work));
    this.txQueue = run.catch(() => undefined);
    return run;
  }
}

function infoOf(room: Room): RoomInfo {
  return { id: room.id, type: room.type, creatorId: room.creatorId };
}

function notFound(roomId: number, type?: RoomType): NotFoundException {
  const what = type === RoomType.PRIVATE ? 'Group' : type === RoomType.PUBLIC ? 'Channel' : 'Chat room';
  return new NotFoundException(`${what} ${roomId} not found`);
}

function unknownMembers(): BadRequestException {
  return new BadRequestException('members must all be existing user ids');
}
