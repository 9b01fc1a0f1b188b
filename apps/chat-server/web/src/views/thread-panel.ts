import { h, replace } from '../dom';
import { icon } from '../icons';
import { repliesLabel } from '../state/message-changes';
import type { Message } from '../types';
import { MessageContext, renderMessage } from './message';

/** The right-hand thread panel: the root message, its replies oldest first, a reply box. */
export class ThreadPanelView {
  readonly el = h('aside', { class: 'thread-panel', hidden: true, aria: { label: 'Thread' } });
  private readonly body = h('div', { class: 'thread-body' });
  private readonly input = h('textarea', {
    class: 'thread-input',
    placeholder: 'Reply…',
    aria: { label: 'Reply in thread' },
  });
  private onClose: () => void = () => undefined;
  private onSend: (content: string) => Promise<boolean> = async () => false;

  constructor() {
    const close = h(
      'button',
      { class: 'icon-btn', type: 'button', aria: { label: 'Close thread' } },
      icon('close'),
    );
    close.addEventListener('click', () => this.onClose());
    const send = h('button', { class: 'btn primary', type: 'submit' }, 'Reply');
    const form = h('form', { class: 'thread-composer' }, this.input, send);
    const submit = async () => {
      const content = this.input.value;
      if (!content.trim()) return;
      if (await this.onSend(content)) this.input.value = '';
    };
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void submit();
    });
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey) {
        e.preventDefault();
        void submit();
      }
    });
    this.el.append(h('header', { class: 'thread-header' }, h('h2', {}, 'Thread'), close), this.body, form);
  }

  bindClose(handler: () => void): void {
    this.onClose = handler;
  }

  /** "Reply": resolves true when the reply was stored (the box empties). */
  bindSend(handler: (content: string) => Promise<boolean>): void {
    this.onSend = handler;
  }

  setOpen(open: boolean): void {
    this.el.hidden = !open;
    if (open) this.input.focus();
  }

  render(root: Message, replies: readonly Message[], loading: boolean, ctx: MessageContext): void {
    const inThread = { ...ctx, inThread: true };
    replace(
      this.body,
      h('div', { class: 'thread-root' }, renderMessage(root, inThread, false)),
      h(
        'div',
        { class: 'thread-count' },
        loading ? 'Loading replies…' : repliesLabel(root.replyCount ?? replies.length),
      ),
      h('div', { class: 'thread-replies' }, ...replies.map((m) => renderMessage(m, inThread, false))),
    );
  }
}
