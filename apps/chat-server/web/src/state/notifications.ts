import type { AppNotification } from '../types';

/** The user's notifications, newest first. No DOM, no network. */
export class NotificationsState {
  private list: AppNotification[] = [];

  all(): readonly AppNotification[] {
    return this.list;
  }

  /** The list as REST answered it. */
  replace(list: AppNotification[]): void {
    this.list = list;
  }

  /** A live notification; false when it is already listed. */
  add(n: AppNotification): boolean {
    if (typeof n.id === 'number' && this.list.some((x) => x.id === n.id)) return false;
    this.list.unshift({ ...n, read: n.read === true, createdAt: n.createdAt ?? new Date().toISOString() });
    return true;
  }

  unread(): number {
    return this.list.filter((n) => !n.read).length;
  }

  markRead(id: number, read = true): void {
    const n = this.list.find((x) => x.id === id);
    if (n) n.read = read;
  }

  markAllRead(): void {
    for (const n of this.list) n.read = true;
  }
}
