import { h, replace } from '../dom';
import type { LiveState } from '../net/live';

/** The live connection's state in the sidebar, and a banner with a countdown while it is down. */
export class ConnectionView {
  readonly status = h('div', { class: 'connection', id: 'connection-status', role: 'status' });
  readonly banner = h('div', { class: 'banner', hidden: true, role: 'status' });
  private countdown: number | undefined;
  private onReconnectNow: () => void = () => undefined;

  bindReconnectNow(handler: () => void): void {
    this.onReconnectNow = handler;
  }

  render(s: LiveState): void {
    window.clearInterval(this.countdown);
    this.status.className = `connection ${s.kind}`;
    const text =
      s.kind === 'connected'
        ? `Connected via ${s.transport}`
        : s.kind === 'connecting'
          ? s.attempt === 0
            ? 'Connecting…'
            : 'Reconnecting…'
          : s.kind === 'waiting'
            ? 'Offline'
            : 'Disconnected';
    replace(this.status, h('span', { class: 'conn-dot', aria: { hidden: 'true' } }), h('span', {}, text));

    const banner = this.banner;
    if (s.kind === 'connected' || s.kind === 'stopped' || (s.kind === 'connecting' && s.attempt === 0)) {
      banner.hidden = true;
      return;
    }
    banner.hidden = false;
    const now = h('button', { class: 'btn tiny', type: 'button' }, 'Reconnect now');
    now.addEventListener('click', () => this.onReconnectNow());
    const line = h('span', {});
    const update = () => {
      if (s.kind === 'waiting') {
        const secs = Math.max(0, Math.ceil((s.retryAt - Date.now()) / 1000));
        line.textContent = `${s.reason}. Reconnecting in ${secs} s…`;
      } else {
        line.textContent = 'Connection lost. Reconnecting…';
      }
    };
    update();
    replace(
      banner,
      h('span', { class: 'conn-dot', aria: { hidden: 'true' } }),
      line,
      s.kind === 'waiting' ? now : null,
    );
    if (s.kind === 'waiting') this.countdown = window.setInterval(update, 1000);
  }
}
