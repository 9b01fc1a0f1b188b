import { BadRequestException, Injectable } from '@nestjs/common';
import { DomainEvents } from '../common/events/domain-events';
import { ListPage, ListPageQuery, pageWindow, toListPage } from '../common/pagination/list-page';
import { isForeignKeyViolation, isUniqueViolation } from '../common/filters/all-exceptions.filter';
import { isAdmin, Principal } from '../common/principal';
import { TokenBuckets } from '../common/rate-limit/token-buckets';
import { AppConfig } from '../config/app-config';
import { User } from '../users/user.entity';
import { UserPrivacy } from '../users/user-privacy';
import { UsersService } from '../users/users.service';
import { RoomMemberDto, RoomSummary } from './dto/room.dto';
import { DirectMessagesService } from './direct-messages.service';
import { MembershipCache, RoomInfo } from './membership-cache';
import { RoomAccessService } from './room-access.service';
import { NAME_TAKEN, roomNotFound, unknownMembers } from './room-errors';
import { RoomMembershipService } from './room-membership.service';
import { assertCanManage, assertTypeChange, roomNameKey } from './room-rules';
import { Room, RoomType } from './room.entity';
import { RoomsRepository } from './rooms.repository';

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

/**
 * Rooms and who may see or change them, shared by the v1 controller, the basic groups/channels
 * controllers, MessagesService and the STOMP layer. The per-message checks are RoomAccessService's
 * (cached), memberships RoomMembershipService's, direct-message rooms DirectMessagesService's;
 * the queries are in RoomsRepository. Every write invalidates the MembershipCache (on all
 * instances) and emits its domain event after the commit.
 */
@Injectable()
export class RoomsService {
  constructor(
    private readonly repository: RoomsRepository,
    private readonly access: RoomAccessService,
    private readonly membership: RoomMembershipService,
    private readonly directMessages: DirectMessagesService,
    private readonly users: UsersService,
    private readonly cache: MembershipCache,
    private readonly events: DomainEvents,
    private readonly privacy: UserPrivacy,
    config: AppConfig,
  ) {
    this.creations = new TokenBuckets(() => config.settings.limits.roomCreations);
  }

  /** PUBLIC/PRIVATE rooms created per user (ROOM_CREATE_RATE_PER_MINUTE / ROOM_CREATE_BURST). */
  private readonly creations: TokenBuckets;

  // ---- per-message checks (cached), for messages and the STOMP layer ---------------------------

  /** Type and creator of a room, or null when it does not exist. No database read when cached. */
  getRoomInfo(roomId: number): Promise<RoomInfo | null> {
    return this.access.getRoomInfo(roomId);
  }

  /** Whether the caller holds the creator's powers over the room (a member creator; never in a DM). */
  creatorPowers(caller: Principal, room: RoomInfo): Promise<boolean> {
    return this.access.creatorPowers(caller, room);
  }

  /** STOMP SUBSCRIBE to a room's topics: the room exists and the caller is a member or an admin. */
  canSubscribe(caller: Principal, roomId: number): Promise<boolean> {
    return this.access.canSubscribe(caller, roomId);
  }

  /** Taking part (history, sending): 404 unknown room (or another `type`), 403 unless a member or an admin. */
  assertCanTakePart(caller: Principal, roomId: number, type?: RoomType): Promise<RoomInfo> {
    return this.access.assertCanTakePart(caller, roomId, type);
  }

  // ---- reads -----------------------------------------------------------------------------------

  /** A room the caller may see (PUBLIC, or member, or admin): 404 unknown, 403 hidden. */
  async get(caller: Principal, roomId: number, type?: RoomType): Promise<RoomSummary> {
    await this.access.assertCanView(caller, roomId, type);
    const summary = await this.repository.summary(roomId);
    if (!summary) throw roomNotFound(roomId, type);
    return summary;
  }

  /** A page of the rooms the caller may see: all PUBLIC rooms plus the others it belongs to (admins: all). */
  async list(caller: Principal, query?: ListPageQuery): Promise<ListPage<RoomSummary>> {
    const window = pageWindow(query);
    const rooms = await this.repository.listVisible(isAdmin(caller) ? undefined : caller.id, window);
    return toListPage(await this.repository.summaries(rooms), window);
  }

  /** A page of the rooms a user belongs to (self or admin; 403 for another id before 404 for an unknown one). */
  async listForUser(
    caller: Principal,
    userId: number,
    query?: ListPageQuery,
  ): Promise<ListPage<RoomSummary>> {
    this.users.assertSelfOrAdmin(caller, userId);
    await this.users.getExisting(userId);
    const window = pageWindow(query);
    return toListPage(
      await this.repository.summaries(await this.repository.listOfMember(userId, window)),
      window,
    );
  }

  /** A page of the caller's own rooms of one type (basic `GET /api/groups`, `GET /api/channels`). */
  async listMine(caller: Principal, type: RoomType, query?: ListPageQuery): Promise<ListPage<RoomSummary>> {
    const window = pageWindow(query);
    const rooms = await this.repository.listOfMember(caller.id, window, type);
    return toListPage(await this.repository.summaries(rooms), window);
  }

  /**
   * Members of a room the caller may see, in joining order, with e-mail addresses and roles as
   * USER_EMAIL_VISIBILITY lets the caller see them (UserPrivacy).
   */
  async members(caller: Principal, roomId: number, type?: RoomType): Promise<RoomMemberDto[]> {
    await this.access.assertCanView(caller, roomId, type);
    const users = await this.repository.memberUsers(roomId);
    return users.map((u) => RoomMemberDto.from(u, this.privacy.showsPrivateFields(caller, u.id)));
  }

  /** A room with its members (basic group/channel details). */
  async getWithMembers(
    caller: Principal,
    roomId: number,
    type?: RoomType,
  ): Promise<{ summary: RoomSummary; members: User[] }> {
    const summary = await this.get(caller, roomId, type);
    return { summary, members: await this.repository.memberUsers(roomId) };
  }

  // ---- writes ----------------------------------------------------------------------------------

  /**
   * Creates a PUBLIC/PRIVATE room with the caller as creator and member, plus `memberIds`, in one
   * transaction: an unknown member id is a 400 and nothing is created. DIRECT_MESSAGE delegates
   * to findOrCreateDirect (`created` tells which happened).
   */
  async create(caller: Principal, input: NewRoom): Promise<{ summary: RoomSummary; created: boolean }> {
    if (input.type === RoomType.DIRECT_MESSAGE) return this.createDirect(caller, input);
    if (input.memberId !== undefined)
      throw new BadRequestException('memberId is only for DIRECT_MESSAGE rooms');
    const name = input.name?.trim();
    if (!name) throw new BadRequestException('name is required for PUBLIC and PRIVATE rooms');
    this.creations.takeOrThrow(caller.id, 'Too many rooms created');
    const memberIds = [...new Set([caller.id, ...(input.memberIds ?? [])])];
    await this.assertNameFree(name);
    let room: Room | null;
    try {
      room = await this.repository.insertWithMembers(
        { name, nameKey: roomNameKey(name), type: input.type },
        caller.id,
        memberIds,
      );
    } catch (err) {
      throw translateWriteError(err);
    }
    if (!room) throw unknownMembers();
    this.membership.created(room, memberIds, caller.id);
    return { summary: { room: await this.mustLoad(room.id), memberCount: memberIds.length }, created: true };
  }

  /**
   * The one direct-message room of the caller and another user, created on first use (see
   * DirectMessagesService). 400 for oneself, 404 for an unknown user.
   */
  findOrCreateDirect(
    caller: Principal,
    otherId: number,
  ): Promise<{ summary: RoomSummary; created: boolean }> {
    return this.directMessages.findOrCreate(caller, otherId);
  }

  /** Rename and/or switch PUBLIC <-> PRIVATE (creator or admin); a name clash is a 400. */
  async update(caller: Principal, roomId: number, changes: RoomChanges): Promise<RoomSummary> {
    const room = await this.mustLoad(roomId);
    assertCanManage(
      caller,
      await this.access.creatorPowers(caller, { id: room.id, type: room.type, creatorId: room.creatorId }),
    );
    assertTypeChange(room.type, changes.type);
    const patch = await this.patchFor(room, changes);
    if (Object.keys(patch).length) {
      try {
        await this.repository.update(roomId, patch);
      } catch (err) {
        throw translateWriteError(err);
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
    const summary = await this.repository.summary(roomId);
    if (!summary) throw roomNotFound(roomId);
    return summary;
  }

  /** Deletes a room with its memberships and messages (FK cascade). Creator or admin. */
  async delete(caller: Principal, roomId: number): Promise<void> {
    const room = await this.access.existing(roomId);
    assertCanManage(caller, await this.access.creatorPowers(caller, room));
    const memberIds = await this.repository.memberIds(roomId);
    const deleted = await this.repository.delete(roomId);
    this.cache.invalidateRoom(roomId);
    if (!deleted) throw roomNotFound(roomId);
    this.events.emit('room.deleted', { roomId, roomType: room.type, memberIds, actorId: caller.id });
  }

  // ---- internals -------------------------------------------------------------------------------

  private createDirect(
    caller: Principal,
    input: NewRoom,
  ): Promise<{ summary: RoomSummary; created: boolean }> {
    if (input.memberId === undefined)
      throw new BadRequestException('memberId (the other user) is required for a DIRECT_MESSAGE room');
    if (input.memberIds?.length)
      throw new BadRequestException('A direct-message room holds exactly two users: use memberId');
    return this.directMessages.findOrCreate(caller, input.memberId);
  }

  /** The columns a change really changes; a new PUBLIC/PRIVATE name must be free. */
  private async patchFor(room: Room, changes: RoomChanges): Promise<Partial<Room>> {
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
    return patch;
  }

  private async assertNameFree(name: string): Promise<void> {
    if (await this.repository.nameTaken(roomNameKey(name))) throw new BadRequestException(NAME_TAKEN);
  }

  private async mustLoad(roomId: number): Promise<Room> {
    const room = await this.repository.load(roomId);
    if (!room) throw roomNotFound(roomId);
    return room;
  }
}

function translateWriteError(err: unknown): unknown {
  if (isUniqueViolation(err)) return new BadRequestException(NAME_TAKEN);
  if (isForeignKeyViolation(err)) return unknownMembers();
  return err;
}
