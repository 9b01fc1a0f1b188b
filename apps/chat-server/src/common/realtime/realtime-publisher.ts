/** Which tokens of a user stopped working: one token, or every version below a number. */
export type RevokedTokens = { tokenId: string } | { tokenVersionBelow: number };

/**
 * Live delivery as the domain sees it: the one way live traffic leaves the app. Services and
 * domain-event listeners push payloads to destinations named in `./destinations` without knowing
 * about the broker; the chat module implements this port on the STOMP broker, which reaches every
 * instance through its bus. Every method returns at once; a failed delivery is logged. Calls made
 * one after the other reach the bus (and so every instance) in that order.
 */
export abstract class RealtimePublisher {
  /** Broadcasts to every subscriber of a topic (e.g. `Topic.status`). */
  abstract toTopic(destination: string, payload: object): void;

  /** Sends to every live session of one user that subscribed to `/user<destination>` (e.g. `UserQueue.notifications`). */
  abstract toUser(userId: number, destination: string, payload: object): void;

  /**
   * Cancels a user's live subscriptions to `destination` (exact, or a prefix when it ends in
   * `/**`) on every instance; each affected session is told `notice` on its errors queue.
   */
  abstract revokeSubscriptions(userId: number, destination: string, notice: string): void;

  /**
   * Ends the live sessions of a user on every instance, with `reason` in the ERROR frame: all of
   * them, or with `only` just those opened with one token (`tokenId`) or with tokens of a version
   * below `tokenVersionBelow` (a CONNECT already authenticated with such a token is refused too).
   */
  abstract disconnectUser(userId: number, reason: string, only?: RevokedTokens): void;

  /**
   * Checks again, on every instance, whether each live subscription of the user is still allowed
   * (its roles changed); those that are not are cancelled and each affected session is told
   * `notice` on its errors queue.
   */
  abstract recheckSubscriptions(userId: number, notice: string): void;
}
