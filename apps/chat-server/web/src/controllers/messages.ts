import {
  AppDestination,
  appDestination,
  TypingEventPayload,
} from '../../../src/common/realtime/destinations';
import { catchUpRoom } from '../net/catch-up';
import { sendMessage } from '../net/send';
import type { PendingSend } from '../state/pending-sends';
import { roomName, RoomEntry } from '../state/rooms';
import { TYPING_IDLE_MS, typingText } from '../state/typing';
import type { Message } from '../types';
import { MAX_CONTENT } from '../views/composer';
import type { MessageContext } from '../views/message';
import type { ChatContext } from './context';
import type { ReadController } from './read';

/** Messages arrive in pages of this many when a room opens and when scrolling up. */
export const HISTORY_PAGE = 50;
/** More new messages than this at once redraw the list instead of appending. */
const APPEND_MAX = 20;
const TYPING = appDestination(AppDestination.typing);

/**
 * The open room's messages: history, live messages and catch-ups, sending with its pending
 * state, deleting, typing indicators both ways.
 */
export class MessagesController {
  private typingIdleTimer: number | undefined;
  /** Edits, reactions and threads (set by the app: MessageChangesController). */
  changes: Pick<MessageContext, 'onEdit' | 'onReact' | 'onOpenThread'> = {
    onEdit: async () => false,
    onReact: () => undefined,
    onOpenThread: () => undefined,
  };
  /** Attachments of shown messages and the composer's files (set by the app: UploadsController). */
  files: Pick<MessageContext, 'attachmentImage' | 'onDownload'> & { render(): void } = {
    attachmentImage: () => Promise.reject(new Error('no attachments')),
    onDownload: () => undefined,
    render: () => undefined,
  };

  constructor(
    private readonly ctx: ChatContext,
    /** Unread counts changed in rooms not on screen: the sidebar and title follow. */
    private readonly unreadChanged: (sidebar: boolean) => void,
    private readonly read: ReadController,
  ) {}

  /** Adds messages to a room's history; our own replace their pending sends. Returns the new ones. */
  merge(roomId: number, messages: Message[]): Message[] {
    return this.settleOwn(this.ctx.state.messages.merge(roomId, messages));
  }

  settleOwn(added: Message[]): Message[] {
    const { state, views, me } = this.ctx;
    for (const m of added) {
      if (m.sender?.id !== me.id) continue;
      const p = state.pending.settle(m);
      if (p) views.pendingSends.remove(p);
    }
    return added;
  }

  /** A live broadcast. */
  onMessage(m: Message): void {
    const { messages, rooms } = this.ctx.state;
    if (!rooms.get(m.roomId)) return;
    if (messages.of(m.roomId).newerMissing) return this.waitForNewer(m);
    this.deliver(m.roomId, [m]);
    if (messages.of(m.roomId).loaded) messages.synced(m.roomId, [m]);
  }

  /** New messages from the live topic or a catch-up: shown, or counted as unread. */
  deliver(roomId: number, incoming: Message[]): void {
    const { state, views, me } = this.ctx;
    const wasLoaded = state.messages.of(roomId).loaded;
    const previousLast = state.messages.last(roomId);
    const added = this.merge(roomId, incoming);
    if (added.length === 0) return;
    const fromOthers = added.filter((m) => m.sender?.id !== me.id);
    const current = state.rooms.current === roomId;
    if (current && wasLoaded) {
      const atBottom = views.list.nearBottom();
      const appendOnly = !previousLast || added.every((m) => m.id > previousLast.id);
      if (appendOnly && added.length < APPEND_MAX) {
        const ctx = this.messageContext(roomId);
        for (const m of added) views.list.append(m, state.messages.previous(roomId, m), ctx);
      } else this.renderMessages();
      if (fromOthers.filter((m) => state.typing.stopped(m.sender?.id ?? -1)).length) this.renderTyping();
      if (atBottom || fromOthers.length === 0) views.list.scrollToBottom();
      else views.list.showJump(true);
      this.read.arrived(roomId, added);
    } else if (!current) {
      this.read.arrived(roomId, added);
    }
    this.unreadChanged(!current);
  }

  firstPageArrived(roomId: number, page: Message[]): void {
    this.settleOwn(this.ctx.state.messages.firstPage(roomId, page, HISTORY_PAGE));
  }

  /** Draws the open room's messages, its history top and its pending sends. */
  renderMessages(): void {
    const { state, views } = this.ctx;
    const entry = state.rooms.currentEntry;
    if (!entry) return;
    views.list.render(state.messages.of(entry.room.id).messages, this.messageContext(entry.room.id));
    this.renderTop(entry);
    this.renderPending();
  }

  /**
   * The room was opened and its first page is here: the "new messages" divider goes where the
   * read marker was, the view starts there (or at the bottom), and what is on screen is read.
   */
  openedRoom(roomId: number): void {
    this.read.opened(roomId);
    this.files.render();
    this.renderMessages();
    if (!this.ctx.views.list.scrollToDivider()) this.ctx.views.list.scrollToBottom();
    this.read.seeCurrent();
  }

  renderTop(entry: RoomEntry): void {
    const name = roomName(entry);
    this.ctx.views.list.renderTop(this.ctx.state.messages.of(entry.room.id), { name, type: entry.room.type });
  }

  /** Scrolled near the top: the page before the oldest message, keeping the view still. */
  onNearTop(): void {
    const entry = this.ctx.state.rooms.currentEntry;
    const history = entry && this.ctx.state.messages.of(entry.room.id);
    if (entry && history?.loaded && history.hasMore && !history.loadingOlder) void this.loadOlder(entry);
  }

  private async loadOlder(entry: RoomEntry): Promise<void> {
    const { api, state, views } = this.ctx;
    const roomId = entry.room.id;
    const before = state.messages.startOlder(roomId);
    if (before === undefined) return;
    this.renderTop(entry);
    try {
      const older = await api.history(roomId, { before, size: HISTORY_PAGE });
      this.settleOwn(state.messages.olderPage(roomId, older, HISTORY_PAGE));
      if (state.rooms.current !== roomId) return;
      views.list.keepPosition(() => this.renderMessages());
    } catch (err) {
      state.messages.olderFailed(roomId);
      this.renderTop(entry);
      views.toasts.error(err, 'Could not load older messages');
    }
  }

  // ---------------------------------------------------------------- a window around a message

  /**
   * Holds a window of the room's history around message `id` (the older half ends with it), unless
   * the message is held already: a search result opens there. False when it could not load.
   */
  async loadAround(roomId: number, id: number): Promise<boolean> {
    const { api, state, views } = this.ctx;
    if (state.messages.of(roomId).messages.some((m) => m.id === id)) return true;
    const half = HISTORY_PAGE / 2;
    try {
      const [older, newer] = await Promise.all([
        api.history(roomId, { before: id + 1, size: half }),
        api.history(roomId, { after: id, size: half }),
      ]);
      this.settleOwn(state.messages.around(roomId, older, newer, half));
      return true;
    } catch (err) {
      views.toasts.error(err, 'Could not load that message');
      return false;
    }
  }

  /** Scrolled near the bottom of a window: the next newer page. */
  onNearBottom(): void {
    const entry = this.ctx.state.rooms.currentEntry;
    if (entry) void this.loadNewer(entry.room.id);
  }

  private async loadNewer(roomId: number): Promise<void> {
    const { api, state, views } = this.ctx;
    const after = state.messages.startNewer(roomId);
    if (after === undefined) return;
    let page: Message[] | undefined;
    try {
      page = await api.history(roomId, { after, size: HISTORY_PAGE });
    } catch (err) {
      views.toasts.error(err, 'Could not load newer messages');
    }
    this.settleOwn(state.messages.newerPage(roomId, page, HISTORY_PAGE));
    if (state.rooms.current === roomId && page?.length) this.renderMessages();
  }

  /** A live message while newer pages are still to load: they will bring it. */
  private waitForNewer(m: Message): void {
    const { state, views, me } = this.ctx;
    if (state.rooms.current === m.roomId) views.list.showJump(true);
    else if (m.sender?.id !== me.id) {
      state.rooms.countUnread(m.roomId, 1);
      this.unreadChanged(true);
    }
  }

  async deleteMessage(m: Message): Promise<void> {
    if (!window.confirm('Delete this message for everyone?')) return;
    try {
      await this.ctx.api.deleteMessage(m.id);
      this.removeMessage(m.roomId, m.id);
    } catch (err) {
      this.ctx.views.toasts.error(err, 'Could not delete the message');
    }
  }

  removeMessage(roomId: number, id: number): void {
    if (this.ctx.state.messages.remove(roomId, id) && this.ctx.state.rooms.current === roomId)
      this.renderMessages();
  }

  /** How messages of room `roomId` render for this user. */
  messageContext(roomId: number): MessageContext {
    const { me, isAdmin, state } = this.ctx;
    return {
      meId: me.id,
      canModerate: state.rooms.canModerate(roomId, isAdmin),
      isDelivered: (id) => state.pending.isDelivered(id),
      presence: (userId) => state.presence.get(userId),
      onDelete: (m) => void this.deleteMessage(m),
      newSince: this.read.newSince(roomId),
      ...this.changes,
      attachmentImage: (a) => this.files.attachmentImage(a),
      onDownload: (a) => this.files.onDownload(a),
    };
  }

  // ---------------------------------------------------------------- sending

  submit(content: string, attachmentIds: readonly number[] = []): void {
    const { state, views } = this.ctx;
    const entry = state.rooms.currentEntry;
    if (!entry) return;
    if (content.length > MAX_CONTENT) {
      views.toasts.show(
        `A message can be at most ${MAX_CONTENT} characters (this one has ${content.length}).`,
      );
      return;
    }
    views.composer.clear();
    this.stopTyping();
    const p = state.pending.add(entry.room.id, content, newId(), attachmentIds);
    this.renderPending();
    views.list.scrollToBottom();
    void this.transmit(p);
  }

  /** Sends (or re-sends: same `clientMessageId`) and shows how it went. */
  async transmit(p: PendingSend): Promise<void> {
    const { api, live, state, views } = this.ctx;
    state.pending.retry(p);
    this.drawPending(p);
    const outcome = await sendMessage(live, api, p);
    switch (outcome.kind) {
      case 'confirmed':
        // The broadcast may have come first and already replaced this pending entry.
        if (state.pending.isSending(p)) {
          state.pending.confirm(p);
          this.drawPending(p);
        }
        break;
      case 'stored':
        state.pending.stored(p, outcome.message);
        views.pendingSends.remove(p);
        if (state.rooms.get(p.roomId)) this.deliver(p.roomId, [outcome.message]);
        break;
      case 'failed':
        if (state.pending.isSending(p)) this.failPending(p, outcome.error, outcome.offline);
        break;
    }
  }

  failPending(p: PendingSend, error: string, offline = false): void {
    this.ctx.state.pending.fail(p, error, offline);
    this.drawPending(p);
  }

  discard(p: PendingSend): void {
    this.ctx.state.pending.drop(p);
    this.ctx.views.pendingSends.remove(p);
  }

  renderPending(): void {
    this.ctx.views.pendingSends.render(this.ctx.state.pending.inRoom(this.ctx.state.rooms.current));
  }

  private drawPending(p: PendingSend): void {
    if (p.roomId === this.ctx.state.rooms.current) this.ctx.views.pendingSends.update(p);
  }

  // ---------------------------------------------------------------- catch-up

  /** After a reconnect: everything sent while we were away, in every loaded room. */
  /** Back online: what failed for want of a connection goes out again, in order, same ids. */
  async resendFailed(): Promise<void> {
    for (const p of this.ctx.state.pending.toResend()) await this.transmit(p);
  }

  async catchUp(): Promise<void> {
    const { api, state, views } = this.ctx;
    for (const roomId of state.messages.loadedRooms()) {
      const entry = state.rooms.get(roomId);
      if (!entry || !state.rooms.isMember(roomId)) continue;
      try {
        await catchUpRoom(api, roomId, state.messages.of(roomId).syncedId ?? 0, {
          deliver: (page) => this.deliver(roomId, page),
          newest: (page, hasMore) => state.messages.newestPage(roomId, page, hasMore),
          synced: (page) => state.messages.synced(roomId, page),
        });
      } catch (err) {
        views.toasts.error(err, `Could not fetch missed messages of ${roomName(entry)}`);
      }
    }
    // Sends that failed while we were away may have been stored after all (the catch-up above
    // settles those); the rest can be retried now.
    this.renderPending();
  }

  // ---------------------------------------------------------------- typing

  /** A keystroke in the composer: `typing:true` now and then, `typing:false` once idle or empty. */
  onComposerInput(hasText: boolean): void {
    const { live, state } = this.ctx;
    const roomId = state.rooms.current;
    if (roomId === undefined || !live.connected) return;
    if (!hasText) {
      this.stopTyping();
      return;
    }
    if (state.ownTyping.typed(roomId, Date.now()))
      live.send(TYPING, { roomId, typing: true }).catch(() => undefined);
    window.clearTimeout(this.typingIdleTimer);
    this.typingIdleTimer = window.setTimeout(() => this.stopTyping(), TYPING_IDLE_MS);
  }

  stopTyping(): void {
    window.clearTimeout(this.typingIdleTimer);
    const roomId = this.ctx.state.ownTyping.stop();
    if (roomId !== undefined && this.ctx.live.connected)
      this.ctx.live.send(TYPING, { roomId, typing: false }).catch(() => undefined);
  }

  /** Someone's typing indicator in the open room. */
  onTyping(ev: TypingEventPayload): void {
    const { me, state } = this.ctx;
    if (ev.roomId !== state.rooms.current || ev.userId === me.id) return;
    state.typing.apply(ev.userId, ev.username, ev.typing !== false, Date.now());
    this.renderTyping();
  }

  clearTyping(): void {
    this.ctx.state.typing.clear();
    this.renderTyping();
  }

  renderTyping(): void {
    const { state, views } = this.ctx;
    views.typing.render(typingText(state.typing.names(Date.now())), state.typing.nextExpiry());
  }
}

function newId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}
