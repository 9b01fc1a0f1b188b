import type { StompFrame } from '../frame/stomp-frame';
import { SessionError } from './frame-rules';

/** Frames held per transaction, whatever their size. */
const MAX_TRANSACTION_FRAMES = 1000;

export interface TransactionLimits {
  /** Open transactions at once; 0 refuses BEGIN. */
  maxTransactions: number;
  /** Bytes held by all open transactions of the session together. */
  maxBytes: number;
}

/** What holding a frame costs: its body, its command and its headers (names and values). */
export function heldBytes(frame: StompFrame): number {
  let bytes = frame.command.length + frame.body.length;
  for (const name in frame.headers) bytes += name.length + frame.headers[name].length + 2;
  return bytes;
}

interface OpenTransaction {
  frames: StompFrame[];
  bytes: number;
}

/**
 * The open transactions of one session (BEGIN ... COMMIT/ABORT): the SEND, ACK and NACK frames each
 * holds until COMMIT, within a byte budget for the whole session. Allocated by a session's first
 * BEGIN: most sessions never use one.
 */
export class SessionTransactions {
  private readonly open = new Map<string, OpenTransaction>();
  private bytes = 0;

  constructor(private readonly limits: TransactionLimits) {}

  get size(): number {
    return this.open.size;
  }

  /** Bytes held by every open transaction together. */
  get heldBytes(): number {
    return this.bytes;
  }

  begin(transaction: string): void {
    if (this.limits.maxTransactions === 0) throw new SessionError('Transactions are not supported');
    if (this.open.has(transaction)) throw new SessionError(`Transaction ${transaction} already started`);
    if (this.open.size >= this.limits.maxTransactions)
      throw new SessionError(`Too many open transactions (max ${this.limits.maxTransactions})`);
    this.open.set(transaction, { frames: [], bytes: 0 });
  }

  /** Throws unless `transaction` is open. */
  assertOpen(transaction: string): void {
    if (!this.open.has(transaction)) throw new SessionError(`Unknown transaction ${transaction}`);
  }

  /** Hold a frame of `transaction` until its COMMIT. */
  hold(transaction: string, frame: StompFrame): void {
    const open = this.open.get(transaction);
    if (!open) throw new SessionError(`Unknown transaction ${transaction}`);
    if (open.frames.length >= MAX_TRANSACTION_FRAMES)
      throw new SessionError(
        `Transaction ${transaction} is too large (max ${MAX_TRANSACTION_FRAMES} frames)`,
      );
    const bytes = heldBytes(frame);
    if (this.bytes + bytes > this.limits.maxBytes)
      throw new SessionError(
        `Transactions hold too much (max ${this.limits.maxBytes} bytes per session): commit or abort first`,
      );
    open.frames.push(frame);
    open.bytes += bytes;
    this.bytes += bytes;
  }

  /** End a transaction (COMMIT): its held frames, in the order they arrived. */
  commit(transaction: string): StompFrame[] {
    return this.end(transaction).frames;
  }

  /** Drop a transaction and its held frames (ABORT). */
  abort(transaction: string): void {
    this.end(transaction);
  }

  private end(transaction: string): OpenTransaction {
    const open = this.open.get(transaction);
    if (!open) throw new SessionError(`Unknown transaction ${transaction}`);
    this.open.delete(transaction);
    this.bytes -= open.bytes;
    return open;
  }
}
