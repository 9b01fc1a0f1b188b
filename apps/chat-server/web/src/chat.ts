import { Api, ApiError } from './net/api';
import {
  append,
  avatar,
  formatDay,
  formatFull,
  formatTime,
  h,
  parseTime,
  relativeTime,
  replace,
  richText,
} from './dom';
import { icon, IconName } from './icons';
import { Live, LiveState } from './net/live';
import {
  AppNotification,
  asMessage,
  isObject,
  Message,
  Room,
  RoomEvent,
  RoomType,
  Session,
  StatusEvent,
  StompErrorPayload,
  TypingEvent,
  UserRef,
} from './types';

interface RoomView {
  room: Room;
  messages: Message[]; // sorted by id
  ids: Set<number>;
  loaded: boolean;
  hasMore: boolean;
  loadingOlder: boolean;
  unread: number;
  /**
   * We hold every message up to this id (0: the room was empty when loaded). It advances with
   * history pages, catch-ups and live broadcasts, never with a REST send's answer, which may be
   * ahead of messages we have not seen yet. Reconnect catch-ups start after it.
   */
  syncedId?: number;
  members?: UserRef[];
  dmPeer?: UserRef;
}

interface Pending {
  clientMessageId: string;
  roomId: number;
  content: string;
  state: 'sending' | 'delivered' | 'failed';
  error?: string;
  el?: HTMLElement;
}

export interface ChatOptions {
  transports?: string[];
  logout(message?: string): void;
}

const HISTORY_PAGE = 50;
const CATCH_UP_PAGE = 100;
const MAX_CONTENT = 4000;
const TYPING_REFRESH_MS = 3000;
const TYPING_IDLE_MS = 4000;
const TYPING_SHOWN_MS = 6000;
const GROUP_WINDOW_MS = 5 * 60_000;

const STATUS_LABEL: Record<string, string> = {
  online: 'Online',
  offline: 'Offline',
  typing: 'Typing',
  playing: 'Playing',
};

const roomHash = (id: number) => `#/room/${id}`;

/** The signed-in chat: sidebar, room pane, composer, members, notifications. */
export class ChatApp {
  private readonly live: Live;
  private readonly rooms = new Map<number, RoomView>();
  private readonly mine = new Set<number>();
  private readonly presence = new Map<number, string>();
  private readonly typing = new Map<number, { username: string; until: number }>();
  private readonly delivered = new Set<number>();
  private readonly pending: Pending[] = [];
  private notifications: AppNotification[] = [];
  private current: number | undefined;
  private roomsLoaded = false;
  private liveState: LiveState = { kind: 'stopped' };
  private typingSentAt = 0;
  private typingRoom: number | undefined;
  private typingIdleTimer: number | undefined;
  private typingSweepTimer: number | undefined;
  private countdownTimer: number | undefined;
  private openSeq = 0;

  // Elements
  private readonly el = {
    app: h('div', { class: 'app' }),
    channels: h('ul', { class: 'room-list', aria: { label: 'Channels' } }),
    dms: h('ul', { class: 'room-list', aria: { label: 'Direct messages' } }),
    browse: h('ul', { class: 'room-list browse', aria: { label: 'Other public channels' } }),
    browseSection: h('section', { class: 'side-section' }),
    connection: h('div', { class: 'connection', id: 'connection-status', role: 'status' }),
    title: h('h2', { class: 'room-title' }),
    subtitle: h('div', { class: 'room-subtitle' }),
    membersButton: h('button', { class: 'btn ghost small', type: 'button', hidden: true, title: 'Members' }),
    bell: h('button', {
      class: 'icon-btn bell',
      type: 'button',
      title: 'Notifications',
      aria: { label: 'Notifications' },
    }),
    badge: h('span', { class: 'badge', hidden: true, id: 'notification-badge' }),
    notifPanel: h('div', {
      class: 'popover notifications',
      hidden: true,
      role: 'dialog',
      aria: { label: 'Notifications' },
    }),
    banner: h('div', { class: 'banner', hidden: true, role: 'status' }),
    scroller: h('div', { class: 'scroller' }),
    top: h('div', { class: 'history-top' }),
    list: h('div', { class: 'messages', role: 'log', aria: { live: 'polite', label: 'Messages' } }),
    pendingList: h('div', { class: 'messages pending-list' }),
    jump: h('button', { class: 'jump', type: 'button', hidden: true }, 'New messages ↓'),
    typing: h('div', { class: 'typing', aria: { live: 'polite' }, id: 'typing-indicator' }),
    composer: h('form', { class: 'composer', hidden: true }),
    input: h('textarea', {
      class: 'composer-input',
      name: 'message',
      aria: { label: 'Message' },
      attrs: { rows: '1' },
    }),
    send: h('button', { class: 'btn primary', type: 'submit' }, 'Send'),
    counter: h('span', { class: 'counter', hidden: true }),
    pane: h('div', { class: 'pane' }),
    membersPanel: h('aside', { class: 'members-panel', hidden: true, aria: { label: 'Members' } }),
    toasts: h('div', { class: 'toasts', aria: { live: 'assertive' } }),
    dialog: h('dialog', { class: 'dialog' }),
  };

  constructor(
    private readonly root: HTMLElement,
    private readonly api: Api,
    private readonly me: Session,
    private readonly options: ChatOptions,
  ) {
    this.live = new Live({
      url: '/ws/chat',
      token: () => this.me.token,
      transports: options.transports,
      onState: (state) => this.onLiveState(state),
      beforeSubscribe: async (reconnect) => {
        if (reconnect) await this.refreshRooms();
      },
      onReady: (reconnect) => void this.onLiveReady(reconnect),
      onAuthFailed: (message) =>
        this.options.logout(`Your session has ended (${message}). Please log in again.`),
      // The banner shows why the connection dropped; a planned restart needs no alert on top.
      onServerError: (message) => {
        if (!/shutting down|restart/i.test(message)) this.toast(`Live connection: ${message}`);
      },
    });
  }

  get isAdmin(): boolean {
    return (this.me.roles ?? []).includes('ROLE_ADMIN');
  }

  start(): void {
    this.presence.set(this.me.id, 'offline');
    this.renderShell();
    this.live.subscribe('/topic/status', (body) => this.onStatus(body));
    this.live.subscribe('/user/queue/notifications', (body) => this.onNotification(body));
    this.live.subscribe('/user/queue/errors', (body) => this.onStompError(body));
    this.live.start();
    window.addEventListener('hashchange', () => this.route());
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') this.live.reconnectNow();
    });
    void this.refreshRooms().then(() => this.route());
    void this.loadNotifications();
  }

  // ---------------------------------------------------------------- layout

  private renderShell(): void {
    const e = this.el;
    const newChannel = h(
      'button',
      {
        class: 'icon-btn add',
        type: 'button',
        title: 'Create a channel',
        aria: { label: 'Create a channel' },
      },
      icon('plus'),
    );
    newChannel.addEventListener('click', () => this.showCreateRoom());
    const newDm = h(
      'button',
      {
        class: 'icon-btn add',
        type: 'button',
        title: 'New direct message',
        aria: { label: 'New direct message' },
      },
      icon('plus'),
    );
    newDm.addEventListener('click', () => this.showNewDirect());
    const logout = h('button', { class: 'btn ghost small light', type: 'button' }, 'Log out');
    logout.addEventListener('click', () => {
      this.live.stop();
      this.options.logout();
    });
    replace(e.browseSection, h('div', { class: 'side-heading' }, h('h3', {}, 'More channels')), e.browse);
    const sidebar = h(
      'nav',
      { class: 'sidebar', aria: { label: 'Rooms' } },
      h(
        'header',
        { class: 'workspace' },
        h('div', { class: 'brand' }, icon('logo', 'logo'), 'Chat'),
        h(
          'div',
          { class: 'me' },
          h(
            'span',
            { class: 'avatar-wrap' },
            avatar(this.me.username, this.me.id),
            this.presenceDot(this.me.id),
          ),
          h('span', { class: 'me-name', id: 'me-name' }, this.me.username),
          h(
            'span',
            { class: 'me-id', title: 'Your user id: others can start a direct message with it' },
            `#${this.me.id}`,
          ),
        ),
      ),
      h(
        'div',
        { class: 'side-scroll' },
        h(
          'section',
          { class: 'side-section' },
          h('div', { class: 'side-heading' }, h('h3', {}, 'Channels'), newChannel),
          e.channels,
        ),
        h(
          'section',
          { class: 'side-section' },
          h('div', { class: 'side-heading' }, h('h3', {}, 'Direct messages'), newDm),
          e.dms,
        ),
        e.browseSection,
      ),
      h('footer', { class: 'side-footer' }, e.connection, logout),
    );

    const menu = h(
      'button',
      { class: 'icon-btn menu', type: 'button', aria: { label: 'Show rooms' } },
      icon('menu'),
    );
    menu.addEventListener('click', () => e.app.classList.toggle('nav-open'));
    e.bell.replaceChildren(icon('bell'), e.badge);
    e.bell.addEventListener('click', (ev) => {
      ev.stopPropagation();
      this.toggleNotifications();
    });
    document.addEventListener('click', (ev) => {
      if (!e.notifPanel.hidden && !e.notifPanel.contains(ev.target as Node)) e.notifPanel.hidden = true;
    });
    document.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape') e.notifPanel.hidden = true;
    });
    e.membersButton.addEventListener('click', () => this.toggleMembers());

    const topbar = h(
      'header',
      { class: 'topbar' },
      menu,
      h('div', { class: 'room-heading' }, e.title, e.subtitle),
      e.membersButton,
      h('div', { class: 'bell-wrap' }, e.bell, e.notifPanel),
    );

    e.scroller.replaceChildren(e.top, e.list, e.pendingList);
    e.scroller.addEventListener('scroll', () => this.onScroll(), { passive: true });
    e.jump.addEventListener('click', () => this.scrollToBottom());

    this.buildComposer();
    const main = h('main', { class: 'main' }, topbar, e.banner, e.pane, e.typing, e.composer);
    e.pane.replaceChildren(this.welcome());
    const scrim = h('div', { class: 'scrim' });
    scrim.addEventListener('click', () => e.app.classList.remove('nav-open'));
    e.app.replaceChildren(sidebar, scrim, main, e.membersPanel);
    this.root.className = '';
    this.root.replaceChildren(e.app, e.toasts, e.dialog);
    this.renderConnection();
  }

  private welcome(): HTMLElement {
    const create = h('button', { class: 'btn primary', type: 'button' }, 'Create a channel');
    create.addEventListener('click', () => this.showCreateRoom());
    const dm = h('button', { class: 'btn', type: 'button' }, 'Message someone');
    dm.addEventListener('click', () => this.showNewDirect());
    return h(
      'div',
      { class: 'empty-state' },
      h('div', { class: 'empty-emoji' }, icon('wave')),
      h('h2', {}, `Welcome, ${this.me.username}`),
      h('p', { class: 'muted' }, 'Pick a channel on the left, join a public one, or start a conversation.'),
      h('div', { class: 'actions' }, create, dm),
    );
  }

  private buildComposer(): void {
    const e = this.el;
    const hint = h(
      'div',
      { class: 'composer-hint' },
      h('kbd', {}, 'Enter'),
      ' to send · ',
      h('kbd', {}, 'Shift+Enter'),
      ' for a new line',
      e.counter,
    );
    e.composer.replaceChildren(h('div', { class: 'composer-box' }, e.input, e.send), hint);
    e.composer.addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.submitMessage();
    });
    e.input.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
        ev.preventDefault();
        this.submitMessage();
      }
    });
    e.input.addEventListener('input', () => {
      this.autoGrow();
      this.onComposerInput();
    });
  }

  private autoGrow(): void {
    const input = this.el.input;
    input.style.height = 'auto';
    input.style.height = `${Math.min(input.scrollHeight, 200)}px`;
    const length = input.value.length;
    this.el.counter.hidden = length < MAX_CONTENT - 500;
    this.el.counter.textContent = ` · ${length}/${MAX_CONTENT}`;
    this.el.counter.classList.toggle('over', length > MAX_CONTENT);
  }

  // ---------------------------------------------------------------- rooms

  private view(room: Room): RoomView {
    let rv = this.rooms.get(room.id);
    if (!rv) {
      rv = {
        room,
        messages: [],
        ids: new Set(),
        loaded: false,
        hasMore: true,
        loadingOlder: false,
        unread: 0,
      };
      this.rooms.set(room.id, rv);
    } else {
      rv.room = { ...rv.room, ...room };
    }
    return rv;
  }

  private roomName(rv: RoomView): string {
    if (rv.room.type === 'DIRECT_MESSAGE') return rv.dmPeer?.username ?? rv.room.name ?? 'Direct message';
    return rv.room.name ?? `room ${rv.room.id}`;
  }

  /** Loads the room lists and keeps the live subscriptions to exactly the rooms the user is in. */
  private async refreshRooms(): Promise<void> {
    let all: Room[];
    let mine: Room[];
    try {
      [all, mine] = await Promise.all([this.api.rooms(), this.api.roomsOf(this.me.id)]);
    } catch (err) {
      this.showError(err, 'Could not load your rooms');
      return;
    }
    const mineIds = new Set(mine.map((r) => r.id));
    for (const id of [...this.mine]) {
      if (!mineIds.has(id)) this.leftRoom(id);
    }
    for (const room of [...all, ...mine]) this.view(room);
    for (const room of mine) {
      this.mine.add(room.id);
      this.subscribeRoom(room.id);
    }
    this.roomsLoaded = true;
    this.renderSidebar();
    await this.loadDmPeers();
  }

  private subscribeRoom(id: number): void {
    if (!this.live.isSubscribed(`/topic/rooms/${id}`)) {
      this.live.subscribe(`/topic/rooms/${id}`, (body) => this.onLiveMessage(body));
    }
    if (!this.live.isSubscribed(`/topic/rooms/${id}/events`)) {
      this.live.subscribe(`/topic/rooms/${id}/events`, (body) => this.onRoomEvent(body));
    }
    if (id === this.current && !this.live.isSubscribed(`/topic/rooms/${id}/typing`)) {
      this.live.subscribe(`/topic/rooms/${id}/typing`, (body) => this.onTyping(body));
    }
  }

  private unsubscribeRoom(id: number): void {
    for (const suffix of ['', '/events', '/typing']) this.live.unsubscribe(`/topic/rooms/${id}${suffix}`);
  }

  /** The user is no longer in room `id` (left, removed, room deleted). */
  private leftRoom(id: number, notice?: string): void {
    this.mine.delete(id);
    this.unsubscribeRoom(id);
    const rv = this.rooms.get(id);
    if (rv) {
      rv.loaded = false;
      rv.messages = [];
      rv.ids.clear();
      rv.unread = 0;
      rv.syncedId = undefined;
    }
    if (notice) this.toast(notice, 'info');
    if (this.current === id) {
      this.current = undefined;
      if (location.hash === roomHash(id)) history.replaceState(null, '', location.pathname + location.search);
      this.showWelcome();
    }
  }

  private async loadDmPeers(): Promise<void> {
    const missing = [...this.mine]
      .map((id) => this.rooms.get(id))
      .filter((rv): rv is RoomView => !!rv && rv.room.type === 'DIRECT_MESSAGE' && !rv.dmPeer);
    await Promise.all(
      missing.map(async (rv) => {
        try {
          rv.members = await this.api.members(rv.room.id);
          rv.dmPeer = rv.members.find((m) => m.id !== this.me.id) ?? rv.members[0];
        } catch {
          // The DM keeps its generic name.
        }
      }),
    );
    if (missing.length) {
      this.renderSidebar();
      if (this.current !== undefined) {
        this.renderHeader();
        this.renderRoomName();
      }
      await this.fetchPresence(
        missing.map((rv) => rv.dmPeer?.id).filter((id): id is number => id !== undefined),
      );
    }
  }

  private renderSidebar(): void {
    const views = [...this.rooms.values()];
    const byName = (a: RoomView, b: RoomView) => this.roomName(a).localeCompare(this.roomName(b));
    const channels = views
      .filter((rv) => this.mine.has(rv.room.id) && rv.room.type !== 'DIRECT_MESSAGE')
      .sort(byName);
    const dms = views
      .filter((rv) => this.mine.has(rv.room.id) && rv.room.type === 'DIRECT_MESSAGE')
      .sort(byName);
    const others = views.filter((rv) => !this.mine.has(rv.room.id) && rv.room.type === 'PUBLIC').sort(byName);

    replace(
      this.el.channels,
      ...channels.map((rv) => this.roomItem(rv)),
      channels.length ? null : h('li', { class: 'side-empty' }, 'No channels yet'),
    );
    replace(
      this.el.dms,
      ...dms.map((rv) => this.roomItem(rv)),
      dms.length ? null : h('li', { class: 'side-empty' }, 'No conversations yet'),
    );
    replace(this.el.browse, ...others.map((rv) => this.browseItem(rv)));
    this.el.browseSection.hidden = others.length === 0;
    this.updateTitle();
  }

  private roomItem(rv: RoomView): HTMLElement {
    const { room } = rv;
    const marker =
      room.type === 'DIRECT_MESSAGE' && rv.dmPeer
        ? this.presenceDot(rv.dmPeer.id)
        : h('span', { class: 'room-icon' }, icon(room.type === 'PRIVATE' ? 'lock' : 'hash'));
    const link = h(
      'a',
      {
        class: `room-link${this.current === room.id ? ' active' : ''}${rv.unread ? ' unread' : ''}`,
        href: roomHash(room.id),
        dataset: { roomId: String(room.id) },
        aria: this.current === room.id ? { current: 'page' } : {},
      },
      marker,
      h('span', { class: 'room-name' }, this.roomName(rv)),
      rv.unread
        ? h('span', { class: 'count', aria: { label: `${rv.unread} unread` } }, String(rv.unread))
        : null,
    );
    return h('li', {}, link);
  }

  private browseItem(rv: RoomView): HTMLElement {
    const join = h('button', { class: 'btn tiny', type: 'button' }, 'Join');
    join.addEventListener('click', (ev) => {
      ev.preventDefault();
      void this.join(rv.room.id);
    });
    const link = h(
      'a',
      { class: 'room-link muted-link', href: roomHash(rv.room.id), dataset: { roomId: String(rv.room.id) } },
      h('span', { class: 'room-icon' }, icon('hash')),
      h('span', { class: 'room-name' }, this.roomName(rv)),
      join,
    );
    return h('li', {}, link);
  }

  private async join(roomId: number): Promise<void> {
    try {
      await this.api.addMember(roomId, this.me.id);
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 400 && /already/i.test(err.message))) {
        this.showError(err, 'Could not join the channel');
        return;
      }
    }
    this.mine.add(roomId);
    const rv = this.rooms.get(roomId);
    if (rv) {
      rv.loaded = false;
      rv.members = undefined;
    }
    this.subscribeRoom(roomId);
    await this.refreshRooms();
    if (location.hash === roomHash(roomId)) void this.openRoom(roomId);
    else location.hash = roomHash(roomId);
  }

  private async leave(roomId: number): Promise<void> {
    const rv = this.rooms.get(roomId);
    const name = rv ? this.roomName(rv) : 'this room';
    if (!window.confirm(`Leave ${name}?`)) return;
    try {
      await this.api.removeMember(roomId, this.me.id);
      this.closeMembers();
      this.leftRoom(roomId, `You left ${name}`);
      await this.refreshRooms();
    } catch (err) {
      this.showError(err, 'Could not leave the room');
    }
  }

  // ---------------------------------------------------------------- routing and opening rooms

  private route(): void {
    const match = /^#\/room\/(\d+)$/.exec(location.hash);
    this.el.app.classList.remove('nav-open');
    if (match) void this.openRoom(Number(match[1]));
    else if (this.current !== undefined) {
      this.current = undefined;
      this.showWelcome();
    }
  }

  private showWelcome(): void {
    this.stopTyping();
    this.typing.clear();
    this.renderTyping();
    this.el.title.textContent = '';
    this.el.subtitle.textContent = '';
    this.el.membersButton.hidden = true;
    this.el.composer.hidden = true;
    this.closeMembers();
    this.el.pane.replaceChildren(this.welcome());
    this.renderSidebar();
  }

  private async openRoom(id: number): Promise<void> {
    const seq = ++this.openSeq;
    const previous = this.current;
    if (previous !== undefined && previous !== id) {
      this.stopTyping();
      this.live.unsubscribe(`/topic/rooms/${previous}/typing`);
    }
    this.current = id;
    this.typing.clear();
    this.renderTyping();
    this.closeMembers();
    this.el.jump.hidden = true;

    let rv = this.rooms.get(id);
    if (!rv || (!this.roomsLoaded && !this.mine.has(id))) {
      this.el.title.textContent = 'Loading…';
      this.el.subtitle.textContent = '';
      this.el.pane.replaceChildren(h('div', { class: 'loading' }, 'Loading…'));
      try {
        const room = await this.api.room(id);
        if (seq !== this.openSeq) return;
        rv = this.view(room);
      } catch (err) {
        if (seq !== this.openSeq) return;
        this.renderRoomError(err);
        return;
      }
    }
    const view = rv;
    view.unread = 0;
    this.renderSidebar();
    this.renderHeader();

    if (!view.loaded) {
      this.el.pane.replaceChildren(h('div', { class: 'loading' }, 'Loading messages…'));
      this.el.composer.hidden = true;
      try {
        const page = await this.api.history(id, { size: HISTORY_PAGE });
        if (seq !== this.openSeq) return;
        view.hasMore = page.length >= HISTORY_PAGE;
        this.merge(view, page);
        view.syncedId = Math.max(view.syncedId ?? 0, ...page.map((m) => m.id));
        view.loaded = true;
      } catch (err) {
        if (seq !== this.openSeq) return;
        if (
          err instanceof ApiError &&
          err.status === 403 &&
          view.room.type === 'PUBLIC' &&
          !this.mine.has(id)
        ) {
          this.renderJoinPrompt(view);
        } else {
          this.renderRoomError(err);
        }
        return;
      }
    }
    if (!this.mine.has(id) && !this.isAdmin) {
      // History is for members only: reading it means we are one (joined from another tab, say).
      this.mine.add(id);
      this.renderSidebar();
    }
    this.subscribeRoom(id);
    this.el.pane.replaceChildren(this.el.scroller, this.el.jump);
    this.el.composer.hidden = false;
    this.renderPlaceholder(view);
    this.renderMessages();
    this.scrollToBottom();
    if (window.matchMedia('(pointer: fine)').matches) this.el.input.focus();
    void this.loadMembers(view);
  }

  /**
   * Everything below the header that shows the open room's name. A direct message is named after
   * its peer, who is known only once the members arrive, possibly after the history: this runs
   * again then.
   */
  private renderRoomName(): void {
    const rv = this.current !== undefined ? this.rooms.get(this.current) : undefined;
    if (!rv?.loaded) return;
    this.renderPlaceholder(rv);
    this.renderHistoryTop(rv);
  }

  private renderPlaceholder(rv: RoomView): void {
    this.el.input.placeholder = `Message ${rv.room.type === 'PUBLIC' ? '#' : ''}${this.roomName(rv)}`;
  }

  private renderHeader(): void {
    const rv = this.current !== undefined ? this.rooms.get(this.current) : undefined;
    if (!rv) return;
    const { room } = rv;
    replace(
      this.el.title,
      room.type === 'DIRECT_MESSAGE'
        ? rv.dmPeer
          ? this.presenceDot(rv.dmPeer.id)
          : null
        : icon(room.type === 'PRIVATE' ? 'lock' : 'hash', 'title-icon'),
      h('span', { class: 'room-title-text' }, this.roomName(rv)),
    );
    const kind =
      room.type === 'PUBLIC'
        ? 'Public channel'
        : room.type === 'PRIVATE'
          ? 'Private channel'
          : 'Direct message';
    const count = rv.members?.length ?? room.memberCount;
    this.el.subtitle.textContent =
      room.creator?.username && room.type !== 'DIRECT_MESSAGE'
        ? `${kind} · created by ${room.creator.username}`
        : kind;
    this.el.membersButton.hidden = false;
    this.el.membersButton.replaceChildren(icon('users'), count !== undefined ? `${count}` : 'Members');
    this.el.membersButton.setAttribute('aria-label', `Members${count !== undefined ? ` (${count})` : ''}`);
    document.title = `${this.roomName(rv)} · Chat`;
  }

  private renderRoomError(err: unknown): void {
    this.el.composer.hidden = true;
    this.el.membersButton.hidden = true;
    const status = err instanceof ApiError ? err.status : 0;
    const heading =
      status === 403
        ? "You don't have access to this room"
        : status === 404
          ? 'This room does not exist'
          : 'Could not open this room';
    this.el.title.textContent = status === 403 ? 'Private room' : 'Room unavailable';
    this.el.subtitle.textContent = '';
    const back = h('a', { class: 'btn', href: '#/' }, 'Back to your rooms');
    this.el.pane.replaceChildren(
      h(
        'div',
        { class: 'empty-state room-error', role: 'alert' },
        h('div', { class: 'empty-emoji' }, icon(status === 403 ? 'lock' : 'compass')),
        h('h2', {}, heading),
        h('p', {}, err instanceof Error ? err.message : String(err)),
        err instanceof ApiError ? h('p', { class: 'error-code' }, err.label) : null,
        h('div', { class: 'actions' }, back),
      ),
    );
  }

  private renderJoinPrompt(rv: RoomView): void {
    this.el.composer.hidden = true;
    const join = h('button', { class: 'btn primary', type: 'button' }, `Join #${this.roomName(rv)}`);
    join.addEventListener('click', () => void this.join(rv.room.id));
    this.el.pane.replaceChildren(
      h(
        'div',
        { class: 'empty-state' },
        h('div', { class: 'empty-emoji' }, icon('hash')),
        h('h2', {}, `#${this.roomName(rv)}`),
        h(
          'p',
          { class: 'muted' },
          'You are not a member of this channel yet. Join it to read and send messages.',
        ),
        h('div', { class: 'actions' }, join),
      ),
    );
  }

  // ---------------------------------------------------------------- messages

  /** Adds messages (deduplicated by id), settles own pending sends; returns the new ones. */
  private merge(rv: RoomView, incoming: Message[]): Message[] {
    const added: Message[] = [];
    for (const m of incoming) {
      if (rv.ids.has(m.id)) continue;
      rv.ids.add(m.id);
      added.push(m);
      if (m.sender?.id === this.me.id) this.settlePending(m);
    }
    if (added.length === 0) return added;
    const last = rv.messages[rv.messages.length - 1];
    const sortedTail = added.every((m, i) => (i === 0 ? !last || m.id > last.id : m.id > added[i - 1].id));
    rv.messages.push(...added);
    if (!sortedTail) rv.messages.sort((a, b) => a.id - b.id);
    return added;
  }

  private onLiveMessage(body: unknown): void {
    const m = asMessage(body);
    if (!m) return;
    const rv = this.rooms.get(m.roomId);
    if (!rv) return;
    this.deliverTo(rv, [m]);
    if (rv.loaded) rv.syncedId = Math.max(rv.syncedId ?? 0, m.id);
  }

  /** New messages from the live topic or a catch-up: shown, or counted as unread. */
  private deliverTo(rv: RoomView, messages: Message[]): void {
    const wasLoaded = rv.loaded;
    const previousLast = rv.messages[rv.messages.length - 1];
    const added = this.merge(rv, messages);
    if (added.length === 0) return;
    if (this.current === rv.room.id && wasLoaded) {
      const atBottom = this.nearBottom();
      const appendOnly = !previousLast || added.every((m) => m.id > previousLast.id);
      if (appendOnly && added.length < 20)
        for (const m of added.sort((a, b) => a.id - b.id)) this.appendMessage(rv, m);
      else this.renderMessages();
      for (const m of added) {
        if (m.sender?.id !== this.me.id && this.typing.delete(m.sender?.id ?? -1)) this.renderTyping();
      }
      const mineOnly = added.every((m) => m.sender?.id === this.me.id);
      if (atBottom || mineOnly) this.scrollToBottom();
      else this.el.jump.hidden = false;
      if (document.hidden) rv.unread += added.filter((m) => m.sender?.id !== this.me.id).length;
    } else if (this.current !== rv.room.id) {
      rv.unread += added.filter((m) => m.sender?.id !== this.me.id).length;
      this.renderSidebar();
    }
    this.updateTitle();
  }

  private renderMessages(): void {
    const rv = this.current !== undefined ? this.rooms.get(this.current) : undefined;
    if (!rv) return;
    const nodes: Node[] = [];
    let prev: Message | undefined;
    for (const m of rv.messages) {
      nodes.push(...this.messageNodes(rv, m, prev));
      prev = m;
    }
    this.el.list.replaceChildren(...nodes);
    this.renderHistoryTop(rv);
    this.renderPending();
    this.trimDeliveredMarks();
  }

  /** "Delivered" shows under our latest confirmed message only, as in most messengers. */
  private trimDeliveredMarks(): void {
    const marks = [...this.el.scroller.querySelectorAll('.msg-status.delivered')];
    for (const mark of marks.slice(0, -1)) mark.remove();
  }

  private appendMessage(rv: RoomView, m: Message): void {
    const index = rv.messages.indexOf(m);
    const prev = index > 0 ? rv.messages[index - 1] : undefined;
    append(this.el.list, ...this.messageNodes(rv, m, prev));
    this.trimDeliveredMarks();
  }

  private messageNodes(rv: RoomView, m: Message, prev: Message | undefined): Node[] {
    const nodes: Node[] = [];
    const at = parseTime(m.sentAt);
    const prevAt = prev ? parseTime(prev.sentAt) : undefined;
    const newDay = !prevAt || prevAt.toDateString() !== at.toDateString();
    if (newDay)
      nodes.push(h('div', { class: 'day-divider', role: 'separator' }, h('span', {}, formatDay(at))));
    const compact =
      !newDay &&
      !!prev &&
      !!prevAt &&
      prev.sender?.id === m.sender?.id &&
      at.getTime() - prevAt.getTime() < GROUP_WINDOW_MS;
    nodes.push(this.messageEl(rv, m, compact));
    return nodes;
  }

  private messageEl(rv: RoomView, m: Message, compact: boolean): HTMLElement {
    const mine = m.sender?.id === this.me.id;
    const name = m.sender?.username ?? 'Deleted user';
    const at = parseTime(m.sentAt);
    const canDelete = mine || this.isAdmin || rv.room.creator?.id === this.me.id;
    const remove = canDelete
      ? h(
          'button',
          { class: 'msg-action', type: 'button', title: 'Delete message', aria: { label: 'Delete message' } },
          icon('trash'),
        )
      : null;
    remove?.addEventListener('click', () => void this.deleteMessage(m));
    return h(
      'div',
      { class: `msg${compact ? ' compact' : ''}${mine ? ' mine' : ''}`, dataset: { id: String(m.id) } },
      compact
        ? h(
            'time',
            {
              class: 'msg-gutter-time',
              title: formatFull(at),
              attrs: { datetime: at.toISOString?.() ?? '' },
            },
            formatTime(at),
          )
        : m.sender && m.sender.id > 0
          ? avatar(name, m.sender.id)
          : h('span', { class: 'avatar ghost' }, '?'),
      h(
        'div',
        { class: 'msg-body' },
        compact
          ? null
          : h(
              'div',
              { class: 'msg-meta' },
              h('span', { class: 'msg-author' }, name),
              m.sender && m.sender.id > 0 && !mine ? this.presenceDot(m.sender.id) : null,
              h('time', { title: formatFull(at) }, formatTime(at)),
            ),
        h('div', { class: 'msg-text' }, richText(m.content)),
        mine && this.delivered.has(m.id) ? h('div', { class: 'msg-status delivered' }, '✓ Delivered') : null,
      ),
      remove,
    );
  }

  private renderHistoryTop(rv: RoomView): void {
    if (rv.loadingOlder) {
      replace(this.el.top, h('div', { class: 'loading small' }, 'Loading older messages…'));
    } else if (!rv.hasMore) {
      const name = this.roomName(rv);
      replace(
        this.el.top,
        h(
          'div',
          { class: 'room-intro' },
          h('h3', {}, rv.room.type === 'DIRECT_MESSAGE' ? name : `#${name}`),
          h(
            'p',
            { class: 'muted' },
            rv.room.type === 'DIRECT_MESSAGE'
              ? `This is the very beginning of your direct message history with ${name}.`
              : `This is the very beginning of #${name}.`,
          ),
        ),
      );
    } else {
      replace(this.el.top);
    }
  }

  private onScroll(): void {
    if (this.nearBottom()) this.el.jump.hidden = true;
    const rv = this.current !== undefined ? this.rooms.get(this.current) : undefined;
    if (rv && rv.loaded && rv.hasMore && !rv.loadingOlder && this.el.scroller.scrollTop < 200)
      void this.loadOlder(rv);
  }

  /** Infinite scroll upward: the page before the oldest message shown, keeping the view still. */
  private async loadOlder(rv: RoomView): Promise<void> {
    const oldest = rv.messages[0];
    if (!oldest) {
      rv.hasMore = false;
      return;
    }
    rv.loadingOlder = true;
    this.renderHistoryTop(rv);
    try {
      const older = await this.api.history(rv.room.id, { before: oldest.id, size: HISTORY_PAGE });
      rv.hasMore = older.length >= HISTORY_PAGE;
      rv.loadingOlder = false;
      this.merge(rv, older);
      if (this.current !== rv.room.id) return;
      const scroller = this.el.scroller;
      const fromBottom = scroller.scrollHeight - scroller.scrollTop;
      this.renderMessages();
      scroller.scrollTop = scroller.scrollHeight - fromBottom;
    } catch (err) {
      rv.loadingOlder = false;
      this.renderHistoryTop(rv);
      this.showError(err, 'Could not load older messages');
    }
  }

  private nearBottom(): boolean {
    const s = this.el.scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight < 120;
  }

  private scrollToBottom(): void {
    this.el.scroller.scrollTop = this.el.scroller.scrollHeight;
    this.el.jump.hidden = true;
  }

  private async deleteMessage(m: Message): Promise<void> {
    if (!window.confirm('Delete this message for everyone?')) return;
    try {
      await this.api.deleteMessage(m.id);
      const rv = this.rooms.get(m.roomId);
      if (rv) this.removeMessage(rv, m.id);
    } catch (err) {
      this.showError(err, 'Could not delete the message');
    }
  }

  private removeMessage(rv: RoomView, id: number): void {
    const at = rv.messages.findIndex((m) => m.id === id);
    if (at < 0) return;
    rv.messages.splice(at, 1);
    if (this.current === rv.room.id) this.renderMessages();
  }

  // ---------------------------------------------------------------- sending

  private submitMessage(): void {
    const rv = this.current !== undefined ? this.rooms.get(this.current) : undefined;
    if (!rv) return;
    const content = this.el.input.value.trim();
    if (!content) return;
    if (content.length > MAX_CONTENT) {
      this.toast(`A message can be at most ${MAX_CONTENT} characters (this one has ${content.length}).`);
      return;
    }
    this.el.input.value = '';
    this.autoGrow();
    this.stopTyping();
    const p: Pending = { clientMessageId: newId(), roomId: rv.room.id, content, state: 'sending' };
    this.pending.push(p);
    this.renderPending();
    this.scrollToBottom();
    void this.transmit(p);
  }

  /** Over STOMP with a receipt when connected; over REST when not, so nothing typed is lost. */
  private async transmit(p: Pending): Promise<void> {
    p.state = 'sending';
    p.error = undefined;
    this.renderPendingOne(p);
    if (this.live.connected) {
      try {
        await this.live.send(
          '/app/chat.sendMessage',
          { roomId: p.roomId, content: p.content, clientMessageId: p.clientMessageId },
          true,
        );
        // The broadcast may have come first and already replaced this pending entry.
        if (this.pending.includes(p) && p.state === 'sending') {
          p.state = 'delivered';
          this.renderPendingOne(p);
        }
      } catch (err) {
        if (this.pending.includes(p) && p.state === 'sending') {
          this.failPending(p, err instanceof Error ? err.message : String(err));
        }
      }
      return;
    }
    try {
      const m = await this.api.postMessage(p.roomId, p.content, p.clientMessageId);
      if (m) {
        m.roomId = p.roomId;
        const rv = this.rooms.get(p.roomId);
        this.delivered.add(m.id);
        this.dropPending(p);
        if (rv) this.deliverTo(rv, [m]);
      } else {
        p.state = 'delivered';
        this.renderPendingOne(p);
      }
    } catch (err) {
      if (this.pending.includes(p)) this.failPending(p, err instanceof Error ? err.message : String(err));
    }
  }

  private failPending(p: Pending, error: string): void {
    p.state = 'failed';
    p.error = error;
    this.renderPendingOne(p);
  }

  /** A stored message of ours arrived: it replaces the matching pending send. */
  private settlePending(m: Message): void {
    let index = m.clientMessageId
      ? this.pending.findIndex((p) => p.clientMessageId === m.clientMessageId)
      : -1;
    if (index < 0) index = this.pending.findIndex((p) => p.roomId === m.roomId && p.content === m.content);
    if (index < 0) return;
    this.delivered.add(m.id);
    this.dropPending(this.pending[index]);
  }

  private dropPending(p: Pending): void {
    const at = this.pending.indexOf(p);
    if (at >= 0) this.pending.splice(at, 1);
    p.el?.remove();
    p.el = undefined;
  }

  private renderPending(): void {
    const here = this.pending.filter((p) => p.roomId === this.current);
    this.el.pendingList.replaceChildren();
    for (const p of here) {
      p.el = undefined;
      this.renderPendingOne(p);
    }
  }

  private renderPendingOne(p: Pending): void {
    if (p.roomId !== this.current) return;
    const status =
      p.state === 'sending'
        ? h('div', { class: 'msg-status' }, 'Sending…')
        : p.state === 'delivered'
          ? h('div', { class: 'msg-status delivered' }, '✓ Delivered')
          : h(
              'div',
              { class: 'msg-status failed', role: 'alert' },
              `Not delivered${p.error ? `: ${p.error}` : ''} · `,
              retryButton(() => void this.transmit(p)),
              ' · ',
              discardButton(() => this.dropPending(p)),
            );
    const el = h(
      'div',
      { class: `msg mine pending ${p.state}` },
      avatar(this.me.username, this.me.id),
      h(
        'div',
        { class: 'msg-body' },
        h(
          'div',
          { class: 'msg-meta' },
          h('span', { class: 'msg-author' }, this.me.username),
          h('time', {}, formatTime(new Date())),
        ),
        h('div', { class: 'msg-text' }, richText(p.content)),
        status,
      ),
    );
    if (p.el) p.el.replaceWith(el);
    else this.el.pendingList.appendChild(el);
    p.el = el;
    this.trimDeliveredMarks();
  }

  // ---------------------------------------------------------------- typing

  private onComposerInput(): void {
    const roomId = this.current;
    if (roomId === undefined || !this.live.connected) return;
    if (!this.el.input.value.trim()) {
      this.stopTyping();
      return;
    }
    const now = Date.now();
    if (this.typingRoom !== roomId || now - this.typingSentAt > TYPING_REFRESH_MS) {
      this.typingRoom = roomId;
      this.typingSentAt = now;
      this.live.send('/app/chat.typing', { roomId, typing: true }).catch(() => undefined);
    }
    window.clearTimeout(this.typingIdleTimer);
    this.typingIdleTimer = window.setTimeout(() => this.stopTyping(), TYPING_IDLE_MS);
  }

  private stopTyping(): void {
    window.clearTimeout(this.typingIdleTimer);
    const roomId = this.typingRoom;
    if (roomId === undefined) return;
    this.typingRoom = undefined;
    this.typingSentAt = 0;
    if (this.live.connected)
      this.live.send('/app/chat.typing', { roomId, typing: false }).catch(() => undefined);
  }

  private onTyping(body: unknown): void {
    if (!isObject(body)) return;
    const ev = body as unknown as TypingEvent;
    if (Number(ev.roomId) !== this.current || ev.userId === this.me.id) return;
    if (ev.typing === false) this.typing.delete(ev.userId);
    else
      this.typing.set(ev.userId, {
        username: ev.username ?? `user ${ev.userId}`,
        until: Date.now() + TYPING_SHOWN_MS,
      });
    this.renderTyping();
  }

  private renderTyping(): void {
    const now = Date.now();
    for (const [id, t] of this.typing) if (t.until <= now) this.typing.delete(id);
    const names = [...this.typing.values()].map((t) => t.username);
    window.clearTimeout(this.typingSweepTimer);
    if (names.length === 0) {
      this.el.typing.replaceChildren();
      return;
    }
    const text =
      names.length === 1
        ? `${names[0]} is typing…`
        : names.length === 2
          ? `${names[0]} and ${names[1]} are typing…`
          : names.length === 3
            ? `${names[0]}, ${names[1]} and ${names[2]} are typing…`
            : 'Several people are typing…';
    this.el.typing.replaceChildren(
      h('span', { class: 'dots', aria: { hidden: 'true' } }, h('i'), h('i'), h('i')),
      h('span', {}, text),
    );
    const next = Math.min(...[...this.typing.values()].map((t) => t.until)) - now;
    this.typingSweepTimer = window.setTimeout(() => this.renderTyping(), Math.max(100, next));
  }

  // ---------------------------------------------------------------- presence

  private presenceDot(userId: number): HTMLElement {
    const status = this.presence.get(userId) ?? 'offline';
    return h('span', {
      class: `presence ${status}`,
      dataset: { presence: String(userId) },
      title: STATUS_LABEL[status] ?? status,
      role: 'img',
      aria: { label: STATUS_LABEL[status] ?? status },
    });
  }

  private onStatus(body: unknown): void {
    if (!isObject(body)) return;
    const ev = body as unknown as StatusEvent;
    if (typeof ev.userId !== 'number' || typeof ev.status !== 'string') return;
    this.setPresence(ev.userId, ev.status);
  }

  private setPresence(userId: number, raw: string): void {
    const status = raw.toLowerCase();
    this.presence.set(userId, status);
    const label = STATUS_LABEL[status] ?? status;
    for (const dot of this.root.querySelectorAll<HTMLElement>(`[data-presence="${userId}"]`)) {
      dot.className = `presence ${status}`;
      dot.title = label;
      dot.setAttribute('aria-label', label);
    }
    for (const text of this.root.querySelectorAll<HTMLElement>(`[data-presence-text="${userId}"]`))
      text.textContent = label;
  }

  private async fetchPresence(userIds: number[]): Promise<void> {
    const ids = [...new Set(userIds)].filter((id) => id !== this.me.id);
    for (let i = 0; i < ids.length; i += 100) {
      try {
        const list = await this.api.statuses(ids.slice(i, i + 100));
        for (const s of list)
          if (typeof s.userId === 'number' && typeof s.status === 'string')
            this.setPresence(s.userId, s.status);
      } catch {
        // Presence is a nicety: dots stay grey rather than an error for the user.
      }
    }
  }

  // ---------------------------------------------------------------- members

  private async loadMembers(rv: RoomView): Promise<void> {
    try {
      rv.members = await this.api.members(rv.room.id);
    } catch {
      return;
    }
    if (rv.room.type === 'DIRECT_MESSAGE' && !rv.dmPeer) {
      rv.dmPeer = rv.members.find((m) => m.id !== this.me.id);
      this.renderSidebar();
    }
    if (this.current === rv.room.id) {
      this.renderHeader();
      this.renderRoomName();
      if (!this.el.membersPanel.hidden) this.renderMembers(rv);
    }
    await this.fetchPresence(rv.members.map((m) => m.id));
  }

  private toggleMembers(): void {
    if (!this.el.membersPanel.hidden) {
      this.closeMembers();
      return;
    }
    const rv = this.current !== undefined ? this.rooms.get(this.current) : undefined;
    if (!rv) return;
    this.el.membersPanel.hidden = false;
    this.el.app.classList.add('members-open');
    this.renderMembers(rv);
    void this.loadMembers(rv);
  }

  private closeMembers(): void {
    this.el.membersPanel.hidden = true;
    this.el.app.classList.remove('members-open');
  }

  private renderMembers(rv: RoomView): void {
    const close = h(
      'button',
      { class: 'icon-btn', type: 'button', aria: { label: 'Close members' } },
      icon('close'),
    );
    close.addEventListener('click', () => this.closeMembers());
    const members = [...(rv.members ?? [])].sort((a, b) => a.username.localeCompare(b.username));
    const canManage = this.isAdmin || rv.room.creator?.id === this.me.id;
    const rows = members.map((m) => {
      const status = this.presence.get(m.id) ?? 'offline';
      const dm =
        m.id !== this.me.id
          ? h(
              'button',
              {
                class: 'btn tiny',
                type: 'button',
                title: `Message ${m.username}`,
                aria: { label: `Message ${m.username}` },
              },
              'Message',
            )
          : null;
      dm?.addEventListener('click', () => void this.openDirect(m.id));
      return h(
        'li',
        { class: 'member' },
        h('span', { class: 'avatar-wrap' }, avatar(m.username, m.id), this.presenceDot(m.id)),
        h(
          'span',
          { class: 'member-name' },
          h('span', {}, m.username, m.id === this.me.id ? h('span', { class: 'muted' }, ' (you)') : null),
          h(
            'small',
            { class: 'muted', dataset: { presenceText: String(m.id) } },
            STATUS_LABEL[status] ?? status,
          ),
        ),
        dm,
      );
    });
    let addForm: HTMLElement | null = null;
    if (canManage && rv.room.type !== 'DIRECT_MESSAGE') {
      const input = h('input', {
        name: 'memberId',
        placeholder: 'User id',
        attrs: { inputmode: 'numeric' },
        aria: { label: 'User id to add' },
      });
      const form = h(
        'form',
        { class: 'inline-form' },
        input,
        h('button', { class: 'btn small', type: 'submit' }, 'Add'),
      );
      form.addEventListener('submit', (ev) => {
        ev.preventDefault();
        const id = Number(input.value.trim());
        if (!Number.isInteger(id) || id <= 0) {
          this.toast('Enter a user id (a positive number).');
          return;
        }
        void this.api.addMember(rv.room.id, id).then(
          () => {
            input.value = '';
            this.toast('Member added', 'info');
            void this.loadMembers(rv);
          },
          (err: unknown) => this.showError(err, 'Could not add the member'),
        );
      });
      addForm = h('div', { class: 'panel-section' }, h('h4', {}, 'Add people'), form);
    }
    const leave =
      this.mine.has(rv.room.id) && rv.room.type !== 'DIRECT_MESSAGE'
        ? h('button', { class: 'btn danger small', type: 'button' }, 'Leave channel')
        : null;
    leave?.addEventListener('click', () => void this.leave(rv.room.id));
    replace(
      this.el.membersPanel,
      h(
        'header',
        { class: 'panel-header' },
        h('h3', {}, `Members${rv.members ? ` · ${rv.members.length}` : ''}`),
        close,
      ),
      rv.members
        ? h('ul', { class: 'member-list' }, ...rows)
        : h('div', { class: 'loading small' }, 'Loading…'),
      addForm,
      leave ? h('div', { class: 'panel-section' }, leave) : null,
    );
  }

  // ---------------------------------------------------------------- direct messages and new rooms

  private async openDirect(userId: number): Promise<void> {
    if (userId === this.me.id) {
      this.toast('That is you: pick someone else.');
      return;
    }
    try {
      const room = await this.api.direct(userId);
      this.closeDialog();
      this.view(room);
      this.mine.add(room.id);
      this.subscribeRoom(room.id);
      this.renderSidebar();
      void this.loadDmPeers();
      location.hash = roomHash(room.id);
    } catch (err) {
      this.showError(err, 'Could not open the conversation');
      throw err;
    }
  }

  private showCreateRoom(): void {
    const name = h('input', {
      name: 'name',
      required: true,
      placeholder: 'e.g. project-x',
      autocomplete: 'off',
    });
    const publicRadio = h('input', { type: 'radio', name: 'type', value: 'PUBLIC' });
    publicRadio.checked = true;
    const privateRadio = h('input', { type: 'radio', name: 'type', value: 'PRIVATE' });
    const error = h('div', { class: 'form-error', role: 'alert', hidden: true });
    const submit = h('button', { class: 'btn primary', type: 'submit' }, 'Create');
    const form = h(
      'form',
      { class: 'dialog-form', attrs: { method: 'dialog' } },
      h('h2', {}, 'Create a channel'),
      h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Name'), name),
      h(
        'fieldset',
        { class: 'choice' },
        h('legend', {}, 'Visibility'),
        h(
          'label',
          {},
          publicRadio,
          h('span', {}, h('strong', {}, 'Public'), h('small', {}, 'Anyone can find and join it')),
        ),
        h(
          'label',
          {},
          privateRadio,
          h('span', {}, h('strong', {}, 'Private'), h('small', {}, 'Only people you add can see it')),
        ),
      ),
      error,
      h('div', { class: 'dialog-actions' }, this.cancelButton(), submit),
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const type: RoomType = privateRadio.checked ? 'PRIVATE' : 'PUBLIC';
      submit.disabled = true;
      error.hidden = true;
      this.api.createRoom(name.value.trim(), type).then(
        async (room) => {
          this.closeDialog();
          this.view(room);
          this.mine.add(room.id);
          this.subscribeRoom(room.id);
          await this.refreshRooms();
          location.hash = roomHash(room.id);
        },
        (err: unknown) => {
          submit.disabled = false;
          this.formError(error, err);
        },
      );
    });
    this.openDialog(form, name);
  }

  private showNewDirect(): void {
    const input = h('input', {
      name: 'userId',
      required: true,
      placeholder: 'User id, e.g. 42',
      attrs: { inputmode: 'numeric' },
      autocomplete: 'off',
    });
    const error = h('div', { class: 'form-error', role: 'alert', hidden: true });
    const submit = h('button', { class: 'btn primary', type: 'submit' }, 'Start conversation');
    const rv = this.current !== undefined ? this.rooms.get(this.current) : undefined;
    const people = (rv?.members ?? []).filter((m) => m.id !== this.me.id);
    const pick = people.length
      ? h(
          'div',
          { class: 'pick' },
          h('h4', {}, `People in ${rv ? this.roomName(rv) : 'this room'}`),
          h(
            'ul',
            { class: 'member-list' },
            ...people.map((m) => {
              const b = h(
                'button',
                { class: 'member pick-member', type: 'button' },
                h('span', { class: 'avatar-wrap' }, avatar(m.username, m.id), this.presenceDot(m.id)),
                h('span', { class: 'member-name' }, m.username),
              );
              b.addEventListener(
                'click',
                () => void this.openDirect(m.id).catch((err: unknown) => this.formError(error, err)),
              );
              return h('li', {}, b);
            }),
          ),
        )
      : h('p', { class: 'muted small' }, 'Tip: open a room and its members appear here to pick from.');
    const form = h(
      'form',
      { class: 'dialog-form' },
      h('h2', {}, 'New direct message'),
      h(
        'label',
        { class: 'field' },
        h('span', { class: 'field-label' }, 'User id'),
        input,
        h('small', {}, `Ask them for the number next to their name (yours is #${this.me.id}).`),
      ),
      pick,
      error,
      h('div', { class: 'dialog-actions' }, this.cancelButton(), submit),
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const id = Number(input.value.trim().replace(/^#/, ''));
      if (!Number.isInteger(id) || id <= 0) {
        this.formError(error, new Error('Enter a user id (a positive number).'));
        return;
      }
      submit.disabled = true;
      this.openDirect(id).then(
        () => undefined,
        (err: unknown) => {
          submit.disabled = false;
          this.formError(error, err);
        },
      );
    });
    this.openDialog(form, input);
  }

  private cancelButton(): HTMLButtonElement {
    const b = h('button', { class: 'btn', type: 'button' }, 'Cancel');
    b.addEventListener('click', () => this.closeDialog());
    return b;
  }

  private openDialog(content: HTMLElement, focus: HTMLElement): void {
    this.el.dialog.replaceChildren(content);
    if (!this.el.dialog.open) this.el.dialog.showModal();
    focus.focus();
  }

  private closeDialog(): void {
    if (this.el.dialog.open) this.el.dialog.close();
  }

  private formError(box: HTMLElement, err: unknown): void {
    box.hidden = false;
    if (err instanceof ApiError) {
      replace(
        box,
        h('strong', {}, err.message),
        err.status ? ` (${err.status})` : '',
        err.fieldErrors.length
          ? h('ul', {}, ...err.fieldErrors.map((f) => h('li', {}, `${f.field}: ${f.message}`)))
          : null,
      );
    } else {
      box.textContent = err instanceof Error ? err.message : String(err);
    }
  }

  // ---------------------------------------------------------------- notifications

  private async loadNotifications(): Promise<void> {
    try {
      this.notifications = await this.api.notifications();
    } catch {
      // A failure here is not worth an alert; the list stays empty and live pushes still arrive.
      return;
    }
    this.renderNotifications();
  }

  private onNotification(body: unknown): void {
    if (!isObject(body)) return;
    const n = body as unknown as AppNotification;
    if (typeof n.message !== 'string') return;
    if (typeof n.id === 'number' && this.notifications.some((x) => x.id === n.id)) return;
    this.notifications.unshift({
      ...n,
      read: n.read === true,
      createdAt: n.createdAt ?? new Date().toISOString(),
    });
    this.renderNotifications();
    this.toast(n.message, 'info', 'bell');
    // Being added to a room or sent a direct message shows up in the sidebar at once.
    void this.refreshRooms();
  }

  private toggleNotifications(): void {
    this.el.notifPanel.hidden = !this.el.notifPanel.hidden;
    this.renderNotifications();
  }

  private renderNotifications(): void {
    const unread = this.notifications.filter((n) => !n.read).length;
    this.el.badge.hidden = unread === 0;
    this.el.badge.textContent = unread > 99 ? '99+' : String(unread);
    this.el.bell.setAttribute('aria-label', `Notifications (${unread} unread)`);
    this.updateTitle();
    if (this.el.notifPanel.hidden) return;
    const markAll = h(
      'button',
      { class: 'btn ghost small', type: 'button', disabled: unread === 0 },
      'Mark all as read',
    );
    markAll.addEventListener('click', () => void this.markAllRead());
    replace(
      this.el.notifPanel,
      h('header', { class: 'panel-header' }, h('h3', {}, 'Notifications'), markAll),
      this.notifications.length
        ? h(
            'ul',
            { class: 'notif-list' },
            ...this.notifications.map((n) => {
              const item = h(
                'button',
                {
                  class: `notif${n.read ? '' : ' unread'}`,
                  type: 'button',
                  title: n.read ? '' : 'Mark as read',
                },
                h('span', { class: 'notif-dot', aria: { hidden: 'true' } }),
                h(
                  'span',
                  { class: 'notif-body' },
                  h('span', { class: 'notif-message' }, n.message),
                  h(
                    'small',
                    { class: 'muted' },
                    `${humanType(n.type)} · ${relativeTime(parseTime(n.createdAt))}`,
                  ),
                ),
              );
              item.addEventListener('click', () => void this.markRead(n));
              return h('li', {}, item);
            }),
          )
        : h('p', { class: 'muted empty-note' }, 'You are all caught up.'),
    );
  }

  private async markAllRead(): Promise<void> {
    try {
      await this.api.markAllRead();
      for (const n of this.notifications) n.read = true;
    } catch (err) {
      this.showError(err, 'Could not mark the notifications as read');
    }
    this.renderNotifications();
  }

  private async markRead(n: AppNotification): Promise<void> {
    if (n.read) return;
    try {
      const updated = await this.api.markRead(n.id);
      n.read = isObject(updated) && typeof updated.read === 'boolean' ? updated.read : true;
    } catch (err) {
      this.showError(err, 'Could not mark the notification as read');
    }
    this.renderNotifications();
  }

  // ---------------------------------------------------------------- live connection

  private async onLiveReady(reconnect: boolean): Promise<void> {
    this.live.send('/app/chat.addUser', { sender: { username: this.me.username } }).catch(() => undefined);
    if (!reconnect) return;
    await this.catchUp();
    const known = new Set<number>();
    for (const rv of this.rooms.values()) for (const m of rv.members ?? []) known.add(m.id);
    await Promise.all([this.fetchPresence([...known]), this.loadNotifications()]);
  }

  /** After a reconnect: everything sent while we were away, page by page, in every open room. */
  private async catchUp(): Promise<void> {
    for (const rv of this.rooms.values()) {
      if (!rv.loaded || !this.mine.has(rv.room.id)) continue;
      try {
        let after = rv.syncedId ?? 0;
        if (after === 0) {
          // The room was empty: its newest page now, the rest by scrolling up.
          const page = await this.api.history(rv.room.id, { size: CATCH_UP_PAGE });
          this.deliverTo(rv, page);
          rv.hasMore = page.length >= CATCH_UP_PAGE;
          rv.syncedId = Math.max(0, ...page.map((m) => m.id));
          continue;
        }
        for (let round = 0; round < 100; round++) {
          const batch = await this.api.history(rv.room.id, { after, size: CATCH_UP_PAGE });
          this.deliverTo(rv, batch);
          if (batch.length === 0) break;
          after = batch[batch.length - 1].id;
          rv.syncedId = Math.max(rv.syncedId ?? 0, after);
          if (batch.length < CATCH_UP_PAGE) break;
        }
      } catch (err) {
        this.showError(err, `Could not fetch missed messages of ${this.roomName(rv)}`);
      }
    }
    // Sends that failed while we were away may have been stored after all (the catch-up above
    // settles those); the rest can be retried now.
    this.renderPending();
  }

  private onLiveState(state: LiveState): void {
    const wasConnected = this.liveState.kind === 'connected';
    this.liveState = state;
    // Our own dot follows our connection: the server marks us online while a session is live.
    if (state.kind === 'connected' || wasConnected)
      this.setPresence(this.me.id, state.kind === 'connected' ? 'online' : 'offline');
    if (wasConnected && state.kind !== 'connected') {
      this.typing.clear();
      this.renderTyping();
      this.typingRoom = undefined;
    }
    this.renderConnection();
  }

  private renderConnection(): void {
    const s = this.liveState;
    window.clearInterval(this.countdownTimer);
    const status = this.el.connection;
    status.className = `connection ${s.kind}`;
    const text =
      s.kind === 'connected'
        ? `Connected via ${s.transport}`
        : s.kind === 'connecting'
          ? s.attempt === 0
            ? 'Connecting…'
            : 'Reconnecting…'
          : s.kind === 'waiting'
            ? 'Offline'
            : 'Disconnected';
    replace(status, h('span', { class: 'conn-dot', aria: { hidden: 'true' } }), h('span', {}, text));

    const banner = this.el.banner;
    if (s.kind === 'connected' || s.kind === 'stopped' || (s.kind === 'connecting' && s.attempt === 0)) {
      banner.hidden = true;
      return;
    }
    banner.hidden = false;
    const now = h('button', { class: 'btn tiny', type: 'button' }, 'Reconnect now');
    now.addEventListener('click', () => this.live.reconnectNow());
    const line = h('span', {});
    const update = () => {
      if (s.kind === 'waiting') {
        const secs = Math.max(0, Math.ceil((s.retryAt - Date.now()) / 1000));
        line.textContent = `${s.reason}. Reconnecting in ${secs} s…`;
      } else {
        line.textContent = 'Connection lost. Reconnecting…';
      }
    };
    update();
    replace(
      banner,
      h('span', { class: 'conn-dot', aria: { hidden: 'true' } }),
      line,
      s.kind === 'waiting' ? now : null,
    );
    if (s.kind === 'waiting') this.countdownTimer = window.setInterval(update, 1000);
  }

  private onStompError(body: unknown): void {
    const err: StompErrorPayload = isObject(body)
      ? (body as unknown as StompErrorPayload)
      : { status: 0, message: String(body) };
    if (err.destination === '/app/chat.addUser') return;
    if (err.destination === '/app/chat.sendMessage') {
      const p =
        this.pending.find((x) => err.clientMessageId && x.clientMessageId === err.clientMessageId) ??
        this.pending.find((x) => x.state === 'sending');
      if (p) this.failPending(p, err.message);
    }
    if (err.destination === '/app/chat.typing') return;
    this.toast(`${err.message}${err.status ? ` (${err.status})` : ''}`);
  }

  // ---------------------------------------------------------------- room events

  private onRoomEvent(body: unknown): void {
    if (!isObject(body)) return;
    const ev = body as unknown as RoomEvent;
    const roomId = Number(ev.roomId);
    const rv = this.rooms.get(roomId);
    if (!rv) return;
    const userId =
      typeof ev.userId === 'number'
        ? ev.userId
        : typeof ev.memberId === 'number'
          ? ev.memberId
          : isObject(ev.user) && typeof ev.user.id === 'number'
            ? ev.user.id
            : undefined;
    switch (ev.type) {
      case 'MESSAGE_DELETED':
        if (typeof ev.messageId === 'number') this.removeMessage(rv, ev.messageId);
        break;
      case 'MEMBER_REMOVED':
        if (userId === this.me.id) {
          this.leftRoom(roomId, `You are no longer a member of ${this.roomName(rv)}`);
          void this.refreshRooms();
        } else if (this.current === roomId) void this.loadMembers(rv);
        break;
      case 'MEMBER_ADDED':
        if (this.current === roomId) void this.loadMembers(rv);
        break;
      case 'ROOM_UPDATED':
        void this.refreshRooms().then(() => this.current === roomId && this.renderHeader());
        break;
      case 'ROOM_DELETED':
        this.rooms.delete(roomId);
        this.leftRoom(roomId, `${this.roomName(rv)} was deleted`);
        this.renderSidebar();
        break;
      default:
        break;
    }
  }

  // ---------------------------------------------------------------- feedback

  private toast(
    message: string,
    kind: 'error' | 'info' = 'error',
    iconName: IconName = kind === 'error' ? 'warn' : 'info',
  ): void {
    const close = h(
      'button',
      { class: 'icon-btn', type: 'button', aria: { label: 'Dismiss' } },
      icon('close'),
    );
    const el = h(
      'div',
      { class: `toast ${kind}`, role: kind === 'error' ? 'alert' : 'status' },
      icon(iconName, 'toast-icon'),
      h('span', { class: 'toast-text' }, message),
      close,
    );
    const dismiss = () => el.remove();
    close.addEventListener('click', dismiss);
    this.el.toasts.appendChild(el);
    while (this.el.toasts.children.length > 4) this.el.toasts.firstElementChild?.remove();
    window.setTimeout(dismiss, kind === 'error' ? 8000 : 5000);
  }

  private showError(err: unknown, context: string): void {
    if (err instanceof ApiError) {
      if (err.status === 401) return; // the session ends; the login screen says why
      this.toast(`${context}: ${err.message}${err.status ? ` (${err.status})` : ''}`);
    } else {
      this.toast(`${context}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private updateTitle(): void {
    let unread = 0;
    for (const rv of this.rooms.values()) unread += rv.unread;
    const rv = this.current !== undefined ? this.rooms.get(this.current) : undefined;
    const base = rv ? `${this.roomName(rv)} · Chat` : 'Chat';
    document.title = unread ? `(${unread}) ${base}` : base;
  }
}

function retryButton(onClick: () => void): HTMLButtonElement {
  const b = h('button', { class: 'link-btn', type: 'button' }, 'Retry');
  b.addEventListener('click', onClick);
  return b;
}

function discardButton(onClick: () => void): HTMLButtonElement {
  const b = h('button', { class: 'link-btn', type: 'button' }, 'Discard');
  b.addEventListener('click', onClick);
  return b;
}

function humanType(type: string | undefined): string {
  if (!type) return 'Notification';
  const words = type.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function newId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}
