import { formatFull, formatTime, h, parseTime, replace } from '../dom';
import { icon } from '../icons';
import { highlight } from '../state/search';
import type { Message } from '../types';

/** What the results list shows of a search. */
export interface SearchResults {
  query: string;
  /** Each result with the name of its room. */
  results: readonly { message: Message; room: string }[];
  hasMore: boolean;
  loading: boolean;
  error?: string;
}

/**
 * The search box in the top bar (Ctrl/Cmd-Shift-F, or "/" outside a text field, focuses it) and its results
 * under it: room, sender, time, the text with the searched words marked. Choosing a result asks
 * for the jump to it; the view never searches itself.
 */
export class SearchView {
  readonly input = h('input', {
    class: 'search-input',
    type: 'search',
    placeholder: 'Search messages',
    autocomplete: 'off',
    aria: { label: 'Search messages', keyshortcuts: 'Control+K /' },
    attrs: { maxlength: '200' },
  });
  readonly form = h('form', { class: 'search', role: 'search' }, icon('search'), this.input);
  readonly panel = h('div', {
    class: 'popover search-results',
    hidden: true,
    role: 'dialog',
    aria: { label: 'Search results' },
  });
  private onSearch: (q: string) => void = () => undefined;
  private onOpen: (m: Message) => void = () => undefined;
  private onMore: () => void = () => undefined;

  constructor() {
    this.form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const q = this.input.value.trim();
      if (q) this.onSearch(q);
    });
    document.addEventListener('keydown', (ev) => {
      const target = ev.target as HTMLElement | null;
      const editing =
        !!target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
      // Ctrl/Cmd-K belongs to the room switcher; search is Ctrl/Cmd-Shift-F (or "/").
      const searchKeys = (ev.ctrlKey || ev.metaKey) && ev.shiftKey && ev.key.toLowerCase() === 'f';
      if (searchKeys || (ev.key === '/' && !editing)) {
        ev.preventDefault();
        this.input.focus();
        this.input.select();
      } else if (ev.key === 'Escape' && !this.panel.hidden) this.close();
    });
    document.addEventListener('click', (ev) => {
      const inside = this.panel.contains(ev.target as Node) || this.form.contains(ev.target as Node);
      if (!this.panel.hidden && !inside) this.close();
    });
  }

  bindSearch(handler: (q: string) => void): void {
    this.onSearch = handler;
  }

  bindOpen(handler: (m: Message) => void): void {
    this.onOpen = handler;
  }

  bindMore(handler: () => void): void {
    this.onMore = handler;
  }

  render(s: SearchResults): void {
    this.panel.hidden = false;
    const head = h('div', { class: 'popover-head' }, h('strong', {}, `Results for “${s.query}”`));
    const items = s.results.map((r) => this.item(r.message, r.room, s.query));
    const foot = s.loading
      ? h('div', { class: 'loading small' }, 'Searching…')
      : s.error
        ? h('div', { class: 'search-error', role: 'alert' }, s.error)
        : s.results.length === 0
          ? h('div', { class: 'empty muted' }, 'No messages found')
          : s.hasMore
            ? h(
                'button',
                { class: 'link-btn search-more', type: 'button', on: { click: () => this.onMore() } },
                'More results',
              )
            : null;
    replace(this.panel, head, h('ul', { class: 'search-list' }, ...items), foot);
  }

  close(): void {
    this.panel.hidden = true;
  }

  private item(m: Message, room: string, q: string): HTMLElement {
    const at = parseTime(m.sentAt);
    const text = h(
      'div',
      { class: 'search-text' },
      ...highlight(m.content, q).map((p) => (p.match ? h('mark', {}, p.text) : p.text)),
    );
    const button = h(
      'button',
      {
        class: 'search-item',
        type: 'button',
        dataset: { id: String(m.id), roomId: String(m.roomId) },
        on: {
          click: () => {
            this.close();
            this.onOpen(m);
          },
        },
      },
      h(
        'div',
        { class: 'search-meta' },
        h('span', { class: 'search-room' }, room),
        h('span', { class: 'search-sender' }, m.sender?.username ?? 'Deleted user'),
        h(
          'time',
          { class: 'search-time', title: formatFull(at), attrs: { datetime: at.toISOString?.() ?? '' } },
          formatTime(at),
        ),
      ),
      text,
    );
    return h('li', {}, button);
  }
}
