/**
 * The "tick" a transport batches its writes in: one turn of the event loop, from the first write
 * until the loop's check phase (ONE setImmediate for all connections). The first frame a connection
 * gets in a turn is written at once (a fan-out stays one tight loop of writes); further frames in
 * the same turn are held by the connection and handed to its socket together, corked into one
 * writev ({@link holdUntilTickEnd}).
 *
 * A turn and not a process.nextTick: under load, one poll phase runs the frames of many sockets
 * (SENDs of different users, READ markers, reactions), each a broadcast of its own. With a nextTick
 * each of those was a tick of its own, so a subscriber of busy rooms got one write syscall per
 * frame (native socket writes were 53 % of the M1 profile's samples, which are wall time; M1 as a
 * whole did not measurably change, see bench/RESULTS.md). Within a turn it gets at most two. A
 * held frame waits at most for the rest of the poll phase; an idle server's turn ends at once.
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
    setImmediate(endTick);
  }
  return tick;
}

/** `connection.flush()` runs at the end of this tick (call once per tick, when it starts holding). */
export function holdUntilTickEnd(connection: TickFlushable): void {
  holding.push(connection);
}
