import { h } from '../dom';
import { icon } from '../icons';

/** The parts of the page the shell lays out. */
export interface ShellParts {
  sidebar: HTMLElement;
  title: HTMLElement;
  subtitle: HTMLElement;
  membersButton: HTMLElement;
  search: HTMLElement;
  searchResults: HTMLElement;
  bell: HTMLElement;
  notifications: HTMLElement;
  banner: HTMLElement;
  pane: HTMLElement;
  typing: HTMLElement;
  composer: HTMLElement;
  members: HTMLElement;
  toasts: HTMLElement;
  dialog: HTMLElement;
}

/** The page's frame: sidebar, top bar, main column, members panel; the narrow-screen menu. */
export class ShellView {
  private readonly app = h('div', { class: 'app' });

  constructor(
    private readonly root: HTMLElement,
    parts: ShellParts,
  ) {
    const menu = h(
      'button',
      { class: 'icon-btn menu', type: 'button', aria: { label: 'Show rooms' } },
      icon('menu'),
    );
    menu.addEventListener('click', () => this.app.classList.toggle('nav-open'));
    const topbar = h(
      'header',
      { class: 'topbar' },
      menu,
      h('div', { class: 'room-heading' }, parts.title, parts.subtitle),
      h('div', { class: 'search-wrap' }, parts.search, parts.searchResults),
      parts.membersButton,
      h('div', { class: 'bell-wrap' }, parts.bell, parts.notifications),
    );
    const main = h('main', { class: 'main' }, topbar, parts.banner, parts.pane, parts.typing, parts.composer);
    const scrim = h('div', { class: 'scrim' });
    scrim.addEventListener('click', () => this.closeNav());
    this.app.replaceChildren(parts.sidebar, scrim, main, parts.members);
    this.root.className = '';
    this.root.replaceChildren(this.app, parts.toasts, parts.dialog);
  }

  /** On a narrow screen the sidebar slides over; choosing a room closes it. */
  closeNav(): void {
    this.app.classList.remove('nav-open');
  }

  setMembersOpen(open: boolean): void {
    this.app.classList.toggle('members-open', open);
  }

  /** "(3) general · Chat": unread messages elsewhere, and the open room. */
  title(unread: number, roomName: string | undefined): void {
    const base = roomName ? `${roomName} · Chat` : 'Chat';
    document.title = unread ? `(${unread}) ${base}` : base;
  }
}
