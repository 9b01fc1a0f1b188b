import { h, replace } from '../dom';
import type { UserRef } from '../types';

/** At most this many names are offered at once. */
const MAX_OFFERED = 8;
const NAME_CHAR = /[A-Za-z0-9_.-]/;

/**
 * `@` autocomplete of a text box: while the word before the caret is `@prefix`, a list of the
 * members whose name starts with it (case-insensitively); arrows move, Enter or Tab picks, Escape
 * closes, a click picks. Picking writes `@username ` in place of `@prefix`.
 */
export class MentionPickerView {
  readonly el = h('ul', {
    class: 'mention-picker',
    role: 'listbox',
    aria: { label: 'Mention someone' },
    hidden: true,
  });
  private offered: UserRef[] = [];
  private selected = 0;
  private source: () => readonly UserRef[] = () => [];

  constructor(private readonly input: HTMLTextAreaElement) {
    input.addEventListener('input', () => this.update());
    input.addEventListener('click', () => this.update());
    input.addEventListener('blur', () => window.setTimeout(() => this.close(), 150));
    // Registered before the composer's own keydown (Enter sends): an open list takes the keys.
    input.addEventListener('keydown', (ev) => {
      if (this.el.hidden) return;
      if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
        this.selected =
          (this.selected + (ev.key === 'ArrowDown' ? 1 : -1) + this.offered.length) % this.offered.length;
        this.draw();
      } else if (ev.key === 'Enter' || ev.key === 'Tab') {
        this.pick(this.offered[this.selected]);
      } else if (ev.key === 'Escape') {
        this.close();
      } else return;
      ev.preventDefault();
      ev.stopImmediatePropagation();
    });
  }

  /** Who may be mentioned (the open room's members, without the user). */
  bindSource(source: () => readonly UserRef[]): void {
    this.source = source;
  }

  close(): void {
    this.el.hidden = true;
    this.offered = [];
  }

  /** The `@prefix` being typed before the caret, or undefined. */
  private query(): { start: number; prefix: string } | undefined {
    const caret = this.input.selectionStart ?? this.input.value.length;
    const text = this.input.value;
    let start = caret;
    while (start > 0 && NAME_CHAR.test(text[start - 1])) start--;
    if (text[start - 1] !== '@') return undefined;
    const before = text[start - 2];
    if (before !== undefined && NAME_CHAR.test(before)) return undefined;
    return { start: start - 1, prefix: text.slice(start, caret).toLowerCase() };
  }

  private update(): void {
    const q = this.query();
    if (!q) return this.close();
    this.offered = this.source()
      .filter((u) => u.username.toLowerCase().startsWith(q.prefix))
      .slice(0, MAX_OFFERED);
    if (!this.offered.length) return this.close();
    this.selected = Math.min(this.selected, this.offered.length - 1);
    this.el.hidden = false;
    this.draw();
  }

  private draw(): void {
    replace(
      this.el,
      ...this.offered.map((u, i) => {
        const item = h(
          'li',
          { role: 'option', aria: { selected: String(i === this.selected) } },
          `@${u.username}`,
        );
        item.addEventListener('mousedown', (ev) => {
          ev.preventDefault();
          this.pick(u);
        });
        return item;
      }),
    );
  }

  private pick(user: UserRef | undefined): void {
    const q = this.query();
    if (!user || !q) return this.close();
    const caret = this.input.selectionStart ?? this.input.value.length;
    const text = this.input.value;
    const insert = `@${user.username} `;
    this.input.value = text.slice(0, q.start) + insert + text.slice(caret);
    const at = q.start + insert.length;
    this.input.setSelectionRange(at, at);
    this.close();
    this.input.dispatchEvent(new Event('input'));
  }
}
