import { AppDestination, appDestination, ReadStatePayload } from '../../../src/common/realtime/destinations';
import type { AppNotification, Message } from '../types';
import type { ChatContext } from './context';

/**
 * Markers reached while reading are sent at most this often (one per room, the newest), never
 * on every scroll event.
 */
export const READ_BATCH_MS = 1000;

/**
 * Read state on the page: unread and mention badges from the server's summary, kept live by the
 * messages that arrive and by `/user/queue/read` (another tab or device read: the badge clears at
 * once); the "new messages" divider; and the read marker moved as the user reads the open room.
 */
export class ReadController {
  private flushTimer: number | undefined;

  constructor(
    private readonly ctx: ChatContext,
    /** Counts changed: the sidebar, the title and the notifications follow. */
    private readonly changed: () => void,
  ) {}

  /** The server's counts for every room (at start and after a reconnect). */
  async load(): Promise<void> {
    try {
      this.ctx.state.read.applySummary(await this.ctx.api.unread());
    } catch {
      return; // the badges keep what the page counted; pushes still arrive
    }
    this.syncAll();
    this.seeCurrent();
  }

  /** A marker push: this tab's read coming back, or another tab's or device's. */
  onPush(p: ReadStatePayload): void {
    const { state } = this.ctx;
    if (!state.read.applyPush(p)) return;
    this.sync(p.roomId);
    if (p.lastReadMessageId !== null) this.readNotifications(p.roomId, p.lastReadMessageId);
    this.changed();
  }

  /** New messages in a room: counted unless the user is looking at them. */
  arrived(roomId: number, added: readonly Message[]): void {
    if (this.isViewing(roomId)) {
      this.seeCurrent();
      return;
    }
    for (const m of added) this.ctx.state.read.arrivedUnseen(m);
    this.sync(roomId);
  }

  /** The open room was drawn: remember where the divider goes (before drawing it). */
  opened(roomId: number): void {
    this.ctx.state.read.opened(roomId, this.ctx.state.messages.last(roomId)?.id ?? 0);
  }

  /** The divider range of the open room, for the message list. */
  newSince(roomId: number): { after: number; upTo: number } | undefined {
    const after = this.ctx.state.read.dividerAfter(roomId);
    if (after === undefined) return undefined;
    return { after: after ?? 0, upTo: this.ctx.state.read.openedNewest(roomId) };
  }

  /**
   * What the user sees of the open room is read: the newest message when at the bottom, else the
   * last one on screen. Local at once; sent batched (READ_BATCH_MS).
   */
  seeCurrent(): void {
    const { state, views } = this.ctx;
    const roomId = state.rooms.current;
    if (roomId === undefined || document.hidden || !state.rooms.isMember(roomId)) return;
    const newest = state.messages.last(roomId);
    if (!newest) return;
    const id = views.list.nearBottom() ? newest.id : views.list.lastVisibleId();
    if (id === undefined || !state.read.seen(roomId, id, newest.id)) return;
    this.sync(roomId);
    this.readNotifications(roomId, id);
    this.changed();
    this.flushTimer ??= window.setTimeout(() => this.flush(), READ_BATCH_MS);
  }

  /** A notification about a message already read here is read (no toast, no badge). */
  alreadyRead(n: AppNotification): boolean {
    const { state } = this.ctx;
    if (typeof n.roomId !== 'number' || typeof n.messageId !== 'number') return false;
    const lastRead = state.read.get(n.roomId).lastRead;
    if (lastRead !== null && n.messageId <= lastRead) return true;
    return this.isViewing(n.roomId) && this.ctx.views.list.nearBottom();
  }

  private flush(): void {
    this.flushTimer = undefined;
    const { api, live } = this.ctx;
    for (const { roomId, messageId } of this.ctx.state.read.takeUnsent()) {
      const rest = () => api.markRoomRead(roomId, messageId).catch(() => undefined);
      if (live.connected)
        live.send(appDestination(AppDestination.read), { roomId, messageId }).catch(() => void rest());
      else void rest();
    }
  }

  private isViewing(roomId: number): boolean {
    return this.ctx.state.rooms.current === roomId && !document.hidden;
  }

  /** Notifications about messages up to the marker are read (the server marks them too). */
  private readNotifications(roomId: number, upTo: number): void {
    const { api, state } = this.ctx;
    for (const n of state.notifications.all())
      if (!n.read && n.roomId === roomId && typeof n.messageId === 'number' && n.messageId <= upTo) {
        state.notifications.markRead(n.id);
        void api.markRead(n.id).catch(() => undefined);
      }
  }

  private sync(roomId: number): void {
    const s = this.ctx.state.read.get(roomId);
    this.ctx.state.rooms.setCounts(roomId, s.unread, s.mentions);
  }

  private syncAll(): void {
    for (const id of this.ctx.state.rooms.memberOf()) this.sync(id);
    this.changed();
  }
}
