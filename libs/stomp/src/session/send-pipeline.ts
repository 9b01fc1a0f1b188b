import type { StompFrameOrder } from '../stomp.interfaces';

/** How a pipelined frame's handler ended: `undefined` when it resolved. */
export type PipelineOutcome = undefined | { error: unknown };

/** The order of a frame whose every earlier frame is done (a frame handled one at a time). */
export const IMMEDIATE_ORDER: StompFrameOrder = Object.freeze({
  turn: async <T>(fn: () => T | PromiseLike<T>): Promise<T> => await fn(),
  previousDone: () => Promise.resolve(),
});

/**
 * The pipelined SENDs of one session (allocated on the session's first one): each is dispatched as
 * soon as the session reads it, without waiting for the frames before it, and answered (RECEIPT or
 * error) in frame order. Its handler gets a {@link StompFrameOrder} to run the step that must keep
 * frame order (the write that gives the message its id, say) in turn.
 *
 * Two chains of promises, each link waiting for the one before it:
 * - turns: frame N's turn starts when frame N-1's is over, and is over when N's `turn(fn)` has run
 *   `fn` (and its promise settled), or else when N's handler settled;
 * - answers: frame N is answered once N-1 is answered and N's handler settled.
 */
export class SendPipeline {
  /** Frames dispatched and not yet answered. */
  inFlight = 0;
  /** Settles when the last dispatched frame's turn is over (so are all earlier ones). */
  private lastTurn: Promise<void> = Promise.resolve();
  /** Settles when the last dispatched frame is answered (so are all earlier ones). */
  private lastAnswered: Promise<void> = Promise.resolve();
  private slotFreed: (() => void) | undefined;

  /** @param answered called after each answer (the session may resume reading its socket) */
  constructor(private readonly answered: () => void) {}

  /** Resolves once fewer than `max` frames are in flight. */
  async slot(max: number): Promise<void> {
    while (this.inFlight >= max) await new Promise<void>((resolve) => (this.slotFreed = resolve));
  }

  /** Resolves once every dispatched frame is answered. */
  drained(): Promise<void> {
    return this.lastAnswered;
  }

  /**
   * Dispatches a frame now. `answer` (which must not throw) gets the handler's outcome once every
   * earlier frame is answered.
   */
  start(
    dispatch: (order: StompFrameOrder) => Promise<void>,
    answer: (outcome: PipelineOutcome) => void,
  ): void {
    this.inFlight++;
    const previousTurn = this.lastTurn;
    const previousAnswered = this.lastAnswered;
    let pass!: () => void;
    const own = new Promise<void>((resolve) => (pass = resolve));
    // Over only when the earlier turns are over too: a handler that fails at once passes nothing early.
    this.lastTurn = previousTurn.then(() => own);
    const order: StompFrameOrder = {
      turn: async <T>(fn: () => T | PromiseLike<T>): Promise<T> => {
        await previousTurn;
        try {
          return await fn();
        } finally {
          pass();
        }
      },
      previousDone: () => previousAnswered,
    };
    let settled: Promise<PipelineOutcome>;
    try {
      settled = dispatch(order).then(
        () => undefined,
        (error: unknown) => ({ error }),
      );
    } catch (error) {
      settled = Promise.resolve({ error });
    }
    void settled.then(pass);
    this.lastAnswered = previousAnswered
      .then(() => settled)
      .then((outcome) => {
        this.inFlight--;
        answer(outcome);
        const freed = this.slotFreed;
        this.slotFreed = undefined;
        freed?.();
        this.answered();
      });
  }
}
