/**
 * The order of one client's sends when they run concurrently: a STOMP session's pipelined
 * `/app/chat.sendMessage` SENDs (the STOMP library's `StompFrameOrder` has this shape). A send
 * takes its place in the message writer's queue in `turn`, so the ids, and the broadcasts that
 * follow the writer's settling order, keep the order of the frames. REST requests are independent
 * of each other and pass none.
 */
export interface SendOrder {
  /** Runs `fn` once every earlier send of the client has had its turn; the next one's starts after. */
  turn<T>(fn: () => T | PromiseLike<T>): Promise<T>;
  /** Resolves once every earlier send of the client is done (committed and answered). */
  previousDone(): Promise<void>;
}
