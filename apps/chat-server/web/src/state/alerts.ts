import type { AppNotification } from '../types';

/** Kinds worth a desktop notification when the tab is hidden: someone is talking to you. */
const DESKTOP_TYPES = new Set(['DIRECT_MESSAGE', 'MENTION']);

export interface AlertContext {
  /** The room on screen, if any. */
  roomInView: number | undefined;
  /** The tab is visible (`document.visibilityState`). */
  visible: boolean;
}

export interface AlertDecision {
  /** A toast in the page. */
  toast: boolean;
  /** A desktop notification (Notification API). */
  desktop: boolean;
  /** Read at once: it is about what the user is reading now, so no badge either. */
  markRead: boolean;
}

/** What a live notification should do: nothing loud for the room being read in a visible tab. */
export function alertFor(n: AppNotification, ctx: AlertContext): AlertDecision {
  const beingRead = ctx.visible && n.roomId != null && n.roomId === ctx.roomInView;
  if (beingRead) return { toast: false, desktop: false, markRead: true };
  return { toast: ctx.visible, desktop: !ctx.visible && DESKTOP_TYPES.has(n.type), markRead: false };
}
