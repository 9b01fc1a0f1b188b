import type { ReadStatePayload } from '../../../src/common/realtime/destinations';
import type { Message } from '../types';

/** Counts the server reports as exact; the badge shows "99+" above 99. */
export const BADGE_MAX = 99;

/** One room's read state as the page knows it. */
export interface RoomReadState {
  lastRead: number | null;
  unread: number;
  mentions: number;
}

/** An item of `GET /api/v1/rooms/unread`. */
export interface UnreadItem extends ReadStatePayload {
  lastMessageId: number | null;
}

/**
 * The user's read markers and unread / mention counts per room, from the server's summary, its
 * `/user/queue/read` pushes (other tabs and devices) and the messages that arrive. Marks what the
 * user has seen and hands out, at most once per batch, the marker to send. No DOM, no network.
 */
export class ReadState {
  private readonly rooms = new Map<number, RoomReadState>();
  /** Markers the user reached and the server was not told yet, per room. */
  private readonly unsent = new Map<number, number>();
  /** Where the marker was when each room was opened: the "new messages" divider follows it. */
  private readonly dividers = new Map<number, number | null>();
  /** The newest message when each room was opened: messages after it are not "new" for the divider. */
  private readonly newestAtOpen = new Map<number, number>();
  /** The newest message counted live per room. */
  private readonly newestCounted = new Map<number, number>();

  constructor(private readonly meId: number) {}

  get(roomId: number): RoomReadState {
    return this.rooms.get(roomId) ?? { lastRead: null, unread: 0, mentions: 0 };
  }

  /**
   * The server's summary replaces what the page counted, except in a room where the page already
   * knows more than the summary did when it was computed: a message newer than the summary's
   * newest was counted, or the marker is past the summary's (a push from a read made while the
   * summary was on its way, or this page's own reading). Markers only move forward.
   */
  applySummary(items: readonly UnreadItem[]): void {
    for (const i of items) {
      const newest = this.newestCounted.get(i.roomId);
      if (newest !== undefined && newest > (i.lastMessageId ?? 0)) continue;
      const known = this.rooms.get(i.roomId)?.lastRead ?? null;
      if (known !== null && known > (i.lastReadMessageId ?? 0)) continue;
      this.rooms.set(i.roomId, this.fromServer(i));
    }
  }

  /**
   * A marker push (this tab's read coming back, another tab's, or a send's). An older marker than
   * the one known is ignored; an equal or newer one brings the server's counts.
   */
  applyPush(p: ReadStatePayload): boolean {
    const known = this.rooms.get(p.roomId);
    if (known && known.lastRead !== null && (p.lastReadMessageId ?? 0) < known.lastRead) return false;
    this.rooms.set(p.roomId, this.fromServer(p));
    return true;
  }

  /** A message arrived in a room the user does not see right now: one more unread (and mention). */
  arrivedUnseen(m: Message): void {
    const state = this.entry(m.roomId);
    this.newestCounted.set(m.roomId, Math.max(this.newestCounted.get(m.roomId) ?? 0, m.id));
    if (m.sender?.id === this.meId) {
      // Sending reads the room up to one's own message (the server moved the marker too).
      this.rooms.set(m.roomId, { lastRead: Math.max(state.lastRead ?? 0, m.id), unread: 0, mentions: 0 });
      return;
    }
    if (state.lastRead !== null && m.id <= state.lastRead) return;
    state.unread++;
    if (mentionsMe(m, this.meId)) state.mentions++;
  }

  /**
   * The user has seen room `roomId` up to `messageId` (scrolled to it, or it arrived in view):
   * the marker moves locally (counts go to zero when it reaches the newest message) and waits to be
   * sent. False when it does not move the marker.
   */
  seen(roomId: number, messageId: number, newestId: number): boolean {
    const state = this.entry(roomId);
    if (state.lastRead !== null && messageId <= state.lastRead) return false;
    state.lastRead = messageId;
    if (messageId >= newestId) {
      state.unread = 0;
      state.mentions = 0;
    }
    this.unsent.set(roomId, messageId);
    return true;
  }

  /** The markers to send now (one per room, the newest reached), and forgets them. */
  takeUnsent(): { roomId: number; messageId: number }[] {
    const out = [...this.unsent].map(([roomId, messageId]) => ({ roomId, messageId }));
    this.unsent.clear();
    return out;
  }

  /** Remembers where the marker was as the room opens (the divider stays there while it is open). */
  opened(roomId: number, newestId: number): void {
    this.dividers.set(roomId, this.get(roomId).lastRead);
    this.newestAtOpen.set(roomId, newestId);
  }

  openedNewest(roomId: number): number {
    return this.newestAtOpen.get(roomId) ?? 0;
  }

  /** The "new messages" divider goes before the first message of others after this id. */
  dividerAfter(roomId: number): number | null | undefined {
    return this.dividers.get(roomId);
  }

  totalUnread(): number {
    let total = 0;
    for (const s of this.rooms.values()) total += s.unread;
    return total;
  }

  private entry(roomId: number): RoomReadState {
    let state = this.rooms.get(roomId);
    if (!state) {
      state = { lastRead: null, unread: 0, mentions: 0 };
      this.rooms.set(roomId, state);
    }
    return state;
  }

  private fromServer(p: ReadStatePayload): RoomReadState {
    return { lastRead: p.lastReadMessageId, unread: p.unreadCount, mentions: p.mentionCount };
  }
}

/** Whether a message mentions user `meId`. */
export function mentionsMe(m: Pick<Message, 'mentions'>, meId: number): boolean {
  return (m.mentions ?? []).some((u) => u.id === meId);
}

/** "99+" above BADGE_MAX. */
export function badgeText(count: number): string {
  return count > BADGE_MAX ? `${BADGE_MAX}+` : String(count);
}
