import { h } from '../dom';
import { icon } from '../icons';
import { roomName, RoomEntry } from '../state/rooms';
import { DialogView } from './dialog';

/**
 * A filterable list of rooms in the dialog: "Switch to…" (Ctrl/Cmd-K: the user's rooms, Enter
 * opens the first match) and "Browse channels" (public channels the user is not in, with Join).
 */
export class RoomFinderDialog {
  private onOpen: (roomId: number) => void = () => undefined;
  private onJoin: (roomId: number) => void = () => undefined;

  constructor(private readonly dialog: DialogView) {}

  bindOpen(handler: (roomId: number) => void): void {
    this.onOpen = handler;
  }

  bindJoin(handler: (roomId: number) => void): void {
    this.onJoin = handler;
  }

  showSwitcher(rooms: RoomEntry[]): void {
    this.show('Switch to…', 'Room or person', rooms, false);
  }

  showBrowse(rooms: RoomEntry[]): void {
    this.show('Browse channels', 'Filter channels', rooms, true);
  }

  private show(title: string, label: string, rooms: RoomEntry[], join: boolean): void {
    const filter = h('input', {
      name: 'filter',
      type: 'search',
      placeholder: 'Type to filter',
      autocomplete: 'off',
      aria: { label },
    });
    const list = h('ul', { class: 'finder-list', aria: { label: title } });
    let shown: RoomEntry[] = [];
    const render = () => {
      const q = filter.value.trim().toLowerCase();
      shown = rooms.filter((e) => roomName(e).toLowerCase().includes(q));
      list.replaceChildren(
        ...shown.map((e) => this.item(e, join)),
        ...(shown.length
          ? []
          : [h('li', { class: 'side-empty' }, join ? 'No channels to join' : 'No match')]),
      );
    };
    filter.addEventListener('input', render);
    const form = h(
      'form',
      { class: 'dialog-form finder' },
      h('h2', {}, title),
      filter,
      list,
      h('div', { class: 'dialog-actions' }, this.dialog.cancelButton()),
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const first = shown[0];
      if (!first) return;
      this.dialog.close();
      (join ? this.onJoin : this.onOpen)(first.room.id);
    });
    render();
    this.dialog.open(form, filter);
  }

  private item(e: RoomEntry, join: boolean): HTMLElement {
    const { room } = e;
    const marker =
      room.type === 'DIRECT_MESSAGE' ? icon('users') : icon(room.type === 'PRIVATE' ? 'lock' : 'hash');
    const button = h(
      'button',
      { class: 'finder-item', type: 'button' },
      h('span', { class: 'room-icon' }, marker),
      h('span', { class: 'room-name' }, roomName(e)),
      join ? h('span', { class: 'btn tiny' }, 'Join') : null,
    );
    button.addEventListener('click', () => {
      this.dialog.close();
      (join ? this.onJoin : this.onOpen)(room.id);
    });
    return h('li', {}, button);
  }
}
