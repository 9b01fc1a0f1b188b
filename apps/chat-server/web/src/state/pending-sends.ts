import type { Message } from '../types';

export type SendState = 'sending' | 'delivered' | 'failed';

/** A message the user sent that the server has not shown back yet. */
export interface PendingSend {
  /** Sent along so that a retry is idempotent and the broadcast can be matched. */
  readonly clientMessageId: string;
  readonly roomId: number;
  readonly content: string;
  /** Uploads sent with it (EXTENSIONS.md §7). */
  readonly attachmentIds?: readonly number[];
  state: SendState;
  error?: string;
  /** It failed because the server could not be reached: it goes out again once connected. */
  resendWhenOnline?: boolean;
}

/**
 * The user's sends in flight, and the ids of the stored messages they became ("✓ Delivered" shows
 * under those). No DOM, no network.
 */
export class PendingSends {
  private readonly list: PendingSend[] = [];
  private readonly delivered = new Set<number>();

  add(
    roomId: number,
    content: string,
    clientMessageId: string,
    attachmentIds: readonly number[] = [],
  ): PendingSend {
    const p: PendingSend = {
      clientMessageId,
      roomId,
      content,
      state: 'sending',
      ...(attachmentIds.length ? { attachmentIds } : {}),
    };
    this.list.push(p);
    return p;
  }

  inRoom(roomId: number | undefined): PendingSend[] {
    return this.list.filter((p) => p.roomId === roomId);
  }

  /** Still waiting for its answer (not settled by a broadcast, not discarded, not failed). */
  isSending(p: PendingSend): boolean {
    return this.list.includes(p) && p.state === 'sending';
  }

  has(p: PendingSend): boolean {
    return this.list.includes(p);
  }

  /** A retry: the same send goes out again. */
  retry(p: PendingSend): void {
    p.state = 'sending';
    p.error = undefined;
    p.resendWhenOnline = false;
  }

  /** The server confirmed the send (a RECEIPT) before its broadcast arrived. */
  confirm(p: PendingSend): void {
    p.state = 'delivered';
  }

  /** `offline`: the server was not reached (not a refusal), so reconnecting re-sends it. */
  fail(p: PendingSend, error: string, offline = false): void {
    p.state = 'failed';
    p.error = error;
    p.resendWhenOnline = offline;
  }

  /** Sends that failed while offline, oldest first: re-sent (same clientMessageId) on reconnect. */
  toResend(): PendingSend[] {
    return this.list.filter((p) => p.state === 'failed' && p.resendWhenOnline);
  }

  drop(p: PendingSend): void {
    const at = this.list.indexOf(p);
    if (at >= 0) this.list.splice(at, 1);
  }

  /** The send answered over REST with its stored message. */
  stored(p: PendingSend, m: Message): void {
    this.delivered.add(m.id);
    this.drop(p);
  }

  /**
   * A stored message of ours arrived: it replaces the matching send (by `clientMessageId`, else by
   * room and text), which is returned.
   */
  settle(m: Message): PendingSend | undefined {
    const p =
      (m.clientMessageId ? this.list.find((x) => x.clientMessageId === m.clientMessageId) : undefined) ??
      this.list.find((x) => x.roomId === m.roomId && x.content === m.content);
    if (!p) return undefined;
    this.stored(p, m);
    return p;
  }

  /** The send an error frame is about: by `clientMessageId`, else the oldest one still sending. */
  forError(clientMessageId: string | undefined): PendingSend | undefined {
    return (
      this.list.find((x) => clientMessageId && x.clientMessageId === clientMessageId) ??
      this.list.find((x) => x.state === 'sending')
    );
  }

  isDelivered(messageId: number): boolean {
    return this.delivered.has(messageId);
  }
}
