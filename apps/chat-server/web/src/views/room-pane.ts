import { h } from '../dom';
import { icon } from '../icons';
import { ApiError } from '../net/api-error';

/**
 * The middle of the page: the welcome screen, "Loading…", why a room cannot be opened, the
 * invitation to join a public channel, or the open room's messages.
 */
export class RoomPaneView {
  readonly el = h('div', { class: 'pane' });
  private onCreateChannel: () => void = () => undefined;
  private onNewDirect: () => void = () => undefined;
  private onJoin: (roomId: number) => void = () => undefined;

  bindCreateChannel(handler: () => void): void {
    this.onCreateChannel = handler;
  }

  bindNewDirect(handler: () => void): void {
    this.onNewDirect = handler;
  }

  /** The join button of the prompt ({@link joinPrompt}). */
  bindJoin(handler: (roomId: number) => void): void {
    this.onJoin = handler;
  }

  welcome(username: string): void {
    const create = h('button', { class: 'btn primary', type: 'button' }, 'Create a channel');
    create.addEventListener('click', () => this.onCreateChannel());
    const dm = h('button', { class: 'btn', type: 'button' }, 'Message someone');
    dm.addEventListener('click', () => this.onNewDirect());
    this.el.replaceChildren(
      h(
        'div',
        { class: 'empty-state' },
        h('div', { class: 'empty-emoji' }, icon('wave')),
        h('h2', {}, `Welcome, ${username}`),
        h('p', { class: 'muted' }, 'Pick a channel on the left, join a public one, or start a conversation.'),
        h('div', { class: 'actions' }, create, dm),
      ),
    );
  }

  loading(text: string): void {
    this.el.replaceChildren(h('div', { class: 'loading' }, text));
  }

  show(...content: HTMLElement[]): void {
    this.el.replaceChildren(...content);
  }

  error(err: unknown): void {
    const status = err instanceof ApiError ? err.status : 0;
    const heading =
      status === 403
        ? "You don't have access to this room"
        : status === 404
          ? 'This room does not exist'
          : 'Could not open this room';
    const back = h('a', { class: 'btn', href: '#/' }, 'Back to your rooms');
    this.el.replaceChildren(
      h(
        'div',
        { class: 'empty-state room-error', role: 'alert' },
        h('div', { class: 'empty-emoji' }, icon(status === 403 ? 'lock' : 'compass')),
        h('h2', {}, heading),
        h('p', {}, err instanceof Error ? err.message : String(err)),
        h('div', { class: 'actions' }, back),
      ),
    );
  }

  joinPrompt(roomId: number, name: string): void {
    const join = h('button', { class: 'btn primary', type: 'button' }, `Join #${name}`);
    join.addEventListener('click', () => this.onJoin(roomId));
    this.el.replaceChildren(
      h(
        'div',
        { class: 'empty-state' },
        h('div', { class: 'empty-emoji' }, icon('hash')),
        h('h2', {}, `#${name}`),
        h(
          'p',
          { class: 'muted' },
          'You are not a member of this channel yet. Join it to read and send messages.',
        ),
        h('div', { class: 'actions' }, join),
      ),
    );
  }
}
