import { roomName } from '../state/rooms';
import type { DirectoryEntry, RoomType, UserRef } from '../types';
import type { OwnStatus } from '../views/account-dialog';
import { roomHash } from '../views/sidebar';
import type { ChatContext } from './context';
import type { RoomsController } from './rooms';

/**
 * What the rest of the API offers a person: finding people by name, a channel's settings
 * (rename, visibility, delete, remove a member), one's own status, profile and password, and
 * finding rooms (Ctrl/Cmd-K, "Browse channels").
 */
export class SettingsController {
  constructor(
    private readonly ctx: ChatContext,
    private readonly rooms: RoomsController,
    private readonly saveSession: () => void,
  ) {}

  /** The name autocomplete's source. */
  searchPeople(q: string): Promise<DirectoryEntry[]> {
    return this.ctx.api.directory(q);
  }

  async removeMember(roomId: number, member: UserRef): Promise<void> {
    const { api, state, views } = this.ctx;
    try {
      await api.removeMember(roomId, member.id);
    } catch (err) {
      views.toasts.error(err, `Could not remove ${member.username}`);
      return;
    }
    views.toasts.show(`${member.username} was removed`, 'info');
    const entry = state.rooms.get(roomId);
    if (entry) void this.rooms.loadMembers(entry);
  }

  // ---------------------------------------------------------------- channel settings

  showRoomSettings(): void {
    const entry = this.ctx.state.rooms.currentEntry;
    if (entry && entry.room.type !== 'DIRECT_MESSAGE') this.ctx.views.roomSettings.show(entry.room);
  }

  /** Rejects with the server's error, which the form shows. */
  async saveRoom(roomId: number, changes: { name?: string; type?: RoomType }): Promise<void> {
    const { api, state, views } = this.ctx;
    const room = await api.updateRoom(roomId, changes);
    views.dialog.close();
    state.rooms.upsert(room);
    this.rooms.renderSidebar();
    if (state.rooms.current === roomId) this.rooms.renderHeader();
    views.toasts.show('Channel settings saved', 'info');
  }

  async deleteRoom(roomId: number): Promise<void> {
    const { api, state } = this.ctx;
    const entry = state.rooms.get(roomId);
    await api.deleteRoom(roomId);
    state.rooms.delete(roomId);
    this.rooms.leftRoom(roomId, entry ? `${roomName(entry)} was deleted` : undefined);
    this.rooms.renderSidebar();
  }

  // ---------------------------------------------------------------- your account

  showAccount(): void {
    const { me, state, views } = this.ctx;
    views.account.show(me, state.presence.get(me.id));
  }

  async setStatus(status: OwnStatus): Promise<void> {
    const { api, me } = this.ctx;
    await api.setStatus(me.id, status);
    this.rooms.setPresence(me.id, status);
  }

  async saveProfile(changes: { username?: string; email?: string }): Promise<void> {
    const { api, me, views } = this.ctx;
    if (!changes.username && !changes.email) return;
    const user = await api.updateUser(me.id, changes);
    me.username = user.username;
    me.email = user.email ?? me.email;
    this.saveSession();
    views.sidebar.setMe(me.username);
  }

  async changePassword(current: string, next: string): Promise<void> {
    const { api, live, me, views } = this.ctx;
    // Older tokens stop working: other sessions log out; this tab takes the new token, and its live
    // connection (closed by the server with the old one) reconnects with it.
    await live.changingToken(async () => {
      const answer = await api.changePassword(me.id, current, next);
      if (answer.token) {
        me.token = answer.token;
        this.saveSession();
      }
    });
    views.toasts.show('Password changed. Every other session was logged out.', 'info');
  }

  // ---------------------------------------------------------------- finding rooms

  showSwitcher(): void {
    const { channels, dms } = this.ctx.state.rooms.sidebar();
    this.ctx.views.finder.showSwitcher([...channels, ...dms]);
  }

  showBrowse(): void {
    this.ctx.views.finder.showBrowse(this.ctx.state.rooms.sidebar().others);
  }

  openRoom(roomId: number): void {
    location.hash = roomHash(roomId);
  }

  /** Ctrl/Cmd-K switches rooms; Esc closes the members panel (dialogs close themselves). */
  onKey(ev: KeyboardEvent): void {
    if ((ev.ctrlKey || ev.metaKey) && !ev.altKey && ev.key.toLowerCase() === 'k') {
      ev.preventDefault();
      this.showSwitcher();
    } else if (ev.key === 'Escape' && !this.ctx.views.dialog.el.open && this.ctx.views.members.isOpen) {
      this.rooms.closeMembers();
    }
  }
}
