import { h, parseTime, relativeTime, replace } from '../dom';
import { icon } from '../icons';
import type { AppNotification } from '../types';

/** The bell with its unread badge, and the list it opens. */
export class NotificationsPanelView {
  readonly bell = h('button', {
    class: 'icon-btn bell',
    type: 'button',
    title: 'Notifications',
    aria: { label: 'Notifications' },
  });
  readonly panel = h('div', {
    class: 'popover notifications',
    hidden: true,
    role: 'dialog',
    aria: { label: 'Notifications' },
  });
  private readonly badge = h('span', { class: 'badge', hidden: true, id: 'notification-badge' });
  private onToggle: () => void = () => undefined;
  private onMarkAll: () => void = () => undefined;
  private onMarkRead: (n: AppNotification) => void = () => undefined;

  constructor() {
    this.bell.replaceChildren(icon('bell'), this.badge);
    this.bell.addEventListener('click', (ev) => {
      ev.stopPropagation();
      this.panel.hidden = !this.panel.hidden;
      this.onToggle();
    });
    document.addEventListener('click', (ev) => {
      if (!this.panel.hidden && !this.panel.contains(ev.target as Node)) this.panel.hidden = true;
    });
    document.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape') this.panel.hidden = true;
    });
  }

  /** The bell opened or closed the list. */
  bindToggle(handler: () => void): void {
    this.onToggle = handler;
  }

  bindMarkAllRead(handler: () => void): void {
    this.onMarkAll = handler;
  }

  bindMarkRead(handler: (n: AppNotification) => void): void {
    this.onMarkRead = handler;
  }

  render(list: readonly AppNotification[], unread: number): void {
    this.badge.hidden = unread === 0;
    this.badge.textContent = unread > 99 ? '99+' : String(unread);
    this.bell.setAttribute('aria-label', `Notifications (${unread} unread)`);
    if (this.panel.hidden) return;
    const markAll = h(
      'button',
      { class: 'btn ghost small', type: 'button', disabled: unread === 0 },
      'Mark all as read',
    );
    markAll.addEventListener('click', () => this.onMarkAll());
    replace(
      this.panel,
      h('header', { class: 'panel-header' }, h('h3', {}, 'Notifications'), markAll),
      list.length
        ? h('ul', { class: 'notif-list' }, ...list.map((n) => this.item(n)))
        : h('p', { class: 'muted empty-note' }, 'You are all caught up.'),
    );
  }

  private item(n: AppNotification): HTMLElement {
    const item = h(
      'button',
      { class: `notif${n.read ? '' : ' unread'}`, type: 'button', title: n.read ? '' : 'Mark as read' },
      h('span', { class: 'notif-dot', aria: { hidden: 'true' } }),
      h(
        'span',
        { class: 'notif-body' },
        h('span', { class: 'notif-message' }, n.message),
        h('small', { class: 'muted' }, `${humanType(n.type)} · ${relativeTime(parseTime(n.createdAt))}`),
      ),
    );
    item.addEventListener('click', () => this.onMarkRead(n));
    return h('li', {}, item);
  }
}

/** "ROOM_INVITE" -> "Room invite". */
function humanType(type: string | undefined): string {
  if (!type) return 'Notification';
  const words = type.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
