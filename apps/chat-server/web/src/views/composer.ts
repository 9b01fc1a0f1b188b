import { replaceShortcodes } from '../format/emoji';
import { h } from '../dom';
import type { UserRef } from '../types';
import { MentionPickerView } from './mention-picker';

/** The longest message the server stores (SendMessageDto in the OpenAPI document: 1-4000 characters). */
export const MAX_CONTENT = 4000;
const MAX_HEIGHT_PX = 200;

/** The message box: Enter sends, Shift+Enter breaks the line, a counter near the limit. */
export class ComposerView {
  readonly el = h('form', { class: 'composer', hidden: true });
  private readonly input = h('textarea', {
    class: 'composer-input',
    name: 'message',
    aria: { label: 'Message' },
    attrs: { rows: '1' },
  });
  private readonly counter = h('span', { class: 'counter', hidden: true });
  private readonly picker = new MentionPickerView(this.input);

  constructor() {
    const send = h('button', { class: 'btn primary', type: 'submit' }, 'Send');
    const hint = h(
      'div',
      { class: 'composer-hint' },
      h('kbd', {}, 'Enter'),
      ' to send · ',
      h('kbd', {}, 'Shift+Enter'),
      ' for a new line',
      this.counter,
    );
    this.el.replaceChildren(this.picker.el, h('div', { class: 'composer-box' }, this.input, send), hint);
    this.input.addEventListener('input', () => {
      this.emoji();
      this.autoGrow();
    });
  }

  /** The user sends: the trimmed text, never empty. */
  bindSubmit(handler: (content: string) => void): void {
    const submit = () => {
      const content = this.input.value.trim();
      if (content) handler(content);
    };
    this.el.addEventListener('submit', (ev) => {
      ev.preventDefault();
      submit();
    });
    this.input.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
        ev.preventDefault();
        submit();
      }
    });
  }

  /**
   * Arrow-up in the empty box edits the user's last message (as in Slack and Mattermost): the
   * handler says whether there was one to edit; if not, the key keeps its usual meaning.
   */
  bindEditLast(handler: () => boolean): void {
    this.input.addEventListener('keydown', (ev) => {
      if (ev.key !== 'ArrowUp' || ev.shiftKey || ev.altKey || ev.ctrlKey || ev.metaKey || ev.isComposing)
        return;
      if (this.input.value === '' && handler()) ev.preventDefault();
    });
  }

  /** Who `@` offers to mention. */
  bindMentionSource(source: () => readonly UserRef[]): void {
    this.picker.bindSource(source);
  }

  /** Each keystroke: whether the box holds any text (typing indicators follow it). */
  bindInput(handler: (hasText: boolean) => void): void {
    this.input.addEventListener('input', () => handler(this.input.value.trim() !== ''));
  }

  show(placeholder: string): void {
    this.el.hidden = false;
    this.placeholder(placeholder);
  }

  focus(): void {
    this.input.focus();
  }

  placeholder(text: string): void {
    this.input.placeholder = text;
  }

  hide(): void {
    this.el.hidden = true;
  }

  clear(): void {
    this.picker.close();
    this.input.value = '';
    this.autoGrow();
  }

  private autoGrow(): void {
    const input = this.input;
    input.style.height = 'auto';
    input.style.height = `${Math.min(input.scrollHeight, MAX_HEIGHT_PX)}px`;
    const length = input.value.length;
    this.counter.hidden = length < MAX_CONTENT - 500;
    this.counter.textContent = ` · ${length}/${MAX_CONTENT}`;
    this.counter.classList.toggle('over', length > MAX_CONTENT);
  }

  /** `:shortcode:` becomes its emoji as soon as the closing colon is typed. */
  private emoji(): void {
    const input = this.input;
    if (!input.value.includes(':')) return;
    const { text, caret } = replaceShortcodes(input.value, input.selectionStart ?? input.value.length);
    if (text === input.value) return;
    input.value = text;
    input.setSelectionRange(caret, caret);
  }
}
