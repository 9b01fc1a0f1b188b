import type { Room, UserRef } from '../types';

/** What the page knows of one room besides its messages. */
export interface RoomEntry {
  room: Room;
  /** Messages after the user's read marker (the server's count, kept live by ReadState). */
  unread: number;
  /** Of those, the ones that mention the user. */
  mentions?: number;
  members?: UserRef[];
  /** A direct message's other member: the room is named after them. */
  dmPeer?: UserRef;
}

export interface SidebarLists {
  channels: RoomEntry[];
  dms: RoomEntry[];
  /** Public channels the user is not in. */
  others: RoomEntry[];
}

/** The rooms the page knows, the ones the user is in, and the one on screen. No DOM, no network. */
export class RoomsState {
  private readonly entries = new Map<number, RoomEntry>();
  private readonly mine = new Set<number>();
  private currentId: number | undefined;
  /** The room lists arrived at least once. */
  listed = false;

  constructor(private readonly meId: number) {}

  get current(): number | undefined {
    return this.currentId;
  }

  get currentEntry(): RoomEntry | undefined {
    return this.currentId === undefined ? undefined : this.entries.get(this.currentId);
  }

  /** Puts room `id` on screen (its unread count goes), or none. */
  open(id: number | undefined): void {
    this.currentId = id;
    const entry = id === undefined ? undefined : this.entries.get(id);
    if (entry) entry.unread = 0;
  }

  get(id: number): RoomEntry | undefined {
    return this.entries.get(id);
  }

  /** Adds a room or updates what is known of it. */
  upsert(room: Room): RoomEntry {
    const entry = this.entries.get(room.id);
    if (entry) {
      entry.room = { ...entry.room, ...room };
      return entry;
    }
    const added: RoomEntry = { room, unread: 0 };
    this.entries.set(room.id, added);
    return added;
  }

  delete(id: number): void {
    this.entries.delete(id);
    this.mine.delete(id);
  }

  isMember(id: number): boolean {
    return this.mine.has(id);
  }

  joined(id: number): void {
    this.mine.add(id);
  }

  /** The user is no longer in room `id`; it stays known (a public room can still be browsed). */
  left(id: number): void {
    this.mine.delete(id);
    const entry = this.entries.get(id);
    if (entry) entry.unread = 0;
  }

  memberOf(): number[] {
    return [...this.mine];
  }

  /**
   * The server's lists (every room the user may see, and the user's own): returns the rooms the
   * user was in and no longer is.
   */
  applyLists(all: Room[], mine: Room[]): number[] {
    const mineIds = new Set(mine.map((r) => r.id));
    const gone = [...this.mine].filter((id) => !mineIds.has(id));
    for (const id of gone) this.left(id);
    for (const room of [...all, ...mine]) this.upsert(room);
    for (const room of mine) this.mine.add(room.id);
    this.listed = true;
    return gone;
  }

  /** Stores a room's members; a direct message learns its peer from them. */
  setMembers(id: number, members: UserRef[]): RoomEntry | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    entry.members = members;
    if (entry.room.type === 'DIRECT_MESSAGE' && !entry.dmPeer) {
      entry.dmPeer = members.find((m) => m.id !== this.meId) ?? members[0];
    }
    return entry;
  }

  /** The member list changed (the user joined): it is fetched again. */
  forgetMembers(id: number): void {
    const entry = this.entries.get(id);
    if (entry) entry.members = undefined;
  }

  /** The user's direct messages whose peer is not known yet. */
  dmsWithoutPeer(): RoomEntry[] {
    return [...this.mine]
      .map((id) => this.entries.get(id))
      .filter((e): e is RoomEntry => !!e && e.room.type === 'DIRECT_MESSAGE' && !e.dmPeer);
  }

  /** Everyone seen as a member of any known room. */
  knownUserIds(): number[] {
    const ids = new Set<number>();
    for (const entry of this.entries.values()) for (const m of entry.members ?? []) ids.add(m.id);
    return [...ids];
  }

  /** The read state's counts, shown by the sidebar. */
  setCounts(id: number, unread: number, mentions: number): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    entry.unread = unread;
    entry.mentions = mentions;
  }

  countUnread(id: number, count: number): void {
    const entry = this.entries.get(id);
    if (entry && count > 0) entry.unread += count;
  }

  totalUnread(): number {
    let total = 0;
    for (const entry of this.entries.values()) total += entry.unread;
    return total;
  }

  sidebar(): SidebarLists {
    const all = [...this.entries.values()];
    const byName = (a: RoomEntry, b: RoomEntry) => roomName(a).localeCompare(roomName(b));
    const isDm = (e: RoomEntry) => e.room.type === 'DIRECT_MESSAGE';
    return {
      channels: all.filter((e) => this.mine.has(e.room.id) && !isDm(e)).sort(byName),
      dms: all.filter((e) => this.mine.has(e.room.id) && isDm(e)).sort(byName),
      others: all.filter((e) => !this.mine.has(e.room.id) && e.room.type === 'PUBLIC').sort(byName),
    };
  }

  /** Whether the user may delete others' messages in room `id` (its creator, or an admin). */
  canModerate(id: number, isAdmin: boolean): boolean {
    return isAdmin || this.entries.get(id)?.room.creator?.id === this.meId;
  }
}

/** A direct message is named after its peer; a channel after itself. */
export function roomName(entry: RoomEntry): string {
  if (entry.room.type === 'DIRECT_MESSAGE')
    return entry.dmPeer?.username ?? entry.room.name ?? 'Direct message';
  return entry.room.name ?? `room ${entry.room.id}`;
}
