import { h } from '../dom';

/** "alice is typing…" under the messages; asks to be drawn again when the next one expires. */
export class TypingIndicatorView {
  readonly el = h('div', { class: 'typing', aria: { live: 'polite' }, id: 'typing-indicator' });
  private timer: number | undefined;
  private onExpire: () => void = () => undefined;

  bindExpire(handler: () => void): void {
    this.onExpire = handler;
  }

  /** `text` (none: nothing shown); `expiresAt` is when the first name shown runs out. */
  render(text: string, expiresAt: number | undefined): void {
    window.clearTimeout(this.timer);
    if (!text) {
      this.el.replaceChildren();
      return;
    }
    this.el.replaceChildren(
      h('span', { class: 'dots', aria: { hidden: 'true' } }, h('i'), h('i'), h('i')),
      h('span', {}, text),
    );
    if (expiresAt !== undefined)
      this.timer = window.setTimeout(() => this.onExpire(), Math.max(100, expiresAt - Date.now()));
  }
}
