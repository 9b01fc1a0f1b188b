import { avatar, formatFull, formatTime, h, parseTime } from '../dom';
import { icon } from '../icons';
import { mentionRuns } from '../../../src/read-state/mentions';
import type { Message } from '../types';
import { PresenceLookup, presenceDot } from './presence-dot';
import { renderRichText } from './rich-text';

/** What rendering a message needs besides the message. */
export interface MessageContext {
  meId: number;
  /** The user may delete others' messages here (room creator or admin). */
  canModerate: boolean;
  /** Our message was confirmed stored: "✓ Delivered" shows under it. */
  isDelivered(messageId: number): boolean;
  presence: PresenceLookup;
  onDelete(m: Message): void;
  /**
   * The "new messages" divider: before the first message of others after `after` (the marker as
   * the room opened) and up to `upTo` (the newest message then). Absent: no divider.
   */
  newSince?: { after: number; upTo: number };
}

/**
 * One message: avatar (or the time in the gutter when it continues the sender's group), author,
 * time, text, delivery mark, actions. New message fields get their part here, each its own
 * function like {@link messageText}.
 */
export function renderMessage(m: Message, ctx: MessageContext, compact: boolean): HTMLElement {
  const mine = m.sender?.id === ctx.meId;
  return h(
    'div',
    { class: `msg${compact ? ' compact' : ''}${mine ? ' mine' : ''}`, dataset: { id: String(m.id) } },
    compact ? gutterTime(m) : senderAvatar(m),
    h(
      'div',
      { class: 'msg-body' },
      compact ? null : messageMeta(m, ctx),
      messageText(m, ctx.meId),
      mine && ctx.isDelivered(m.id) ? h('div', { class: 'msg-status delivered' }, '✓ Delivered') : null,
    ),
    messageActions(m, ctx),
  );
}

export const senderName = (m: Message): string => m.sender?.username ?? 'Deleted user';

function gutterTime(m: Message): HTMLElement {
  const at = parseTime(m.sentAt);
  return h(
    'time',
    { class: 'msg-gutter-time', title: formatFull(at), attrs: { datetime: at.toISOString?.() ?? '' } },
    formatTime(at),
  );
}

function senderAvatar(m: Message): HTMLElement {
  // A deleted account's messages keep a sender with id 0: a grey avatar, no link, no presence.
  return m.sender && m.sender.id > 0
    ? avatar(senderName(m), m.sender.id)
    : h('span', { class: 'avatar ghost' }, '?');
}

function messageMeta(m: Message, ctx: MessageContext): HTMLElement {
  const at = parseTime(m.sentAt);
  const known = m.sender && m.sender.id > 0;
  return h(
    'div',
    { class: 'msg-meta' },
    h('span', { class: 'msg-author' }, senderName(m)),
    known && m.sender && m.sender.id !== ctx.meId
      ? presenceDot(m.sender.id, ctx.presence(m.sender.id))
      : null,
    h('time', { title: formatFull(at) }, formatTime(at)),
  );
}

/**
 * The text as the safe Markdown subset (views/rich-text.ts, never raw markup), with the members
 * it mentions highlighted (the mention of `meId` more strongly); never inside code.
 */
export function messageText(m: Pick<Message, 'content' | 'mentions'>, meId?: number): HTMLElement {
  const el = h('div', { class: 'msg-text' }, renderRichText(m.content));
  const byName = new Map((m.mentions ?? []).map((u) => [u.username.toLowerCase(), u]));
  if (byName.size) highlightMentions(el, byName, meId);
  return el;
}

function highlightMentions(
  root: HTMLElement,
  byName: Map<string, { id: number | null; username: string }>,
  meId?: number,
): void {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const texts: Text[] = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode())
    if (!n.parentElement?.closest('code, pre')) texts.push(n as Text);
  for (const node of texts) {
    const text = node.data;
    const parts: (Node | string)[] = [];
    let last = 0;
    for (const run of mentionRuns(text)) {
      const name = run.variants.find((v) => byName.has(v));
      if (!name || run.start < last) continue;
      const user = byName.get(name)!;
      const end = run.start + 1 + name.length;
      if (run.start > last) parts.push(text.slice(last, run.start));
      const me = user.id === meId;
      parts.push(
        h(
          'span',
          { class: `mention${me ? ' mention-me' : ''}`, title: me ? 'You were mentioned' : user.username },
          text.slice(run.start, end),
        ),
      );
      last = end;
    }
    if (!parts.length) continue;
    if (last < text.length) parts.push(text.slice(last));
    node.replaceWith(...parts);
  }
}

function messageActions(m: Message, ctx: MessageContext): HTMLElement | null {
  if (m.sender?.id !== ctx.meId && !ctx.canModerate) return null;
  const remove = h(
    'button',
    { class: 'msg-action', type: 'button', title: 'Delete message', aria: { label: 'Delete message' } },
    icon('trash'),
  );
  remove.addEventListener('click', () => ctx.onDelete(m));
  return remove;
}
