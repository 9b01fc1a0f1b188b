import type { Message } from '../types';

/** One room's history as far as the page holds it. */
export interface RoomHistory {
  /** Sorted by id, without duplicates. */
  messages: Message[];
  /** The first page arrived. */
  loaded: boolean;
  /** Older pages remain on the server. */
  hasMore: boolean;
  loadingOlder: boolean;
  /**
   * We hold every message up to this id (0: the room was empty when loaded). It advances with
   * history pages, catch-ups and live broadcasts, never with a REST send's answer, which may be
   * ahead of messages we have not seen yet. Reconnect catch-ups start after it.
   */
  syncedId?: number;
  /**
   * The page holds a window around a message (a search result) and newer messages exist after
   * it: they load page by page while scrolling down; live ones wait for those pages.
   */
  newerMissing?: boolean;
  loadingNewer?: boolean;
}

/** The loaded history of every room, deduplicated by id. No DOM, no network. */
export class MessagesState {
  private readonly rooms = new Map<number, RoomHistory & { ids: Set<number> }>();

  of(roomId: number): RoomHistory {
    return this.entry(roomId);
  }

  /** Rooms whose history is loaded. */
  loadedRooms(): number[] {
    return [...this.rooms].filter(([, h]) => h.loaded).map(([id]) => id);
  }

  /** Adds messages it does not hold yet and returns those, oldest first. */
  merge(roomId: number, incoming: Message[]): Message[] {
    const h = this.entry(roomId);
    const added: Message[] = [];
    for (const m of incoming) {
      if (h.ids.has(m.id)) continue;
      h.ids.add(m.id);
      added.push(m);
    }
    if (added.length === 0) return added;
    const last = h.messages[h.messages.length - 1];
    const sortedTail = added.every((m, i) => (i === 0 ? !last || m.id > last.id : m.id > added[i - 1].id));
    h.messages.push(...added);
    if (!sortedTail) h.messages.sort((a, b) => a.id - b.id);
    return added.sort((a, b) => a.id - b.id);
  }

  /** The newest page, on opening the room; returns the messages it did not hold. */
  firstPage(roomId: number, page: Message[], pageSize: number): Message[] {
    const h = this.entry(roomId);
    h.hasMore = page.length >= pageSize;
    const added = this.merge(roomId, page);
    this.synced(roomId, page);
    h.loaded = true;
    return added;
  }

  /**
   * Infinite scroll starts loading the page before the oldest message held: returns that message's
   * id, or undefined when there is none (nothing older either).
   */
  startOlder(roomId: number): number | undefined {
    const h = this.entry(roomId);
    const oldest = h.messages[0];
    if (!oldest) {
      h.hasMore = false;
      return undefined;
    }
    h.loadingOlder = true;
    return oldest.id;
  }

  /** The older page arrived; returns the messages it did not hold. */
  olderPage(roomId: number, page: Message[], pageSize: number): Message[] {
    const h = this.entry(roomId);
    h.hasMore = page.length >= pageSize;
    h.loadingOlder = false;
    return this.merge(roomId, page);
  }

  olderFailed(roomId: number): void {
    this.entry(roomId).loadingOlder = false;
  }

  /** A room that was empty when loaded caught up with its newest page (already merged). */
  newestPage(roomId: number, page: Message[], hasMore: boolean): void {
    this.entry(roomId).hasMore = hasMore;
    this.synced(roomId, page);
  }

  /**
   * A window around one message replaces what was held (search results jump there): `older` ends
   * with it, `newer` follows it. Everything up to the window's end counts as held from its start
   * (older pages load by scrolling up, newer ones by scrolling down).
   */
  around(roomId: number, older: Message[], newer: Message[], pageSize: number): Message[] {
    this.reset(roomId);
    const h = this.entry(roomId);
    const added = this.merge(roomId, [...older, ...newer]);
    h.hasMore = older.length >= pageSize;
    h.newerMissing = newer.length >= pageSize;
    h.loaded = true;
    this.synced(roomId, added);
    return added;
  }

  /** The next newer page after a window is wanted: the id to load after, or undefined. */
  startNewer(roomId: number): number | undefined {
    const h = this.entry(roomId);
    if (!h.newerMissing || h.loadingNewer) return undefined;
    h.loadingNewer = true;
    return this.last(roomId)?.id;
  }

  /** The newer page arrived (or failed: `page` undefined); returns the messages it did not hold. */
  newerPage(roomId: number, page: Message[] | undefined, pageSize: number): Message[] {
    const h = this.entry(roomId);
    h.loadingNewer = false;
    if (!page) return [];
    h.newerMissing = page.length >= pageSize;
    const added = this.merge(roomId, page);
    this.synced(roomId, page);
    return added;
  }

  /** Messages the server broadcast or a catch-up fetched: everything up to them is held. */
  synced(roomId: number, messages: Message[]): void {
    const h = this.entry(roomId);
    h.syncedId = Math.max(h.syncedId ?? 0, ...messages.map((m) => m.id));
  }

  /** The message before `m` in its room, for grouping and day dividers. */
  previous(roomId: number, m: Message): Message | undefined {
    const list = this.entry(roomId).messages;
    const index = list.indexOf(m);
    return index > 0 ? list[index - 1] : undefined;
  }

  last(roomId: number): Message | undefined {
    const list = this.entry(roomId).messages;
    return list[list.length - 1];
  }

  /** Removes message `id`; true when it was held. */
  remove(roomId: number, id: number): boolean {
    const h = this.entry(roomId);
    const at = h.messages.findIndex((m) => m.id === id);
    if (at < 0) return false;
    h.messages.splice(at, 1);
    return true;
  }

  /** Forgets the room's history (the user left it): it loads afresh when opened again. */
  reset(roomId: number): void {
    this.rooms.delete(roomId);
  }

  private entry(roomId: number): RoomHistory & { ids: Set<number> } {
    let h = this.rooms.get(roomId);
    if (!h) {
      h = { messages: [], ids: new Set(), loaded: false, hasMore: true, loadingOlder: false };
      this.rooms.set(roomId, h);
    }
    return h;
  }
}
