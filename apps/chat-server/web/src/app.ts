import {
  AppDestination,
  appDestination,
  RoomEventPayload,
  StompErrorPayload,
} from '../../src/common/realtime/destinations';
import { ChatContext } from './controllers/context';
import { MessageChangesController } from './controllers/message-changes';
import { MessagesController } from './controllers/messages';
import { ReadController } from './controllers/read';
import { RoomsController } from './controllers/rooms';
import { SettingsController } from './controllers/settings';
import { SearchController } from './controllers/search';
import type { Api } from './net/api';
import { Live, LiveState } from './net/live';
import { LiveEvent, subscribeUserTopics } from './net/live-events';
import { alertFor } from './state/alerts';
import { MessagesState } from './state/messages';
import { NotificationsState } from './state/notifications';
import { PendingSends } from './state/pending-sends';
import { PresenceState } from './state/presence';
import { ReadState } from './state/read-state';
import { roomName, RoomsState } from './state/rooms';
import { SearchState } from './state/search';
import { OwnTyping, TypingState } from './state/typing';
import { StagedUploads } from './state/uploads';
import { AppNotification, isObject, Session } from './types';
import { createChatViews } from './views/chat-page';
import { UploadsController } from './controllers/uploads';
import { roomHash } from './views/sidebar';

export interface AppOptions {
  transports?: string[];
  logout(message?: string): void;
  /** The server refused the session's token (revoked, expired): the session ends, unless another tab renewed it. */
  tokenRefused(message: string): void;
  saveSession(): void;
}

/**
 * The signed-in chat's controller: builds the state, the views and the live connection, binds the
 * views' events to the controllers, and routes what the live connection delivers by its kind.
 */
export class App {
  private readonly ctx: ChatContext;
  private readonly rooms: RoomsController;
  private readonly messages: MessagesController;
  private readonly changes: MessageChangesController;
  private readonly uploads: UploadsController;
  private readonly settings: SettingsController;
  private readonly search: SearchController;
  private readonly read: ReadController;
  private liveState: LiveState = { kind: 'stopped' };

  constructor(root: HTMLElement, api: Api, me: Session, options: AppOptions) {
    const presence = new PresenceState();
    presence.set(me.id, 'offline');
    const live = new Live({
      url: '/ws/chat',
      token: () => me.token,
      transports: options.transports,
      onState: (state) => this.onLiveState(state),
      beforeSubscribe: async (reconnect) => {
        if (reconnect) await this.rooms.refreshRooms();
      },
      onReady: (reconnect) => void this.onLiveReady(reconnect),
      onAuthFailed: (message) => options.tokenRefused(message),
      // The banner shows why the connection dropped; a planned restart needs no alert on top.
      onServerError: (message) => {
        if (!/shutting down|restart/i.test(message))
          this.ctx.views.toasts.show(`Live connection: ${message}`);
      },
    });
    this.ctx = {
      me,
      isAdmin: (me.roles ?? []).includes('ROLE_ADMIN'),
      api,
      live,
      state: {
        rooms: new RoomsState(me.id),
        messages: new MessagesState(),
        pending: new PendingSends(),
        presence,
        typing: new TypingState(),
        ownTyping: new OwnTyping(),
        notifications: new NotificationsState(),
        search: new SearchState(),
        read: new ReadState(me.id),
        uploads: new StagedUploads(),
      },
      views: createChatViews(root, me, (userId) => presence.get(userId)),
    };
    this.read = new ReadController(this.ctx, () => {
      this.rooms.renderSidebar();
      this.renderNotifications();
    });
    this.messages = new MessagesController(
      this.ctx,
      (sidebar) => (sidebar ? this.rooms.renderSidebar() : this.rooms.updateTitle()),
      this.read,
    );
    this.changes = new MessageChangesController(this.ctx, this.messages);
    this.uploads = new UploadsController(this.ctx);
    this.messages.files = {
      attachmentImage: (a) => this.uploads.image(a),
      onDownload: (a) => void this.uploads.download(a),
      render: () => this.uploads.render(),
    };
    this.rooms = new RoomsController(this.ctx, this.messages, (event) => this.onLiveEvent(event));
    this.search = new SearchController(this.ctx, this.rooms, this.messages);
    this.settings = new SettingsController(this.ctx, this.rooms, options.saveSession);
    this.bind(options);
    this.bindSettings(options);
  }

  start(): void {
    const { live, me, views } = this.ctx;
    views.pane.welcome(me.username);
    views.connection.render(this.liveState);
    subscribeUserTopics(live, (event) => this.onLiveEvent(event));
    live.start();
    window.addEventListener('hashchange', () => this.rooms.route());
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') {
        live.reconnectNow();
        this.read.seeCurrent();
      }
    });
    // The read state first: the room opened by the route draws its "new messages" divider from it.
    // Its summary waits for the rooms' SUBSCRIBEs to be confirmed, so that what it does not count
    // arrives live.
    void this.rooms
      .refreshRooms()
      .then(() => live.subscribed())
      .then(() => this.read.load())
      .then(() => this.rooms.route());
    void this.loadNotifications();
  }

  /** Each view's events, to the controller that handles them. */
  private bind(options: AppOptions): void {
    const { live, views } = this.ctx;
    const { rooms, messages } = this;
    const createChannel = () => views.createRoom.show();
    const newDirect = () => rooms.showNewDirect();
    const join = (roomId: number) => void rooms.join(roomId);
    views.sidebar.bindCreateChannel(createChannel);
    views.sidebar.bindNewDirect(newDirect);
    views.sidebar.bindJoin(join);
    views.sidebar.bindLogout(() => void this.logout(options));
    views.pane.bindCreateChannel(createChannel);
    views.pane.bindNewDirect(newDirect);
    views.pane.bindJoin(join);
    views.header.bindToggleMembers(() => rooms.toggleMembers());
    views.list.bindNearTop(() => messages.onNearTop());
    views.list.bindNearBottom(() => messages.onNearBottom());
    views.search.bindSearch((q) => void this.search.search(q));
    views.search.bindMore(() => void this.search.more());
    views.search.bindOpen((m) => void this.search.open(m));
    views.list.bindScroll(() => this.read.seeCurrent());
    views.composer.bindMentionSource(() =>
      (this.ctx.state.rooms.currentEntry?.members ?? []).filter((u) => u.id !== this.ctx.me.id),
    );
    views.pendingSends.bindRetry((p) => void messages.transmit(p));
    views.pendingSends.bindDiscard((p) => messages.discard(p));
    views.composer.bindSubmit((content) => {
      const roomId = this.ctx.state.rooms.current;
      const attachmentIds = roomId === undefined ? [] : this.uploads.take(roomId);
      if (!attachmentIds) return;
      if (!content && !attachmentIds.length) return;
      views.desktop.askOnce();
      messages.submit(content, attachmentIds);
    });
    views.composer.bindFiles((files) => this.uploads.add(files), [views.pane.el]);
    views.composer.bindRemoveUpload((localId) => this.uploads.remove(localId));
    views.desktop.bindOpen((roomId) => (location.hash = roomHash(roomId)));
    views.composer.bindInput((hasText) => messages.onComposerInput(hasText));
    views.composer.bindEditLast(() => views.list.editLastOwn(() => views.composer.focus()));
    views.typing.bindExpire(() => messages.renderTyping());
    views.members.bindClose(() => rooms.closeMembers());
    views.thread.bindClose(() => this.changes.closeThread());
    views.thread.bindSend((content) => this.changes.sendReply(content));
    views.members.bindMessage((userId) => void rooms.openDirect(userId).catch(() => undefined));
    views.members.bindAdd((roomId, typed) => rooms.addMember(roomId, typed));
    views.members.bindLeave((roomId) => void rooms.leave(roomId));
    views.notifications.bindToggle(() => this.renderNotifications());
    views.notifications.bindMarkAllRead(() => void this.markAllRead());
    views.notifications.bindMarkRead((n) => void this.markRead(n));
    views.connection.bindReconnectNow(() => live.reconnectNow());
    views.createRoom.bindCreate((name, type) => rooms.createRoom(name, type));
    views.newDirect.bindOpenDirect((userId) => rooms.openDirect(userId));
  }

  /** Finding people and rooms, channel settings, the account (controllers/settings.ts). */
  private bindSettings(options: AppOptions): void {
    const { live, views } = this.ctx;
    const { settings } = this;
    const search = (q: string) => settings.searchPeople(q);
    views.newDirect.bindSearchPeople(search);
    views.members.bindSearchPeople(search);
    views.members.bindRemove((roomId, member) => void settings.removeMember(roomId, member));
    views.members.bindSettings(() => settings.showRoomSettings());
    views.roomSettings.bindSave((roomId, changes) => settings.saveRoom(roomId, changes));
    views.roomSettings.bindDelete((roomId) => settings.deleteRoom(roomId));
    views.sidebar.bindAccount(() => settings.showAccount());
    views.sidebar.bindJump(() => settings.showSwitcher());
    views.sidebar.bindBrowse(() => settings.showBrowse());
    views.finder.bindOpen((roomId) => settings.openRoom(roomId));
    views.finder.bindJoin((roomId) => void this.rooms.join(roomId));
    views.account.bind({
      setStatus: (status) => settings.setStatus(status),
      saveProfile: (changes) => settings.saveProfile(changes),
      changePassword: (current, next) => settings.changePassword(current, next),
      logout: () => void this.logout(options),
      logoutEverywhere: async () => {
        // Only once the server has revoked every token: a failure keeps this page (and says why).
        await this.ctx.api.logout('all');
        live.stop();
        options.logout();
      },
    });
    document.addEventListener('keydown', (ev) => settings.onKey(ev));
  }

  /**
   * "Log out": the server revokes this browser's token (its tabs follow through localStorage), then
   * the page goes back to the login screen. Unreachable server or not, the page logs out.
   */
  private async logout(options: AppOptions): Promise<void> {
    this.ctx.live.stop();
    await this.ctx.api.logout('current').catch(() => undefined);
    options.logout();
  }

  // ---------------------------------------------------------------- live events

  /** Everything the live connection delivers comes through here, routed by its kind. */
  private onLiveEvent(event: LiveEvent): void {
    switch (event.kind) {
      case 'message':
        // a thread reply shows in the thread panel, not in the main timeline
        if (event.message.parentId != null) return this.changes.onReply(event.message);
        return this.messages.onMessage(event.message);
      case 'room-event':
        return this.onRoomEvent(event.event);
      case 'typing':
        return this.messages.onTyping(event.event);
      case 'status':
        return this.rooms.setPresence(event.userId, event.status);
      case 'notification':
        return this.onNotification(event.notification);
      case 'error':
        return this.onStompError(event.error);
      case 'read':
        return this.read.onPush(event.state);
    }
  }

  /** A room's events, routed by their type. */
  private onRoomEvent(ev: RoomEventPayload): void {
    const { me, state } = this.ctx;
    const { roomId } = ev;
    const entry = state.rooms.get(roomId);
    if (!entry) return;
    const current = state.rooms.current === roomId;
    switch (ev.type) {
      case 'MESSAGE_DELETED':
        this.messages.removeMessage(roomId, ev.messageId);
        this.search.removed(ev.messageId);
        this.changes.onDeleted(ev.messageId);
        break;
      case 'MESSAGE_EDITED':
        this.changes.onEdited(ev);
        break;
      case 'REACTION_ADDED':
      case 'REACTION_REMOVED':
        this.changes.onReaction(ev);
        break;
      case 'THREAD_UPDATED':
        this.changes.onThreadUpdated(ev);
        break;
      case 'MEMBER_REMOVED':
        if (ev.userId === me.id) {
          this.rooms.leftRoom(roomId, `You are no longer a member of ${roomName(entry)}`);
          void this.rooms.refreshRooms();
        } else if (current) void this.rooms.loadMembers(entry);
        break;
      case 'MEMBER_ADDED':
        if (current) void this.rooms.loadMembers(entry);
        break;
      case 'ROOM_UPDATED':
        void this.rooms
          .refreshRooms()
          .then(() => state.rooms.current === roomId && this.rooms.renderHeader());
        break;
      case 'ROOM_DELETED':
        state.rooms.delete(roomId);
        this.rooms.leftRoom(roomId, `${roomName(entry)} was deleted`);
        this.rooms.renderSidebar();
        break;
    }
  }

  private onStompError(err: StompErrorPayload): void {
    const { state, views } = this.ctx;
    if (err.destination === appDestination(AppDestination.addUser)) return;
    if (err.destination === appDestination(AppDestination.sendMessage)) {
      const p = state.pending.forError(err.clientMessageId);
      if (p) this.messages.failPending(p, err.message);
    }
    if (err.destination === appDestination(AppDestination.typing)) return;
    views.toasts.show(err.message);
  }

  // ---------------------------------------------------------------- live connection

  private async onLiveReady(reconnect: boolean): Promise<void> {
    const { live, me, state } = this.ctx;
    live
      .send(appDestination(AppDestination.addUser), { sender: { username: me.username } })
      .catch(() => undefined);
    // The server confirmed the subscriptions: the counts from here on are exact (a message before
    // this was not seen live).
    void this.read.load();
    if (!reconnect) return void this.messages.resendFailed();
    await this.messages.catchUp();
    void this.messages.resendFailed();
    await Promise.all([this.rooms.fetchPresence(state.rooms.knownUserIds()), this.loadNotifications()]);
  }

  private onLiveState(state: LiveState): void {
    const wasConnected = this.liveState.kind === 'connected';
    this.liveState = state;
    // Our own dot follows our connection: the server marks us online while a session is live.
    if (state.kind === 'connected' || wasConnected)
      this.rooms.setPresence(this.ctx.me.id, state.kind === 'connected' ? 'online' : 'offline');
    if (wasConnected && state.kind !== 'connected') {
      this.messages.clearTyping();
      this.ctx.state.ownTyping.stop();
    }
    this.ctx.views.connection.render(state);
  }

  // ---------------------------------------------------------------- notifications

  private async loadNotifications(): Promise<void> {
    try {
      this.ctx.state.notifications.replace(await this.ctx.api.notifications());
    } catch {
      // A failure here is not worth an alert; the list stays empty and live pushes still arrive.
      return;
    }
    this.renderNotifications();
  }

  private onNotification(n: AppNotification): void {
    const { state, views } = this.ctx;
    const visible = document.visibilityState === 'visible';
    const alert = alertFor(n, { roomInView: state.rooms.current, visible });
    // About a message the user has read, or in the room being read: no toast and no badge, not
    // even for the moment the mark-read request takes (it is stored read at once).
    const quiet = this.read.alreadyRead(n) || alert.markRead;
    if (!state.notifications.add(quiet ? { ...n, read: true } : n)) return;
    this.renderNotifications();
    if (quiet) {
      void this.ctx.api.markRead(n.id).catch(() => undefined);
      return;
    }
    if (alert.toast) views.toasts.show(n.message, 'info', 'bell');
    if (alert.desktop) views.desktop.show(n);
    // Being added to a room or sent a direct message shows up in the sidebar at once.
    void this.rooms.refreshRooms();
  }

  private renderNotifications(): void {
    const { notifications } = this.ctx.state;
    this.ctx.views.notifications.render(notifications.all(), notifications.unread());
    this.rooms.updateTitle();
  }

  private async markAllRead(): Promise<void> {
    try {
      await this.ctx.api.markAllRead();
      this.ctx.state.notifications.markAllRead();
    } catch (err) {
      this.ctx.views.toasts.error(err, 'Could not mark the notifications as read');
    }
    this.renderNotifications();
  }

  private async markRead(n: AppNotification): Promise<void> {
    if (n.read) return;
    try {
      const updated = await this.ctx.api.markRead(n.id);
      this.ctx.state.notifications.markRead(
        n.id,
        isObject(updated) && typeof updated.read === 'boolean' ? updated.read : true,
      );
    } catch (err) {
      this.ctx.views.toasts.error(err, 'Could not mark the notification as read');
    }
    this.renderNotifications();
  }
}
