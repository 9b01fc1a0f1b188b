import { h } from '../dom';

/** A user's status, as the page knows it ("offline" when never heard of). */
export type PresenceLookup = (userId: number) => string;

const STATUS_LABEL: Record<string, string> = {
  online: 'Online',
  offline: 'Offline',
  typing: 'Typing',
  playing: 'Playing',
};

export const presenceLabel = (status: string): string => STATUS_LABEL[status] ?? status;

/** The coloured dot beside a user; `paintPresence` repaints every dot of that user. */
export function presenceDot(userId: number, status: string): HTMLElement {
  return h('span', {
    class: `presence ${status}`,
    dataset: { presence: String(userId) },
    title: presenceLabel(status),
    role: 'img',
    aria: { label: presenceLabel(status) },
  });
}

/** A status changed: every dot and status text of that user on the page follows. */
export function paintPresence(root: ParentNode, userId: number, status: string): void {
  const label = presenceLabel(status);
  for (const dot of root.querySelectorAll<HTMLElement>(`[data-presence="${userId}"]`)) {
    dot.className = `presence ${status}`;
    dot.title = label;
    dot.setAttribute('aria-label', label);
  }
  for (const text of root.querySelectorAll<HTMLElement>(`[data-presence-text="${userId}"]`))
    text.textContent = label;
}
