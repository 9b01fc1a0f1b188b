import { ApiError } from '../net/api-error';
import { h } from '../dom';
import { icon, IconName } from '../icons';

const MAX_SHOWN = 4;

/** Short messages in a corner: errors stay 8 s, information 5 s, four at most. */
export class ToastsView {
  readonly el = h('div', { class: 'toasts', aria: { live: 'assertive' } });

  show(
    message: string,
    kind: 'error' | 'info' = 'error',
    iconName: IconName = kind === 'error' ? 'warn' : 'info',
  ): void {
    const close = h(
      'button',
      { class: 'icon-btn', type: 'button', aria: { label: 'Dismiss' } },
      icon('close'),
    );
    const el = h(
      'div',
      { class: `toast ${kind}`, role: kind === 'error' ? 'alert' : 'status' },
      icon(iconName, 'toast-icon'),
      h('span', { class: 'toast-text' }, message),
      close,
    );
    const dismiss = () => el.remove();
    close.addEventListener('click', dismiss);
    this.el.appendChild(el);
    while (this.el.children.length > MAX_SHOWN) this.el.firstElementChild?.remove();
    window.setTimeout(dismiss, kind === 'error' ? 8000 : 5000);
  }

  /** A failed action, with the server's message; a 401 says nothing (the login screen will). */
  error(err: unknown, context: string): void {
    if (err instanceof ApiError) {
      if (err.status === 401) return;
      this.show(`${context}: ${err.message}`);
    } else {
      this.show(`${context}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
