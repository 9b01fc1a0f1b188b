import { append, formatDay, h, parseTime, replace } from '../dom';
import type { RoomHistory } from '../state/messages';
import type { Message, RoomType } from '../types';
import { EDIT_END_EVENT, MessageContext, renderMessage } from './message';

/** Messages of one sender within this window are grouped under one header. */
const GROUP_WINDOW_MS = 5 * 60_000;
/** Closer than this to the top, the next older page loads; to the bottom, new messages follow. */
const LOAD_OLDER_PX = 200;
const NEAR_BOTTOM_PX = 120;

export interface RoomIntro {
  name: string;
  type: RoomType;
}

/**
 * The open room's messages in a scroller: day dividers, grouped senders, the history's top
 * (loading older, or the room's beginning), the "New messages ↓" button. The pending sends'
 * list ({@link el}) sits below the messages.
 */
export class MessageListView {
  readonly scroller = h('div', { class: 'scroller' });
  readonly jump = h('button', { class: 'jump', type: 'button', hidden: true }, 'New messages ↓');
  private readonly top = h('div', { class: 'history-top' });
  private readonly list = h('div', {
    class: 'messages',
    role: 'log',
    aria: { live: 'polite', label: 'Messages' },
  });

  /** The "new messages" divider is drawn (at most one). */
  private dividerShown = false;

  constructor(pendingList: HTMLElement) {
    this.scroller.replaceChildren(this.top, this.list, pendingList);
    this.jump.addEventListener('click', () => this.scrollToBottom());
    this.scroller.addEventListener('scroll', () => {
      if (this.nearBottom()) this.jump.hidden = true;
    });
  }

  /** Any scroll (passive); the handler decides what to do, cheaply: it must not hit the network. */
  bindScroll(handler: () => void): void {
    this.scroller.addEventListener('scroll', handler, { passive: true });
  }

  /** The newest message whose top is on screen, or undefined. */
  lastVisibleId(): number | undefined {
    const bottom = this.scroller.getBoundingClientRect().bottom;
    const shown = [...this.list.querySelectorAll<HTMLElement>('.msg[data-id]')];
    for (let i = shown.length - 1; i >= 0; i--)
      if (shown[i].getBoundingClientRect().top < bottom) return Number(shown[i].dataset.id);
    return undefined;
  }

  /** Brings the "new messages" divider into view; false when there is none. */
  scrollToDivider(): boolean {
    const divider = this.list.querySelector<HTMLElement>('.new-divider');
    if (!divider) return false;
    this.scroller.scrollTop = Math.max(0, divider.offsetTop - this.scroller.offsetTop - 40);
    return true;
  }

  /** Scrolled close to the top: time for the next older page. */
  bindNearTop(handler: () => void): void {
    this.scroller.addEventListener(
      'scroll',
      () => {
        if (this.scroller.scrollTop < LOAD_OLDER_PX) handler();
      },
      { passive: true },
    );
  }

  /** Scrolled close to the bottom: time for the next newer page (a window around a message). */
  bindNearBottom(handler: () => void): void {
    this.scroller.addEventListener(
      'scroll',
      () => {
        if (this.nearBottom()) handler();
      },
      { passive: true },
    );
  }

  /** Brings message `id` into the middle of the view and marks it for a moment. */
  reveal(id: number): void {
    const el = this.list.querySelector<HTMLElement>(`.msg[data-id="${id}"]`);
    if (!el) return;
    el.scrollIntoView({ block: 'center' });
    el.classList.add('flash');
    window.setTimeout(() => el.classList.remove('flash'), 2500);
  }

  /**
   * Opens the editor of the user's newest message that it may edit (its own, in this list), scrolled
   * into view; `onDone` runs when that editor closes. False when there is none.
   */
  editLastOwn(onDone: () => void): boolean {
    const own = this.list.querySelectorAll<HTMLElement>('.msg.mine');
    for (let i = own.length - 1; i >= 0; i--) {
      const edit = own[i].querySelector<HTMLButtonElement>('.msg-actions button[aria-label="Edit message"]');
      if (!edit) continue;
      own[i].addEventListener(EDIT_END_EVENT, onDone, { once: true });
      edit.click();
      own[i].scrollIntoView({ block: 'nearest' });
      return true;
    }
    return false;
  }

  render(messages: readonly Message[], ctx: MessageContext): void {
    this.dividerShown = false;
    const nodes: Node[] = [];
    let prev: Message | undefined;
    for (const m of messages) {
      nodes.push(...this.messageNodes(m, prev, ctx));
      prev = m;
    }
    this.list.replaceChildren(...nodes);
    this.trimDeliveredMarks();
  }

  /** Adds one message after `prev` (the one before it in the room) at the end. */
  append(m: Message, prev: Message | undefined, ctx: MessageContext): void {
    append(this.list, ...this.messageNodes(m, prev, ctx));
    this.trimDeliveredMarks();
  }

  /** Above the messages: "Loading older messages…", or the room's beginning once all are here. */
  renderTop(history: Pick<RoomHistory, 'loadingOlder' | 'hasMore'>, room: RoomIntro): void {
    if (history.loadingOlder) {
      replace(this.top, h('div', { class: 'loading small' }, 'Loading older messages…'));
    } else if (!history.hasMore) {
      const dm = room.type === 'DIRECT_MESSAGE';
      replace(
        this.top,
        h(
          'div',
          { class: 'room-intro' },
          h('h3', {}, dm ? room.name : `#${room.name}`),
          h(
            'p',
            { class: 'muted' },
            dm
              ? `This is the very beginning of your direct message history with ${room.name}.`
              : `This is the very beginning of #${room.name}.`,
          ),
        ),
      );
    } else {
      replace(this.top);
    }
  }

  /** "Delivered" shows under our latest confirmed message only, as in most messengers. */
  trimDeliveredMarks(): void {
    const marks = [...this.scroller.querySelectorAll('.msg-status.delivered')];
    for (const mark of marks.slice(0, -1)) mark.remove();
  }

  nearBottom(): boolean {
    const s = this.scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight < NEAR_BOTTOM_PX;
  }

  scrollToBottom(): void {
    this.scroller.scrollTop = this.scroller.scrollHeight;
    this.jump.hidden = true;
  }

  showJump(show: boolean): void {
    this.jump.hidden = !show;
  }

  /** Redraws with `draw` while what the user looks at stays where it is (older messages above). */
  keepPosition(draw: () => void): void {
    const fromBottom = this.scroller.scrollHeight - this.scroller.scrollTop;
    draw();
    this.scroller.scrollTop = this.scroller.scrollHeight - fromBottom;
  }

  private messageNodes(m: Message, prev: Message | undefined, ctx: MessageContext): Node[] {
    const nodes: Node[] = [];
    const at = parseTime(m.sentAt);
    const prevAt = prev ? parseTime(prev.sentAt) : undefined;
    const newDay = !prevAt || prevAt.toDateString() !== at.toDateString();
    if (newDay)
      nodes.push(h('div', { class: 'day-divider', role: 'separator' }, h('span', {}, formatDay(at))));
    const compact =
      !newDay &&
      !!prev &&
      !!prevAt &&
      prev.sender?.id === m.sender?.id &&
      at.getTime() - prevAt.getTime() < GROUP_WINDOW_MS;
    const since = ctx.newSince;
    const firstNew =
      since && m.id > since.after && m.id <= since.upTo && m.sender?.id !== ctx.meId && !this.dividerShown;
    if (firstNew) {
      this.dividerShown = true;
      nodes.push(h('div', { class: 'new-divider', role: 'separator' }, h('span', {}, 'New messages')));
    }
    nodes.push(renderMessage(m, ctx, compact));
    return nodes;
  }
}
