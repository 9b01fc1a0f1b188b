import { Injectable } from '@nestjs/common';
import { ClusterEvents } from '../common/events/cluster-events';
import { RoomType } from './room.entity';

/** What the per-message path needs to know about a room. */
export interface RoomInfo {
  id: number;
  type: RoomType;
  creatorId: number | null;
}

export const ROOMS_INVALIDATION_CHANNEL = 'cache.rooms';
const TTL_MS = 60_000;
const MAX_ROOMS = 50_000;
const MAX_MEMBER_ENTRIES = 500_000;

type Invalidation =
  | { kind: 'room'; roomId: number }
  | { kind: 'member'; roomId: number; userId: number }
  | { kind: 'user'; userId: number };

interface RoomEntry {
  info?: { value: RoomInfo | null; expires: number };
  members: Map<number, { member: boolean; expires: number }>;
}

/**
 * Room facts (type, creator) and memberships (room + user -> member?) kept in memory, so
 * sending a message or authorizing a subscription costs no database read.
 *
 * Every change invalidates through ClusterEvents, so every instance forgets at once (the local
 * one synchronously). A read that started before an invalidation does not fill the cache with
 * what it read (generation check), so a slow lookup can never re-insert a stale answer. Entries
 * also expire after a minute, which bounds staleness should an invalidation be lost.
 */
@Injectable()
export class MembershipCache {
  private readonly rooms = new Map<number, RoomEntry>();
  private memberEntries = 0;
  private generation = 0;

  constructor(private readonly cluster: ClusterEvents) {
    cluster.subscribe(ROOMS_INVALIDATION_CHANNEL, (payload) => this.apply(payload as Invalidation));
  }

  /** The cached room facts: a RoomInfo, null (known not to exist) or undefined (unknown). */
  room(roomId: number): RoomInfo | null | undefined {
    const info = this.rooms.get(roomId)?.info;
    if (!info) return undefined;
    if (info.expires < Date.now()) return undefined;
    return info.value;
  }

  /** Cached membership: true, false, or undefined (unknown). */
  member(roomId: number, userId: number): boolean | undefined {
    const entry = this.rooms.get(roomId)?.members.get(userId);
    if (!entry || entry.expires < Date.now()) return undefined;
    return entry.member;
  }

  /** Take before reading the database; pass to put* so a read that raced an invalidation is dropped. */
  snapshot(): number {
    return this.generation;
  }

  putRoom(roomId: number, value: RoomInfo | null, snapshot: number): void {
    if (snapshot !== this.generation) return;
    this.entry(roomId).info = { value, expires: Date.now() + TTL_MS };
  }

  putMember(roomId: number, userId: number, member: boolean, snapshot: number): void {
    if (snapshot !== this.generation) return;
    if (this.memberEntries >= MAX_MEMBER_ENTRIES) this.clear();
    const members = this.entry(roomId).members;
    if (!members.has(userId)) this.memberEntries++;
    members.set(userId, { member, expires: Date.now() + TTL_MS });
  }

  /** The room's facts and all its memberships, on every instance (update, delete, create). */
  invalidateRoom(roomId: number): void {
    this.cluster.publish(ROOMS_INVALIDATION_CHANNEL, { kind: 'room', roomId } satisfies Invalidation);
  }

  /** One membership, on every instance (added, removed, left). */
  invalidateMember(roomId: number, userId: number): void {
    this.cluster.publish(ROOMS_INVALIDATION_CHANNEL, {
      kind: 'member',
      roomId,
      userId,
    } satisfies Invalidation);
  }

  /** Everything about a user, on every instance: its memberships and the rooms it created (deleted user). */
  invalidateUser(userId: number): void {
    this.cluster.publish(ROOMS_INVALIDATION_CHANNEL, { kind: 'user', userId } satisfies Invalidation);
  }

  private apply(msg: Invalidation): void {
    this.generation++;
    if (msg.kind === 'room') this.forgetRoom(msg.roomId);
    else if (msg.kind === 'member') this.forgetMember(msg.roomId, msg.userId);
    else this.forgetUser(msg.userId);
  }

  private forgetRoom(roomId: number): void {
    const entry = this.rooms.get(roomId);
    if (entry) this.memberEntries -= entry.members.size;
    this.rooms.delete(roomId);
  }

  private forgetMember(roomId: number, userId: number): void {
    if (this.rooms.get(roomId)?.members.delete(userId)) this.memberEntries--;
  }

  private forgetUser(userId: number): void {
    for (const entry of this.rooms.values()) {
      if (entry.members.delete(userId)) this.memberEntries--;
      if (entry.info?.value?.creatorId === userId) entry.info = undefined;
    }
  }

  private entry(roomId: number): RoomEntry {
    let entry = this.rooms.get(roomId);
    if (!entry) {
      if (this.rooms.size >= MAX_ROOMS) this.clear();
      entry = { members: new Map() };
      this.rooms.set(roomId, entry);
    }
    return entry;
  }

  private clear(): void {
    this.rooms.clear();
    this.memberEntries = 0;
  }
}
