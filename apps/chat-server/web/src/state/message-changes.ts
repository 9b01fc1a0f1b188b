import type { Message, Reaction } from '../types';

/** A REACTION_ADDED / REACTION_REMOVED event as the page applies it. */
export interface ReactionChange {
  emoji: string;
  userId: number;
  count: number;
  added: boolean;
}

/**
 * The reactions after a live change: the emoji's count becomes the server's, the user joins or
 * leaves its list; an emoji nobody holds leaves, a new one goes last (order of first use).
 */
export function applyReaction(reactions: readonly Reaction[], change: ReactionChange): Reaction[] {
  const out = reactions.map((r) => ({ ...r, userIds: [...r.userIds] }));
  let item = out.find((r) => r.emoji === change.emoji);
  if (!item) {
    if (!change.added || change.count <= 0) return out;
    item = { emoji: change.emoji, count: 0, userIds: [] };
    out.push(item);
  }
  item.count = change.count;
  const has = item.userIds.includes(change.userId);
  if (change.added && !has) item.userIds.push(change.userId);
  if (!change.added && has) item.userIds = item.userIds.filter((id) => id !== change.userId);
  return item.count > 0 ? out : out.filter((r) => r !== item);
}

/** Whether `userId` holds this reaction (for highlighting "mine"). */
export const reactedBy = (r: Reaction, userId: number): boolean => r.userIds.includes(userId);

/** The emojis the picker offers (the server takes any single emoji; these are the usual ones). */
export const PICKER_EMOJIS = ['👍', '❤', '😂', '🎉', '😮', '😢', '🙏', '👀'] as const;

/** "1 reply", "3 replies". */
export const repliesLabel = (n: number): string => `${n} ${n === 1 ? 'reply' : 'replies'}`;

/** The message with its thread counters replaced. */
export function withThread(m: Message, replyCount: number, lastReplyAt: string | null): Message {
  return { ...m, replyCount, lastReplyAt };
}

/**
 * The replies of the open thread panel: one root, its replies sorted by id without duplicates.
 * No DOM, no network.
 */
export class ThreadState {
  root: Message | undefined;
  replies: Message[] = [];
  loading = false;

  open(root: Message): void {
    this.root = root;
    this.replies = [];
    this.loading = true;
  }

  close(): void {
    this.root = undefined;
    this.replies = [];
    this.loading = false;
  }

  isOpen(rootId: number): boolean {
    return this.root?.id === rootId;
  }

  /** Adds replies of the open thread it does not hold; true when something changed. */
  merge(incoming: readonly Message[]): boolean {
    if (!this.root) return false;
    const ids = new Set(this.replies.map((m) => m.id));
    const fresh = incoming.filter((m) => m.parentId === this.root?.id && !ids.has(m.id));
    if (!fresh.length) return false;
    this.replies = [...this.replies, ...fresh].sort((a, b) => a.id - b.id);
    return true;
  }

  /** Replaces a held message (root or reply) by `update(it)`; true when it was held. */
  patch(id: number, update: (m: Message) => Message): boolean {
    if (this.root?.id === id) {
      this.root = update(this.root);
      return true;
    }
    const at = this.replies.findIndex((m) => m.id === id);
    if (at < 0) return false;
    this.replies[at] = update(this.replies[at]);
    return true;
  }

  remove(id: number): boolean {
    if (this.root?.id === id) {
      this.close();
      return true;
    }
    const before = this.replies.length;
    this.replies = this.replies.filter((m) => m.id !== id);
    return this.replies.length !== before;
  }
}
