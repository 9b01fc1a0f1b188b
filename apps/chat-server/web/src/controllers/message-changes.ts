import type { RoomEventPayload } from '../../../src/common/realtime/destinations';
import { applyReaction, ThreadState, withThread } from '../state/message-changes';
import type { Message } from '../types';
import type { MessageContext } from '../views/message';
import type { ChatContext } from './context';
import type { MessagesController } from './messages';

type RoomEvent<T extends RoomEventPayload['type']> = Extract<RoomEventPayload, { type: T }>;

/**
 * Editing one's messages, reactions and the thread panel, with their live events
 * (MESSAGE_EDITED, REACTION_ADDED / REMOVED, THREAD_UPDATED, replies on the room topic).
 * The main list shows top-level messages; a thread's replies show in the panel.
 */
export class MessageChangesController {
  readonly thread = new ThreadState();

  constructor(
    private readonly ctx: ChatContext,
    private readonly messages: MessagesController,
  ) {
    messages.changes = {
      onEdit: (m, content) => this.edit(m, content),
      onReact: (m, emoji, mine) => void this.react(m, emoji, mine),
      onOpenThread: (m) => void this.openThread(m),
    };
  }

  async edit(m: Message, content: string): Promise<boolean> {
    try {
      const saved = await this.ctx.api.editMessage(m.id, content);
      if (saved) this.replace(saved);
      return true;
    } catch (err) {
      this.ctx.views.toasts.error(err, 'Could not edit the message');
      return false;
    }
  }

  /** The live REACTION_* event draws the change (the answer may come after it). */
  async react(m: Message, emoji: string, mine: boolean): Promise<void> {
    try {
      await this.ctx.api.react(m.id, emoji, mine);
    } catch (err) {
      this.ctx.views.toasts.error(err, 'Could not react');
    }
  }

  async openThread(root: Message): Promise<void> {
    const { api, views } = this.ctx;
    this.thread.open(root);
    views.shell.setThreadOpen(true);
    views.thread.setOpen(true);
    this.renderThread();
    try {
      const replies = await api.replies(root.id);
      if (!this.thread.isOpen(root.id)) return;
      this.thread.loading = false;
      this.thread.merge(replies);
      this.renderThread();
    } catch (err) {
      views.toasts.error(err, 'Could not load the thread');
    }
  }

  closeThread(): void {
    this.thread.close();
    this.ctx.views.shell.setThreadOpen(false);
    this.ctx.views.thread.setOpen(false);
  }

  /** "Reply" in the panel: resolves true when stored. */
  async sendReply(content: string): Promise<boolean> {
    const root = this.thread.root;
    if (!root) return false;
    try {
      const reply = await this.ctx.api.postReply(root.roomId, content, root.id);
      if (reply) this.onReply(reply);
      return true;
    } catch (err) {
      this.ctx.views.toasts.error(err, 'Could not send the reply');
      return false;
    }
  }

  /** A reply (live or our own answer): into the panel when its thread is open. */
  onReply(m: Message): void {
    if (this.thread.merge([m])) this.renderThread();
  }

  onEdited(ev: RoomEvent<'MESSAGE_EDITED'>): void {
    const content = ev.message;
    this.patch(ev.roomId, content.id, (m) => ({
      ...m,
      content: content.content,
      editedAt: content.editedAt,
    }));
  }

  onReaction(ev: RoomEvent<'REACTION_ADDED' | 'REACTION_REMOVED'>): void {
    const change = {
      emoji: ev.emoji,
      userId: ev.userId,
      count: ev.count,
      added: ev.type === 'REACTION_ADDED',
    };
    this.patch(ev.roomId, ev.messageId, (m) => ({
      ...m,
      reactions: applyReaction(m.reactions ?? [], change),
    }));
  }

  onThreadUpdated(ev: RoomEvent<'THREAD_UPDATED'>): void {
    this.patch(ev.roomId, ev.messageId, (m) => withThread(m, ev.replyCount, ev.lastReplyAt));
  }

  /** A message was deleted: out of the panel too (a deleted root closes it). */
  onDeleted(id: number): void {
    const wasRoot = this.thread.root?.id === id;
    if (!this.thread.remove(id)) return;
    if (wasRoot) this.closeThread();
    else this.renderThread();
  }

  private replace(saved: Message): void {
    this.patch(saved.roomId, saved.id, (m) => ({ ...m, content: saved.content, editedAt: saved.editedAt }));
  }

  /** Changes a message wherever it shows: the main list and the thread panel. */
  private patch(roomId: number, id: number, update: (m: Message) => Message): void {
    const { state } = this.ctx;
    if (state.messages.patch(roomId, id, update) && state.rooms.current === roomId)
      this.messages.renderMessages();
    if (this.thread.patch(id, update)) this.renderThread();
  }

  private renderThread(): void {
    const root = this.thread.root;
    if (!root) return;
    const ctx: MessageContext = this.messages.messageContext(root.roomId);
    this.ctx.views.thread.render(root, this.thread.replies, this.thread.loading, ctx);
  }
}
