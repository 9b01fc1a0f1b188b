/** How long another user's indicator stays without news. */
export const TYPING_SHOWN_MS = 6000;
/** At most one `typing:true` per room this often while the user types. */
export const TYPING_REFRESH_MS = 3000;
/** `typing:false` after this long without a keystroke. */
export const TYPING_IDLE_MS = 4000;

/** Who else is typing in the open room, each until their indicator expires. No DOM, no timers. */
export class TypingState {
  private readonly typists = new Map<number, { username: string; until: number }>();

  /** A typing event from someone else. */
  apply(userId: number, username: string | undefined, typing: boolean, now: number): void {
    if (!typing) this.typists.delete(userId);
    else this.typists.set(userId, { username: username ?? `user ${userId}`, until: now + TYPING_SHOWN_MS });
  }

  /** They sent a message: they stopped typing. True when they were shown. */
  stopped(userId: number): boolean {
    return this.typists.delete(userId);
  }

  clear(): void {
    this.typists.clear();
  }

  /** Names still typing at `now` (expired ones are dropped). */
  names(now: number): string[] {
    for (const [id, t] of this.typists) if (t.until <= now) this.typists.delete(id);
    return [...this.typists.values()].map((t) => t.username);
  }

  /** When the next indicator expires, if any. */
  nextExpiry(): number | undefined {
    const times = [...this.typists.values()].map((t) => t.until);
    return times.length ? Math.min(...times) : undefined;
  }
}

/** "alice is typing…", "alice and bob are typing…", ..., "Several people are typing…". */
export function typingText(names: string[]): string {
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  if (names.length === 3) return `${names[0]}, ${names[1]} and ${names[2]} are typing…`;
  return 'Several people are typing…';
}

/** The user's own typing: which room was told `typing:true`, and when. */
export class OwnTyping {
  private room: number | undefined;
  private sentAt = 0;

  /** The user typed in `roomId` at `now`: true when `typing:true` is due. */
  typed(roomId: number, now: number): boolean {
    if (this.room === roomId && now - this.sentAt <= TYPING_REFRESH_MS) return false;
    this.room = roomId;
    this.sentAt = now;
    return true;
  }

  /** The user stopped: the room to tell `typing:false`, if one was told `typing:true`. */
  stop(): number | undefined {
    const room = this.room;
    this.room = undefined;
    this.sentAt = 0;
    return room;
  }
}
