import { avatar, h, replace } from '../dom';
import { icon } from '../icons';
import type { RoomEntry } from '../state/rooms';
import type { UserRef } from '../types';
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
  private onAdd: (roomId: number, userId: string) => Promise<boolean> = async () => false;
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

  /** "Add": the text typed (a user id); resolves true when the member was added (the box empties). */
  bindAdd(handler: (roomId: number, userId: string) => Promise<boolean>): void {
    this.onAdd = handler;
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
    const rows = sorted.map((m) => this.row(m, meId));
    const addForm = canManage && room.type !== 'DIRECT_MESSAGE' ? this.addForm(room.id) : null;
    const leave =
      isMember && room.type !== 'DIRECT_MESSAGE'
        ? h('button', { class: 'btn danger small', type: 'button' }, 'Leave channel')
        : null;
    leave?.addEventListener('click', () => this.onLeave(room.id));
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
      leave ? h('div', { class: 'panel-section' }, leave) : null,
    );
  }

  private row(m: UserRef, meId: number): HTMLElement {
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
    );
  }

  private addForm(roomId: number): HTMLElement {
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
      void this.onAdd(roomId, input.value.trim()).then((added) => {
        if (added) input.value = '';
      });
    });
    return h('div', { class: 'panel-section' }, h('h4', {}, 'Add people'), form);
  }
}
