import { avatar, h, replace } from '../dom';
import { icon } from '../icons';
import type { RoomEntry } from '../state/rooms';
import type { UserRef } from '../types';
import { PeoplePicker, PeopleSearch } from './people-picker';
import { PresenceLookup, presenceDot, presenceLabel } from './presence-dot';

export interface MembersPanelData {
  entry: RoomEntry;
  meId: number;
  /** The user may add people (room creator or admin). */
  canManage: boolean;
  /** The user is in the room (so may leave it). */
  isMember: boolean;
}

/** The right-hand panel: a room's members with their status, "Message", "Add people", "Leave". */
export class MembersPanelView {
  readonly el = h('aside', { class: 'members-panel', hidden: true, aria: { label: 'Members' } });
  private onClose: () => void = () => undefined;
  private onMessage: (userId: number) => void = () => undefined;
  private onAdd: (roomId: number, userId: number) => Promise<boolean> = async () => false;
  private onRemove: (roomId: number, member: UserRef) => void = () => undefined;
  private onSettings: () => void = () => undefined;
  private searchPeople: PeopleSearch = async () => [];
  private onLeave: (roomId: number) => void = () => undefined;

  constructor(private readonly presence: PresenceLookup) {}

  get isOpen(): boolean {
    return !this.el.hidden;
  }

  bindClose(handler: () => void): void {
    this.onClose = handler;
  }

  bindMessage(handler: (userId: number) => void): void {
    this.onMessage = handler;
  }

  /** "Add people": a person picked by name; resolves true when the member was added. */
  bindAdd(handler: (roomId: number, userId: number) => Promise<boolean>): void {
    this.onAdd = handler;
  }

  /** The name autocomplete's search (the directory). */
  bindSearchPeople(search: PeopleSearch): void {
    this.searchPeople = search;
  }

  /** "Channel settings" (room creator or admin). */
  bindSettings(handler: () => void): void {
    this.onSettings = handler;
  }

  /** "Remove" beside a member (room creator or admin). */
  bindRemove(handler: (roomId: number, member: UserRef) => void): void {
    this.onRemove = handler;
  }

  bindLeave(handler: (roomId: number) => void): void {
    this.onLeave = handler;
  }

  setOpen(open: boolean): void {
    this.el.hidden = !open;
  }

  render({ entry, meId, canManage, isMember }: MembersPanelData): void {
    const { room, members } = entry;
    const close = h(
      'button',
      { class: 'icon-btn', type: 'button', aria: { label: 'Close members' } },
      icon('close'),
    );
    close.addEventListener('click', () => this.onClose());
    const sorted = [...(members ?? [])].sort((a, b) => a.username.localeCompare(b.username));
    const manage = canManage && room.type !== 'DIRECT_MESSAGE';
    const rows = sorted.map((m) => this.row(m, meId, manage ? room.id : undefined));
    const addForm = manage
      ? this.addForm(
          room.id,
          sorted.map((m) => m.id),
        )
      : null;
    const leave =
      isMember && room.type !== 'DIRECT_MESSAGE'
        ? h('button', { class: 'btn danger small', type: 'button' }, 'Leave channel')
        : null;
    leave?.addEventListener('click', () => this.onLeave(room.id));
    const settings = manage ? h('button', { class: 'btn small', type: 'button' }, 'Channel settings') : null;
    settings?.addEventListener('click', () => this.onSettings());
    replace(
      this.el,
      h(
        'header',
        { class: 'panel-header' },
        h('h3', {}, `Members${members ? ` · ${members.length}` : ''}`),
        close,
      ),
      members ? h('ul', { class: 'member-list' }, ...rows) : h('div', { class: 'loading small' }, 'Loading…'),
      addForm,
      leave || settings ? h('div', { class: 'panel-section panel-actions' }, settings, leave) : null,
    );
  }

  private row(m: UserRef, meId: number, manageRoomId?: number): HTMLElement {
    const status = this.presence(m.id);
    const dm =
      m.id !== meId
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
    dm?.addEventListener('click', () => this.onMessage(m.id));
    const remove =
      manageRoomId !== undefined && m.id !== meId
        ? h(
            'button',
            { class: 'btn tiny', type: 'button', aria: { label: `Remove ${m.username}` } },
            'Remove',
          )
        : null;
    remove?.addEventListener('click', () => this.onRemove(manageRoomId ?? 0, m));
    return h(
      'li',
      { class: 'member' },
      h('span', { class: 'avatar-wrap' }, avatar(m.username, m.id), presenceDot(m.id, status)),
      h(
        'span',
        { class: 'member-name' },
        h('span', {}, m.username, m.id === meId ? h('span', { class: 'muted' }, ' (you)') : null),
        h('small', { class: 'muted', dataset: { presenceText: String(m.id) } }, presenceLabel(status)),
      ),
      dm,
      remove,
    );
  }

  private addForm(roomId: number, memberIds: number[]): HTMLElement {
    const picker = new PeoplePicker(
      (q) => this.searchPeople(q),
      (person) => void this.onAdd(roomId, person.id),
      { label: 'Add people by name', excludeIds: memberIds },
    );
    return h('div', { class: 'panel-section' }, h('h4', {}, 'Add people'), picker.el);
  }
}
