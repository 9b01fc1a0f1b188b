/**
 * The tick a transport batches its writes in. The first frame a connection gets in a tick is
 * written at once (a fan-out stays one tight loop of writes); further frames in the same tick are
 * held by the connection and handed to its socket together, corked into one writev, by ONE
 * process.nextTick for all connections ({@link holdUntilTickEnd}).
 */
export interface TickFlushable {
  /** Hands the frames held this tick to the socket, in order. */
  flush(): void;
}

let tick = 0;
let tickEndScheduled = false;
let holding: TickFlushable[] = [];

function endTick(): void {
  tick++;
  tickEndScheduled = false;
  const list = holding;
  holding = [];
  for (const connection of list) connection.flush();
}

/** The current tick's number (a counter, not time); schedules its end. */
export function currentTick(): number {
  if (!tickEndScheduled) {
    tickEndScheduled = true;
    process.nextTick(endTick);
  }
  return tick;
}

/** `connection.flush()` runs at the end of this tick (call once per tick, when it starts holding). */
export function holdUntilTickEnd(connection: TickFlushable): void {
  holding.push(connection);
}
