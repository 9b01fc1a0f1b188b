import type { AppNotification } from '../types';

const ASKED_KEY = 'chat.notifications-asked';

/**
 * Desktop notifications through the Notification API. Permission is asked once per browser, on
 * a user action (the first message sent), never on page load; a refusal is final.
 */
export class DesktopNotifier {
  private onOpen: (roomId: number) => void = () => undefined;

  bindOpen(handler: (roomId: number) => void): void {
    this.onOpen = handler;
  }

  /** Asks for permission if it was never asked in this browser. */
  askOnce(): void {
    if (!('Notification' in window) || Notification.permission !== 'default') return;
    if (localStorage.getItem(ASKED_KEY)) return;
    localStorage.setItem(ASKED_KEY, '1');
    void Notification.requestPermission().catch(() => undefined);
  }

  show(n: AppNotification): void {
    if (!('Notification' in window) || Notification.permission !== 'granted') return;
    const shown = new Notification('Chat', { body: n.message, tag: `chat-${n.id}` });
    shown.onclick = () => {
      window.focus();
      if (n.roomId != null) this.onOpen(n.roomId);
      shown.close();
    };
  }
}
