import { avatar, h } from '../dom';
import type { DirectoryEntry } from '../types';
import { presenceDot } from './presence-dot';

/** Waits for a pause in typing before searching, so typing a name costs a few requests. */
const DEBOUNCE_MS = 200;
let seq = 0;

export type PeopleSearch = (q: string) => Promise<DirectoryEntry[]>;

/**
 * A name autocomplete (ARIA combobox): type a name, pick a person with the arrows and Enter or
 * by clicking. The search itself is the controller's (the view never calls the network).
 */
export class PeoplePicker {
  readonly input: HTMLInputElement;
  readonly el: HTMLElement;
  private readonly list: HTMLUListElement;
  private results: DirectoryEntry[] = [];
  private active = -1;
  private timer = 0;
  private asked = 0;

  constructor(
    private readonly search: PeopleSearch,
    private readonly onPick: (person: DirectoryEntry) => void,
    options: { label: string; excludeIds?: readonly number[]; name?: string },
  ) {
    const id = `people-${++seq}`;
    this.list = h('ul', { class: 'picker-list', role: 'listbox', id: `${id}-list`, hidden: true });
    this.input = h('input', {
      name: options.name ?? 'person',
      placeholder: 'Type a name',
      autocomplete: 'off',
      role: 'combobox',
      aria: { label: options.label, autocomplete: 'list', expanded: 'false', controls: `${id}-list` },
    });
    this.el = h('div', { class: 'picker' }, this.input, this.list);
    const exclude = new Set(options.excludeIds ?? []);
    this.input.addEventListener('input', () => {
      window.clearTimeout(this.timer);
      const q = this.input.value.trim();
      this.timer = window.setTimeout(() => void this.run(q, exclude), DEBOUNCE_MS);
    });
    this.input.addEventListener('keydown', (ev) => this.onKey(ev));
  }

  clear(): void {
    this.input.value = '';
    this.show([]);
  }

  private async run(q: string, exclude: Set<number>): Promise<void> {
    if (!q) return this.show([]);
    const ask = ++this.asked;
    let found: DirectoryEntry[];
    try {
      found = await this.search(q);
    } catch {
      found = [];
    }
    // An older answer arriving late never replaces a newer one.
    if (ask === this.asked)
      this.show(
        found.filter((p) => !exclude.has(p.id)),
        q,
      );
  }

  private show(results: DirectoryEntry[], q = ''): void {
    this.results = results;
    this.active = results.length ? 0 : -1;
    const items = results.map((p, i) => {
      const li = h(
        'li',
        {
          role: 'option',
          id: `${this.list.id}-${i}`,
          class: 'picker-item',
          dataset: { userId: String(p.id) },
        },
        h('span', { class: 'avatar-wrap' }, avatar(p.username, p.id), presenceDot(p.id, p.status)),
        h('span', { class: 'member-name' }, p.username),
      );
      li.addEventListener('mousedown', (ev) => ev.preventDefault());
      li.addEventListener('click', () => this.pick(i));
      return li;
    });
    if (q && !results.length)
      items.push(
        h(
          'li',
          { class: 'picker-empty', role: 'option', aria: { disabled: 'true' } },
          `Nobody named “${q}…”`,
        ),
      );
    this.list.replaceChildren(...items);
    this.list.hidden = !q;
    this.input.setAttribute('aria-expanded', String(!this.list.hidden));
    this.highlight();
  }

  private highlight(): void {
    [...this.list.querySelectorAll('.picker-item')].forEach((el, i) =>
      el.setAttribute('aria-selected', String(i === this.active)),
    );
    if (this.active >= 0) this.input.setAttribute('aria-activedescendant', `${this.list.id}-${this.active}`);
    else this.input.removeAttribute('aria-activedescendant');
  }

  private onKey(ev: KeyboardEvent): void {
    if (this.list.hidden || !this.results.length) return;
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      ev.preventDefault();
      const n = this.results.length;
      this.active = (this.active + (ev.key === 'ArrowDown' ? 1 : n - 1)) % n;
      this.highlight();
    } else if (ev.key === 'Enter' && this.active >= 0) {
      ev.preventDefault();
      this.pick(this.active);
    } else if (ev.key === 'Escape') {
      ev.stopPropagation();
      ev.preventDefault();
      this.show([]);
    }
  }

  private pick(i: number): void {
    const person = this.results[i];
    if (!person) return;
    this.clear();
    this.onPick(person);
  }
}
