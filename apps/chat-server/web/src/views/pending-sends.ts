import { avatar, formatTime, h } from '../dom';
import type { PendingSend } from '../state/pending-sends';
import type { Session } from '../types';
import { messageText } from './message';

/** The user's sends in flight below the messages: "Sending…", "✓ Delivered", or retry/discard. */
export class PendingSendsView {
  readonly el = h('div', { class: 'messages pending-list' });
  private readonly shown = new Map<PendingSend, HTMLElement>();
  private onRetry: (p: PendingSend) => void = () => undefined;
  private onDiscard: (p: PendingSend) => void = () => undefined;

  constructor(
    private readonly me: Session,
    /** Runs after each change (the list view keeps one "Delivered" mark). */
    private readonly afterChange: () => void,
  ) {}

  bindRetry(handler: (p: PendingSend) => void): void {
    this.onRetry = handler;
  }

  bindDiscard(handler: (p: PendingSend) => void): void {
    this.onDiscard = handler;
  }

  /** Shows exactly `sends` (the open room's). */
  render(sends: PendingSend[]): void {
    this.el.replaceChildren();
    this.shown.clear();
    for (const p of sends) this.update(p);
  }

  /** Draws `p` again where it is, or adds it at the end. */
  update(p: PendingSend): void {
    const el = h(
      'div',
      { class: `msg mine pending ${p.state}` },
      avatar(this.me.username, this.me.id),
      h(
        'div',
        { class: 'msg-body' },
        h(
          'div',
          { class: 'msg-meta' },
          h('span', { class: 'msg-author' }, this.me.username),
          h('time', {}, formatTime(new Date())),
        ),
        messageText(p),
        this.status(p),
      ),
    );
    const old = this.shown.get(p);
    if (old) old.replaceWith(el);
    else this.el.appendChild(el);
    this.shown.set(p, el);
    this.afterChange();
  }

  remove(p: PendingSend): void {
    this.shown.get(p)?.remove();
    this.shown.delete(p);
  }

  private status(p: PendingSend): HTMLElement {
    if (p.state === 'sending') return h('div', { class: 'msg-status' }, 'Sending…');
    if (p.state === 'delivered') return h('div', { class: 'msg-status delivered' }, '✓ Delivered');
    return h(
      'div',
      { class: 'msg-status failed', role: 'alert' },
      `Not delivered${p.error ? `: ${p.error}` : ''} · `,
      linkButton('Retry', () => this.onRetry(p)),
      ' · ',
      linkButton('Discard', () => this.onDiscard(p)),
    );
  }
}

function linkButton(label: string, onClick: () => void): HTMLButtonElement {
  const b = h('button', { class: 'link-btn', type: 'button' }, label);
  b.addEventListener('click', onClick);
  return b;
}
