import { avatar, h, replace } from '../dom';
import { icon } from '../icons';
import { roomName, RoomEntry, SidebarLists } from '../state/rooms';
import { badgeText } from '../state/read-state';
import type { Session } from '../types';
import { PresenceLookup, presenceDot } from './presence-dot';

export const roomHash = (id: number): string => `#/room/${id}`;

/** The left column: who I am, my channels and direct messages, other public channels. */
export class SidebarView {
  readonly el: HTMLElement;
  private readonly channels = h('ul', { class: 'room-list', aria: { label: 'Channels' } });
  private readonly dms = h('ul', { class: 'room-list', aria: { label: 'Direct messages' } });
  private readonly browse = h('ul', { class: 'room-list browse', aria: { label: 'Other public channels' } });
  private readonly browseSection = h('section', { class: 'side-section' });
  private readonly newChannel = addButton('Create a channel');
  private readonly newDm = addButton('New direct message');
  private readonly logout = h('button', { class: 'btn ghost small light', type: 'button' }, 'Log out');
  private readonly account = h('button', { class: 'btn ghost small light', type: 'button' }, 'Account');
  private readonly jump = h(
    'button',
    { class: 'jump-to', type: 'button', aria: { keyshortcuts: 'Control+K Meta+K' } },
    'Jump to…',
    h('kbd', {}, 'Ctrl K'),
  );
  private readonly browseAll = h(
    'button',
    { class: 'btn ghost small light', type: 'button' },
    'Browse channels',
  );
  private onJoin: (roomId: number) => void = () => undefined;

  constructor(
    me: Session,
    connection: HTMLElement,
    private readonly presence: PresenceLookup,
  ) {
    replace(
      this.browseSection,
      h('div', { class: 'side-heading' }, h('h3', {}, 'More channels')),
      this.browse,
    );
    this.el = h(
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
            avatar(me.username, me.id),
            presenceDot(me.id, presence(me.id)),
          ),
          h('span', { class: 'me-name', id: 'me-name' }, me.username),
          h(
            'span',
            { class: 'me-id', title: 'Your user id: others can start a direct message with it' },
            `#${me.id}`,
          ),
        ),
      ),
      h(
        'div',
        { class: 'side-scroll' },
        h('div', { class: 'side-jump' }, this.jump),
        h(
          'section',
          { class: 'side-section' },
          h('div', { class: 'side-heading' }, h('h3', {}, 'Channels'), this.newChannel),
          this.channels,
          h('div', { class: 'side-more' }, this.browseAll),
        ),
        h(
          'section',
          { class: 'side-section' },
          h('div', { class: 'side-heading' }, h('h3', {}, 'Direct messages'), this.newDm),
          this.dms,
        ),
        this.browseSection,
      ),
      h('footer', { class: 'side-footer' }, connection, this.account, this.logout),
    );
  }

  bindCreateChannel(handler: () => void): void {
    this.newChannel.addEventListener('click', handler);
  }

  bindNewDirect(handler: () => void): void {
    this.newDm.addEventListener('click', handler);
  }

  bindLogout(handler: () => void): void {
    this.logout.addEventListener('click', handler);
  }

  bindAccount(handler: () => void): void {
    this.account.addEventListener('click', handler);
  }

  bindJump(handler: () => void): void {
    this.jump.addEventListener('click', handler);
  }

  bindBrowse(handler: () => void): void {
    this.browseAll.addEventListener('click', handler);
  }

  /** The user's own name changed (profile). */
  setMe(username: string): void {
    const name = this.el.querySelector('#me-name');
    if (name) name.textContent = username;
  }

  bindJoin(handler: (roomId: number) => void): void {
    this.onJoin = handler;
  }

  render(lists: SidebarLists, current: number | undefined): void {
    const { channels, dms, others } = lists;
    replace(
      this.channels,
      ...channels.map((e) => this.roomItem(e, current)),
      channels.length ? null : h('li', { class: 'side-empty' }, 'No channels yet'),
    );
    replace(
      this.dms,
      ...dms.map((e) => this.roomItem(e, current)),
      dms.length ? null : h('li', { class: 'side-empty' }, 'No conversations yet'),
    );
    replace(this.browse, ...others.map((e) => this.browseItem(e)));
    this.browseSection.hidden = others.length === 0;
  }

  private roomItem(entry: RoomEntry, current: number | undefined): HTMLElement {
    const { room, unread } = entry;
    const mentions = entry.mentions ?? 0;
    const marker =
      room.type === 'DIRECT_MESSAGE' && entry.dmPeer
        ? presenceDot(entry.dmPeer.id, this.presence(entry.dmPeer.id))
        : h('span', { class: 'room-icon' }, icon(room.type === 'PRIVATE' ? 'lock' : 'hash'));
    const link = h(
      'a',
      {
        class: `room-link${current === room.id ? ' active' : ''}${unread ? ' unread' : ''}`,
        href: roomHash(room.id),
        dataset: { roomId: String(room.id) },
        aria: current === room.id ? { current: 'page' } : {},
      },
      marker,
      h('span', { class: 'room-name' }, roomName(entry)),
      mentions
        ? h(
            'span',
            { class: 'mention-count', aria: { label: `${mentions} mentions` }, title: 'Mentions of you' },
            `@${badgeText(mentions)}`,
          )
        : null,
      unread ? h('span', { class: 'count', aria: { label: `${unread} unread` } }, badgeText(unread)) : null,
    );
    return h('li', {}, link);
  }

  private browseItem(entry: RoomEntry): HTMLElement {
    const join = h('button', { class: 'btn tiny', type: 'button' }, 'Join');
    join.addEventListener('click', (ev) => {
      ev.preventDefault();
      this.onJoin(entry.room.id);
    });
    const link = h(
      'a',
      {
        class: 'room-link muted-link',
        href: roomHash(entry.room.id),
        dataset: { roomId: String(entry.room.id) },
      },
      h('span', { class: 'room-icon' }, icon('hash')),
      h('span', { class: 'room-name' }, roomName(entry)),
      join,
    );
    return h('li', {}, link);
  }
}

function addButton(label: string): HTMLButtonElement {
  return h('button', { class: 'icon-btn add', type: 'button', title: label, aria: { label } }, icon('plus'));
}
