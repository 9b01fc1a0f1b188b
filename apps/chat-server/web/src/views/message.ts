import { avatar, formatFull, formatTime, h, parseTime } from '../dom';
import { icon } from '../icons';
import { mentionRuns } from '../../../src/read-state/mentions';
import { PICKER_EMOJIS, reactedBy, repliesLabel } from '../state/message-changes';
import { formatSize } from '../state/uploads';
import { Attachment, isImageAttachment, Message } from '../types';
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
  /** Saves an edit of one's own message; resolves true when stored (the editor closes). */
  onEdit(m: Message, content: string): Promise<boolean>;
  /** Adds the user's reaction, or removes it when `mine`. */
  onReact(m: Message, emoji: string, mine: boolean): void;
  onOpenThread(m: Message): void;
  /** Drawn inside the thread panel: no "N replies" link, no "Reply in thread". */
  inThread?: boolean;
  /** A blob: URL of an attachment's bytes (fetched with the token), for an image preview. */
  attachmentImage(a: Attachment): Promise<string>;
  /** Saves an attachment (fetched with the token) under its name. */
  onDownload(a: Attachment): void;
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
      m.editedAt
        ? h('span', { class: 'msg-edited', title: formatFull(parseTime(m.editedAt)) }, '(edited)')
        : null,
      attachmentList(m, ctx),
      reactionBar(m, ctx),
      threadLink(m, ctx),
      mine && ctx.isDelivered(m.id) ? h('div', { class: 'msg-status delivered' }, '✓ Delivered') : null,
    ),
    messageActions(m, ctx),
  );
}

/** A message's files: images as previews, every other file as a chip with its name and size. */
function attachmentList(m: Message, ctx: MessageContext): HTMLElement | null {
  const list = m.attachments ?? [];
  if (!list.length) return null;
  return h(
    'div',
    { class: 'attachments' },
    ...list.map((a) => (isImageAttachment(a) ? imagePreview(a, ctx) : fileChip(a, ctx))),
  );
}

function imagePreview(a: Attachment, ctx: MessageContext): HTMLElement {
  const img = h('img', { class: 'attachment-image', attrs: { alt: a.name, loading: 'lazy' } });
  const button = h(
    'button',
    {
      class: 'attachment attachment-preview',
      type: 'button',
      title: `${a.name} (${formatSize(a.size)}): download`,
      aria: { label: `Download ${a.name}` },
      dataset: { attachmentId: String(a.id) },
      on: { click: () => ctx.onDownload(a) },
    },
    img,
  );
  ctx.attachmentImage(a).then(
    (url) => (img.src = url),
    () => button.replaceWith(fileChip(a, ctx)),
  );
  return button;
}

function fileChip(a: Attachment, ctx: MessageContext): HTMLElement {
  return h(
    'button',
    {
      class: 'attachment attachment-file',
      type: 'button',
      title: `Download ${a.name}`,
      dataset: { attachmentId: String(a.id) },
      on: { click: () => ctx.onDownload(a) },
    },
    icon('file'),
    h('span', { class: 'attachment-name' }, a.name),
    h('span', { class: 'attachment-size' }, formatSize(a.size)),
  );
}

/** The reactions under a message: emoji and count, the user's own highlighted; a click toggles. */
function reactionBar(m: Message, ctx: MessageContext): HTMLElement | null {
  const reactions = m.reactions ?? [];
  if (!reactions.length) return null;
  return h(
    'div',
    { class: 'reactions' },
    ...reactions.map((r) => {
      const mine = reactedBy(r, ctx.meId);
      const chip = h(
        'button',
        {
          class: `reaction${mine ? ' mine' : ''}`,
          type: 'button',
          title: mine ? 'Remove your reaction' : 'React with this too',
          aria: { pressed: String(mine), label: `${r.emoji} ${r.count}` },
          dataset: { emoji: r.emoji },
        },
        h('span', { class: 'reaction-emoji' }, r.emoji),
        h('span', { class: 'reaction-count' }, String(r.count)),
      );
      chip.addEventListener('click', () => ctx.onReact(m, r.emoji, mine));
      return chip;
    }),
  );
}

/** "3 replies" under a thread root: opens the thread panel. */
function threadLink(m: Message, ctx: MessageContext): HTMLElement | null {
  const count = m.replyCount ?? 0;
  if (ctx.inThread || isReply(m) || count <= 0) return null;
  const link = h('button', { class: 'thread-link', type: 'button' }, repliesLabel(count));
  link.addEventListener('click', () => ctx.onOpenThread(m));
  return link;
}

/** A small emoji picker under the "React" action. */
function picker(m: Message, ctx: MessageContext, close: () => void): HTMLElement {
  return h(
    'div',
    { class: 'emoji-picker', role: 'menu', aria: { label: 'Pick a reaction' } },
    ...PICKER_EMOJIS.map((emoji) => {
      const b = h(
        'button',
        { class: 'emoji-choice', type: 'button', role: 'menuitem', aria: { label: emoji } },
        emoji,
      );
      b.addEventListener('click', () => {
        close();
        const held = m.reactions?.find((r) => r.emoji === emoji);
        ctx.onReact(m, emoji, !!held && reactedBy(held, ctx.meId));
      });
      return b;
    }),
  );
}

/** Dispatched (bubbling) on a message's element when its editor closes, saved or cancelled. */
export const EDIT_END_EVENT = 'msg-edit-end';

/** Swaps the message's text for an editor (Enter or "Save" saves, Escape or "Cancel" cancels). */
function startEditing(el: HTMLElement, m: Message, ctx: MessageContext): void {
  const text = el.querySelector<HTMLElement>('.msg-text');
  if (!text || el.querySelector('.msg-editor')) return;
  const box = h('textarea', { class: 'msg-edit-input', aria: { label: 'Edit message' } });
  box.value = m.content;
  const save = h('button', { class: 'btn primary tiny', type: 'button' }, 'Save');
  const cancel = h('button', { class: 'btn tiny', type: 'button' }, 'Cancel');
  const editor = h(
    'div',
    { class: 'msg-editor' },
    box,
    h('div', { class: 'msg-editor-actions' }, cancel, save),
  );
  const stop = () => {
    editor.replaceWith(text);
    el.dispatchEvent(new CustomEvent(EDIT_END_EVENT, { bubbles: true }));
  };
  const submit = async () => {
    const content = box.value;
    if (!content.trim() || content === m.content) return stop();
    save.setAttribute('disabled', '');
    if (await ctx.onEdit(m, content)) stop();
    else save.removeAttribute('disabled');
  };
  save.addEventListener('click', () => void submit());
  cancel.addEventListener('click', stop);
  box.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') stop();
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      void submit();
    }
  });
  text.replaceWith(editor);
  box.focus();
  box.setSelectionRange(box.value.length, box.value.length);
}

const isReply = (m: Message): boolean => m.parentId !== undefined && m.parentId !== null;

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

function action(label: string, content: Node | string, onClick: () => void): HTMLElement {
  const b = h('button', { class: 'msg-action', type: 'button', title: label, aria: { label } }, content);
  b.addEventListener('click', onClick);
  return b;
}

/** On hover: react, reply in thread, edit (own), delete (own, or a moderator's). */
function messageActions(m: Message, ctx: MessageContext): HTMLElement {
  const mine = m.sender?.id === ctx.meId;
  const bar = h('div', { class: 'msg-actions' });
  let open: HTMLElement | undefined;
  const close = () => {
    open?.remove();
    open = undefined;
  };
  bar.append(
    action('Add reaction', '☺', () => {
      if (open) return close();
      open = picker(m, ctx, close);
      bar.after(open);
    }),
  );
  if (!ctx.inThread && !isReply(m)) bar.append(action('Reply in thread', '↩', () => ctx.onOpenThread(m)));
  if (mine)
    bar.append(
      action('Edit message', '✎', () => {
        const el = bar.closest<HTMLElement>('.msg');
        if (el) startEditing(el, m, ctx);
      }),
    );
  if (mine || ctx.canModerate) bar.append(action('Delete message', icon('trash'), () => ctx.onDelete(m)));
  return bar;
}
