import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { PageWindow } from '../common/pagination/list-page';
import { TransactionRunner } from '../database/transaction-runner';
import { User } from '../users/user.entity';
import { RoomSummary } from './dto/room.dto';
import { RoomInfo } from './membership-cache';
import { RoomMember } from './room-member.entity';
import { Room, RoomType } from './room.entity';

/** The stored fields of a new room (the creator and creation time are added on insert). */
export type NewRoomFields = Pick<Room, 'name' | 'nameKey' | 'type'> & Partial<Pick<Room, 'dmKey'>>;

/**
 * Room and membership storage. Lists cost the same number of queries whatever they hold: rooms
 * come with their creator in one join and member counts in one grouped query per page.
 */
@Injectable()
export class RoomsRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
  ) {}

  // ---- rooms -----------------------------------------------------------------------------------

  /** Type and creator of a room, or null when it does not exist. */
  async info(roomId: number): Promise<RoomInfo | null> {
    const room = await this.dataSource.getRepository(Room).findOne({
      where: { id: roomId },
      select: { id: true, type: true, creatorId: true },
    });
    return room ? { id: room.id, type: room.type, creatorId: room.creatorId } : null;
  }

  /** A room with its creator. */
  load(roomId: number): Promise<Room | null> {
    return this.roomQuery().where('r.id = :roomId', { roomId }).getOne();
  }

  /** A room with its creator and member count. */
  async summary(roomId: number): Promise<RoomSummary | null> {
    const room = await this.load(roomId);
    return room ? (await this.summaries([room]))[0] : null;
  }

  /**
   * A page of every room, or (`memberId`) of the PUBLIC rooms plus those the user belongs to; by
   * id. A room has one creator, so the join never multiplies rows and LIMIT/OFFSET count rooms.
   */
  listVisible(memberId: number | undefined, window: PageWindow): Promise<Room[]> {
    const q = this.roomQuery().orderBy('r.id', 'ASC').offset(window.offset).limit(window.limit);
    if (memberId !== undefined) {
      q.where('r.type = :public', { public: RoomType.PUBLIC }).orWhere(
        'r.id IN (SELECT m.room_id FROM room_members m WHERE m.user_id = :me)',
        { me: memberId },
      );
    }
    return q.getMany();
  }

  /** A page of the rooms a user belongs to, optionally of one type; by id. */
  listOfMember(userId: number, window: PageWindow, type?: RoomType): Promise<Room[]> {
    const q = this.roomQuery()
      .innerJoin(RoomMember, 'm', 'm.room_id = r.id AND m.user_id = :userId', { userId })
      .orderBy('r.id', 'ASC')
      .offset(window.offset)
      .limit(window.limit);
    if (type) q.where('r.type = :type', { type });
    return q.getMany();
  }

  /** Whether a PUBLIC/PRIVATE room already has this (lower-cased) name. */
  nameTaken(nameKey: string): Promise<boolean> {
    return this.dataSource.getRepository(Room).exists({ where: { nameKey } });
  }

  /** The id of the direct-message room with this key, or null. */
  async findDirect(dmKey: string): Promise<number | null> {
    const room = await this.dataSource
      .getRepository(Room)
      .findOne({ where: { dmKey }, select: { id: true } });
    return room?.id ?? null;
  }

  /**
   * Inserts a room and its first members in one transaction. Null, and nothing written, when a
   * member id is not an existing user.
   */
  insertWithMembers(fields: NewRoomFields, creatorId: number, memberIds: number[]): Promise<Room | null> {
    return this.transactions.transaction(async (m) => {
      const found = await m.getRepository(User).count({ where: { id: In(memberIds) } });
      if (found !== memberIds.length) return null;
      const now = new Date();
      const rooms = m.getRepository(Room);
      const room = await rooms.save(rooms.create({ dmKey: null, ...fields, creatorId, createdAt: now }));
      await m
        .getRepository(RoomMember)
        .insert(memberIds.map((userId) => ({ roomId: room.id, userId, joinedAt: now })));
      return room;
    });
  }

  async update(roomId: number, patch: Partial<Room>): Promise<void> {
    await this.dataSource.getRepository(Room).update({ id: roomId }, patch);
  }

  /** Deletes a room with its memberships and messages (FK cascade); false when it did not exist. */
  async delete(roomId: number): Promise<boolean> {
    return !!(await this.dataSource.getRepository(Room).delete({ id: roomId })).affected;
  }

  // ---- memberships -----------------------------------------------------------------------------

  isMember(roomId: number, userId: number): Promise<boolean> {
    return this.dataSource.getRepository(RoomMember).exists({ where: { roomId, userId } });
  }

  countMembers(roomId: number): Promise<number> {
    return this.dataSource.getRepository(RoomMember).count({ where: { roomId } });
  }

  /** Ids of a room's members, ascending. */
  async memberIds(roomId: number): Promise<number[]> {
    const rows = await this.dataSource
      .getRepository(RoomMember)
      .find({ where: { roomId }, select: { userId: true }, order: { userId: 'ASC' } });
    return rows.map((m) => m.userId);
  }

  /** The members of a room as users, in joining order. */
  memberUsers(roomId: number): Promise<User[]> {
    return this.dataSource
      .getRepository(User)
      .createQueryBuilder('u')
      .innerJoin(RoomMember, 'm', 'm.user_id = u.id AND m.room_id = :roomId', { roomId })
      .orderBy('m.joined_at', 'ASC')
      .addOrderBy('u.id', 'ASC')
      .getMany();
  }

  /**
   * Inserts a membership (a duplicate is a unique violation, an unknown room or user a FK one).
   * Its read marker starts at the room's newest message (an index lookup): a newcomer has nothing
   * unread.
   */
  async insertMember(roomId: number, userId: number): Promise<void> {
    const newest: { id: number | string | null }[] = await this.dataSource.query(
      'SELECT MAX(id) AS id FROM messages WHERE room_id = ?',
      [roomId],
    );
    const lastReadMessageId = newest[0]?.id == null ? null : Number(newest[0].id);
    await this.dataSource
      .getRepository(RoomMember)
      .insert({ roomId, userId, joinedAt: new Date(), lastReadMessageId });
  }

  /** Deletes a membership; false when there was none. */
  async deleteMember(roomId: number, userId: number): Promise<boolean> {
    return !!(await this.dataSource.getRepository(RoomMember).delete({ roomId, userId })).affected;
  }

  /** Rooms with their member counts, in one grouped query. */
  async summaries(rooms: Room[]): Promise<RoomSummary[]> {
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

  private roomQuery() {
    return this.dataSource.getRepository(Room).createQueryBuilder('r').leftJoinAndSelect('r.creator', 'c');
  }
}
