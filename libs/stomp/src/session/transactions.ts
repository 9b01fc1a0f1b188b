import type { StompFrame } from '../frame/stomp-frame';
import { SessionError } from './frame-rules';

/** Open transactions per session and frames held per transaction. */
const MAX_TRANSACTIONS = 64;
const MAX_TRANSACTION_FRAMES = 1000;

/**
 * The open transactions of one session (BEGIN ... COMMIT/ABORT): the SEND, ACK and NACK frames each
 * holds until COMMIT. Allocated by a session's first BEGIN: most sessions never use one.
 */
export class SessionTransactions {
  private readonly open = new Map<string, StompFrame[]>();

  get size(): number {
    return this.open.size;
  }

  begin(transaction: string): void {
    if (this.open.has(transaction)) throw new SessionError(`Transaction ${transaction} already started`);
    if (this.open.size >= MAX_TRANSACTIONS) throw new SessionError('Too many open transactions');
    this.open.set(transaction, []);
  }

  /** Hold a frame of `transaction` until its COMMIT. */
  hold(transaction: string, frame: StompFrame): void {
    const frames = this.open.get(transaction);
    if (!frames) throw new SessionError(`Unknown transaction ${transaction}`);
    if (frames.length >= MAX_TRANSACTION_FRAMES)
      throw new SessionError(`Transaction ${transaction} is too large`);
    frames.push(frame);
  }

  /** End a transaction (COMMIT): its held frames, in the order they arrived. */
  commit(transaction: string): StompFrame[] {
    const frames = this.open.get(transaction);
    if (!frames || !this.open.delete(transaction))
      throw new SessionError(`Unknown transaction ${transaction}`);
    return frames;
  }

  /** Drop a transaction and its held frames (ABORT). */
  abort(transaction: string): void {
    if (!this.open.delete(transaction)) throw new SessionError(`Unknown transaction ${transaction}`);
  }
}
