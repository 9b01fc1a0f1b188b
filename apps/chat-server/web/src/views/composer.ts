import { replaceShortcodes } from '../format/emoji';
import { h } from '../dom';
import { icon } from '../icons';
import { formatSize, StagedUpload } from '../state/uploads';
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
  private readonly files = h('input', {
    class: 'composer-file',
    type: 'file',
    attrs: { multiple: '', tabindex: '-1' },
    aria: { label: 'Files to attach' },
  });
  private readonly attach = h(
    'button',
    {
      class: 'btn icon-btn composer-attach',
      type: 'button',
      title: 'Attach files',
      aria: { label: 'Attach files' },
    },
    icon('clip'),
  );
  private readonly uploads = h('ul', {
    class: 'composer-uploads',
    hidden: true,
    aria: { label: 'Attached files' },
  });
  private hasFiles = false;

  constructor() {
    const send = h('button', { class: 'btn primary', type: 'submit' }, 'Send');
    this.attach.addEventListener('click', () => this.files.click());
    const hint = h(
      'div',
      { class: 'composer-hint' },
      h('kbd', {}, 'Enter'),
      ' to send · ',
      h('kbd', {}, 'Shift+Enter'),
      ' for a new line',
      this.counter,
    );
    this.el.replaceChildren(
      this.picker.el,
      this.uploads,
      h('div', { class: 'composer-box' }, this.attach, this.files, this.input, send),
      hint,
    );
    this.input.addEventListener('input', () => {
      this.emoji();
      this.autoGrow();
    });
  }

  /** The user sends: the trimmed text, empty only when files are attached. */
  bindSubmit(handler: (content: string) => void): void {
    const submit = () => {
      const content = this.input.value.trim();
      if (content || this.hasFiles) handler(content);
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

  /**
   * Files to attach: picked with the paperclip button, dropped on `dropZone` (the room pane) or
   * pasted into the box.
   */
  bindFiles(handler: (files: File[]) => void, dropZones: HTMLElement[] = []): void {
    this.files.addEventListener('change', () => {
      const picked = [...(this.files.files ?? [])];
      this.files.value = '';
      if (picked.length) handler(picked);
    });
    const carriesFiles = (ev: DragEvent) => [...(ev.dataTransfer?.types ?? [])].includes('Files');
    for (const zone of [this.el, ...dropZones]) this.dropZone(zone, handler, carriesFiles);
    this.input.addEventListener('paste', (ev) => {
      const pasted = [...(ev.clipboardData?.files ?? [])];
      if (!pasted.length) return;
      ev.preventDefault();
      handler(pasted);
    });
  }

  private dropZone(
    dropZone: HTMLElement,
    handler: (files: File[]) => void,
    carriesFiles: (ev: DragEvent) => boolean,
  ): void {
    dropZone.addEventListener('dragover', (ev) => {
      if (this.el.hidden || !carriesFiles(ev)) return;
      ev.preventDefault();
      dropZone.classList.add('drop-target');
    });
    dropZone.addEventListener('dragleave', (ev) => {
      if (ev.target === dropZone) dropZone.classList.remove('drop-target');
    });
    dropZone.addEventListener('drop', (ev) => {
      dropZone.classList.remove('drop-target');
      if (this.el.hidden || !carriesFiles(ev)) return;
      ev.preventDefault();
      const dropped = [...(ev.dataTransfer?.files ?? [])];
      if (dropped.length) handler(dropped);
    });
  }

  /** The remove button of an attached file. */
  bindRemoveUpload(handler: (localId: number) => void): void {
    this.uploads.addEventListener('click', (ev) => {
      const button = (ev.target as Element).closest<HTMLElement>('[data-remove]');
      if (button) handler(Number(button.dataset.remove));
    });
  }

  /** The files attached to the message being written: name, size, progress or error. */
  renderUploads(list: readonly StagedUpload[]): void {
    this.hasFiles = list.some((u) => u.state === 'ready');
    this.uploads.hidden = list.length === 0;
    this.uploads.replaceChildren(
      ...list.map((u) =>
        h(
          'li',
          { class: `upload ${u.state}`, dataset: { localId: String(u.localId) } },
          icon('file'),
          h('span', { class: 'upload-name', title: u.name }, u.name),
          h('span', { class: 'upload-size' }, formatSize(u.size)),
          u.state === 'uploading'
            ? h('progress', {
                class: 'upload-progress',
                attrs: { max: '100', value: String(Math.round(u.progress * 100)) },
                aria: { label: `Uploading ${u.name}` },
              })
            : null,
          u.state === 'failed'
            ? h('span', { class: 'upload-error', role: 'alert' }, u.error ?? 'Failed')
            : null,
          h(
            'button',
            {
              class: 'btn icon-btn upload-remove',
              type: 'button',
              title: 'Remove',
              aria: { label: `Remove ${u.name}` },
              dataset: { remove: String(u.localId) },
            },
            icon('close'),
          ),
        ),
      ),
    );
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
