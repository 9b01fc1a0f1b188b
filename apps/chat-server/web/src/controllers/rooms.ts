import { ApiError } from '../net/api-error';
import { subscribeRoom, unsubscribeRoom, unsubscribeTyping, LiveEventHandler } from '../net/live-events';
import { roomName, RoomEntry } from '../state/rooms';
import type { RoomType } from '../types';
import { roomHash } from '../views/sidebar';
import type { ChatContext } from './context';
import { HISTORY_PAGE, MessagesController } from './messages';

/**
 * Which rooms the user is in and which is open: the room lists, opening a room from the URL,
 * joining, leaving, direct messages, new channels, the members panel.
 */
export class RoomsController {
  private openSeq = 0;

  constructor(
    private readonly ctx: ChatContext,
    private readonly messages: MessagesController,
    private readonly onLiveEvent: LiveEventHandler,
  ) {}

  /** Loads the room lists and keeps the live subscriptions to exactly the rooms the user is in. */
  async refreshRooms(): Promise<void> {
    const { api, me, state, views } = this.ctx;
    let all, mine;
    try {
      [all, mine] = await Promise.all([api.rooms(), api.roomsOf(me.id)]);
    } catch (err) {
      views.toasts.error(err, 'Could not load your rooms');
      return;
    }
    for (const id of state.rooms.applyLists(all, mine)) this.leftRoom(id);
    for (const id of state.rooms.memberOf()) this.subscribe(id);
    this.renderSidebar();
    await this.loadDmPeers();
  }

  subscribe(roomId: number): void {
    subscribeRoom(this.ctx.live, roomId, roomId === this.ctx.state.rooms.current, this.onLiveEvent);
  }

  /** The user is no longer in room `id` (left, removed, room deleted). */
  leftRoom(id: number, notice?: string): void {
    const { live, state, views } = this.ctx;
    state.rooms.left(id);
    state.messages.reset(id);
    unsubscribeRoom(live, id);
    if (notice) views.toasts.show(notice, 'info');
    if (state.rooms.current === id) {
      state.rooms.open(undefined);
      if (location.hash === roomHash(id)) history.replaceState(null, '', location.pathname + location.search);
      this.showWelcome();
    }
  }

  private async loadDmPeers(): Promise<void> {
    const { api, state } = this.ctx;
    const missing = state.rooms.dmsWithoutPeer();
    await Promise.all(
      missing.map(async (entry) => {
        try {
          state.rooms.setMembers(entry.room.id, await api.members(entry.room.id));
        } catch {
          // The DM keeps its generic name.
        }
      }),
    );
    if (missing.length === 0) return;
    this.renderSidebar();
    if (state.rooms.current !== undefined) {
      this.renderHeader();
      this.renderRoomName();
    }
    await this.fetchPresence(missing.map((e) => e.dmPeer?.id).filter((id): id is number => id !== undefined));
  }

  renderSidebar(): void {
    const { rooms } = this.ctx.state;
    this.ctx.views.sidebar.render(rooms.sidebar(), rooms.current);
    this.updateTitle();
  }

  updateTitle(): void {
    const { rooms } = this.ctx.state;
    const entry = rooms.currentEntry;
    this.ctx.views.shell.title(rooms.totalUnread(), entry && roomName(entry));
  }

  async join(roomId: number): Promise<void> {
    const { api, me, state, views } = this.ctx;
    try {
      await api.addMember(roomId, me.id);
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 400 && /already/i.test(err.message))) {
        views.toasts.error(err, 'Could not join the channel');
        return;
      }
    }
    state.rooms.joined(roomId);
    state.rooms.forgetMembers(roomId);
    state.messages.reset(roomId);
    this.subscribe(roomId);
    await this.refreshRooms();
    if (location.hash === roomHash(roomId)) void this.openRoom(roomId);
    else location.hash = roomHash(roomId);
  }

  async leave(roomId: number): Promise<void> {
    const { api, me, state, views } = this.ctx;
    const entry = state.rooms.get(roomId);
    const name = entry ? roomName(entry) : 'this room';
    if (!window.confirm(`Leave ${name}?`)) return;
    try {
      await api.removeMember(roomId, me.id);
      this.closeMembers();
      this.leftRoom(roomId, `You left ${name}`);
      await this.refreshRooms();
    } catch (err) {
      views.toasts.error(err, 'Could not leave the room');
    }
  }

  // ---------------------------------------------------------------- routing and opening rooms

  route(): void {
    const match = /^#\/room\/(\d+)$/.exec(location.hash);
    this.ctx.views.shell.closeNav();
    if (match) void this.openRoom(Number(match[1]));
    else if (this.ctx.state.rooms.current !== undefined) {
      this.ctx.state.rooms.open(undefined);
      this.showWelcome();
    }
  }

  showWelcome(): void {
    const { me, views } = this.ctx;
    this.messages.stopTyping();
    this.messages.clearTyping();
    views.header.text('');
    views.header.hideMembersButton();
    views.composer.hide();
    this.closeMembers();
    views.pane.welcome(me.username);
    this.renderSidebar();
  }

  async openRoom(id: number): Promise<void> {
    const { api, isAdmin, live, state, views } = this.ctx;
    const seq = ++this.openSeq;
    const previous = state.rooms.current;
    if (previous !== undefined && previous !== id) {
      this.messages.stopTyping();
      unsubscribeTyping(live, previous);
    }
    state.rooms.open(id);
    this.messages.clearTyping();
    this.closeMembers();
    views.list.showJump(false);

    if (!state.rooms.get(id) || (!state.rooms.listed && !state.rooms.isMember(id))) {
      views.header.text('Loading…');
      views.pane.loading('Loading…');
      try {
        const room = await api.room(id);
        if (seq !== this.openSeq) return;
        state.rooms.upsert(room);
      } catch (err) {
        if (seq !== this.openSeq) return;
        this.roomError(err);
        return;
      }
    }
    state.rooms.open(id);
    const entry = state.rooms.currentEntry as RoomEntry;
    this.renderSidebar();
    this.renderHeader();

    if (!state.messages.of(id).loaded) {
      views.pane.loading('Loading messages…');
      views.composer.hide();
      try {
        const page = await api.history(id, { size: HISTORY_PAGE });
        if (seq !== this.openSeq) return;
        this.messages.settleOwn(state.messages.firstPage(id, page, HISTORY_PAGE));
      } catch (err) {
        if (seq !== this.openSeq) return;
        const mayJoin = err instanceof ApiError && err.status === 403 && entry.room.type === 'PUBLIC';
        if (mayJoin && !state.rooms.isMember(id)) {
          views.composer.hide();
          views.pane.joinPrompt(id, roomName(entry));
        } else this.roomError(err);
        return;
      }
    }
    if (!state.rooms.isMember(id) && !isAdmin) {
      // History is for members only: reading it means we are one (joined from another tab, say).
      state.rooms.joined(id);
      this.renderSidebar();
    }
    this.subscribe(id);
    views.pane.show(views.list.scroller, views.list.jump);
    views.composer.show(placeholder(entry));
    this.messages.openedRoom(id);
    if (window.matchMedia('(pointer: fine)').matches) views.composer.focus();
    void this.loadMembers(entry);
  }

  /**
   * Everything below the header that shows the open room's name. A direct message is named after
   * its peer, who is known only once the members arrive, possibly after the history: this runs
   * again then.
   */
  private renderRoomName(): void {
    const entry = this.ctx.state.rooms.currentEntry;
    if (!entry || !this.ctx.state.messages.of(entry.room.id).loaded) return;
    this.ctx.views.composer.placeholder(placeholder(entry));
    this.messages.renderTop(entry);
  }

  renderHeader(): void {
    const entry = this.ctx.state.rooms.currentEntry;
    if (entry) this.ctx.views.header.render(entry);
  }

  private roomError(err: unknown): void {
    const { views } = this.ctx;
    views.composer.hide();
    views.header.hideMembersButton();
    views.header.text(err instanceof ApiError && err.status === 403 ? 'Private room' : 'Room unavailable');
    views.pane.error(err);
  }

  // ---------------------------------------------------------------- members

  async loadMembers(entry: RoomEntry): Promise<void> {
    const { api, state, views } = this.ctx;
    const id = entry.room.id;
    const hadPeer = !!entry.dmPeer;
    let members;
    try {
      members = await api.members(id);
    } catch {
      return;
    }
    state.rooms.setMembers(id, members);
    if (!hadPeer && entry.dmPeer) this.renderSidebar();
    if (state.rooms.current === id) {
      this.renderHeader();
      this.renderRoomName();
      if (views.members.isOpen) this.renderMembers(entry);
    }
    await this.fetchPresence(members.map((m) => m.id));
  }

  toggleMembers(): void {
    const { state, views } = this.ctx;
    if (views.members.isOpen) {
      this.closeMembers();
      return;
    }
    const entry = state.rooms.currentEntry;
    if (!entry) return;
    views.members.setOpen(true);
    views.shell.setMembersOpen(true);
    this.renderMembers(entry);
    void this.loadMembers(entry);
  }

  closeMembers(): void {
    this.ctx.views.members.setOpen(false);
    this.ctx.views.shell.setMembersOpen(false);
  }

  private renderMembers(entry: RoomEntry): void {
    const { isAdmin, me, state, views } = this.ctx;
    const id = entry.room.id;
    views.members.render({
      entry,
      meId: me.id,
      canManage: state.rooms.canModerate(id, isAdmin),
      isMember: state.rooms.isMember(id),
    });
  }

  /** "Add people": true when the member was added. */
  async addMember(roomId: number, userId: number): Promise<boolean> {
    const { api, state, views } = this.ctx;
    try {
      await api.addMember(roomId, userId);
    } catch (err) {
      views.toasts.error(err, 'Could not add the member');
      return false;
    }
    views.toasts.show('Member added', 'info');
    const entry = state.rooms.get(roomId);
    if (entry) void this.loadMembers(entry);
    return true;
  }

  /** Everyone's status among `userIds` (the user's own follows the live connection). */
  async fetchPresence(userIds: number[]): Promise<void> {
    const ids = [...new Set(userIds)].filter((id) => id !== this.ctx.me.id);
    for (let i = 0; i < ids.length; i += 100) {
      try {
        const list = await this.ctx.api.statuses(ids.slice(i, i + 100));
        for (const s of list)
          if (typeof s.userId === 'number' && typeof s.status === 'string')
            this.setPresence(s.userId, s.status);
      } catch {
        // Presence is a nicety: dots stay grey rather than an error for the user.
      }
    }
  }

  setPresence(userId: number, status: string): void {
    this.ctx.views.paintPresence(userId, this.ctx.state.presence.set(userId, status));
  }

  // ---------------------------------------------------------------- direct messages and new rooms

  async openDirect(userId: number): Promise<void> {
    const { api, me, state, views } = this.ctx;
    if (userId === me.id) {
      views.toasts.show('That is you: pick someone else.');
      return;
    }
    try {
      const room = await api.direct(userId);
      views.dialog.close();
      state.rooms.upsert(room);
      state.rooms.joined(room.id);
      this.subscribe(room.id);
      this.renderSidebar();
      void this.loadDmPeers();
      location.hash = roomHash(room.id);
    } catch (err) {
      views.toasts.error(err, 'Could not open the conversation');
      throw err;
    }
  }

  showNewDirect(): void {
    this.ctx.views.newDirect.show();
  }

  /** "Create a channel": rejects with the server's error, which the form shows. */
  async createRoom(name: string, type: RoomType): Promise<void> {
    const { api, state, views } = this.ctx;
    const room = await api.createRoom(name, type);
    views.dialog.close();
    state.rooms.upsert(room);
    state.rooms.joined(room.id);
    this.subscribe(room.id);
    await this.refreshRooms();
    location.hash = roomHash(room.id);
  }
}

/** "Message #general", "Message erin". */
const placeholder = (entry: RoomEntry): string =>
  `Message ${entry.room.type === 'PUBLIC' ? '#' : ''}${roomName(entry)}`;
