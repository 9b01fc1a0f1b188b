import { h, replace } from '../dom';
import { icon } from '../icons';
import { roomName, RoomEntry } from '../state/rooms';
import { PresenceLookup, presenceDot } from './presence-dot';

const KIND = {
  PUBLIC: 'Public channel',
  PRIVATE: 'Private channel',
  DIRECT_MESSAGE: 'Direct message',
} as const;

/** The open room's name, kind and creator, and the members button. */
export class RoomHeaderView {
  readonly title = h('h2', { class: 'room-title' });
  readonly subtitle = h('div', { class: 'room-subtitle' });
  readonly membersButton = h('button', {
    class: 'btn ghost small',
    type: 'button',
    hidden: true,
    title: 'Members',
  });

  constructor(private readonly presence: PresenceLookup) {}

  bindToggleMembers(handler: () => void): void {
    this.membersButton.addEventListener('click', handler);
  }

  render(entry: RoomEntry): void {
    const { room } = entry;
    const name = roomName(entry);
    replace(
      this.title,
      room.type === 'DIRECT_MESSAGE'
        ? entry.dmPeer
          ? presenceDot(entry.dmPeer.id, this.presence(entry.dmPeer.id))
          : null
        : icon(room.type === 'PRIVATE' ? 'lock' : 'hash', 'title-icon'),
      h('span', { class: 'room-title-text' }, name),
    );
    const kind = KIND[room.type] ?? KIND.DIRECT_MESSAGE;
    const count = entry.members?.length ?? room.memberCount;
    this.subtitle.textContent =
      room.creator?.username && room.type !== 'DIRECT_MESSAGE'
        ? `${kind} · created by ${room.creator.username}`
        : kind;
    this.membersButton.hidden = false;
    // The name holds the visible count (axe: label-content-name-mismatch): "Members 3".
    this.membersButton.replaceChildren(
      icon('users'),
      count !== undefined ? h('span', { class: 'sr-only' }, 'Members ') : 'Members',
      count !== undefined ? `${count}` : '',
    );
    document.title = `${name} · Chat`;
  }

  /** A plain title (loading, an error) or none, without the members button. */
  text(title: string): void {
    this.title.textContent = title;
    this.subtitle.textContent = '';
  }

  hideMembersButton(): void {
    this.membersButton.hidden = true;
  }
}
