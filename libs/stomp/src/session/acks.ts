import type { StompFrame, StompVersion } from '../frame/stomp-frame';
import type { Subscription } from './subscription';

/** What an ACK/NACK refers to: a message id and, when it names a live one, the subscription. */
export interface AckTarget {
  messageId: string;
  subscription: Subscription | undefined;
}

/**
 * The message and subscription an ACK or NACK names: STOMP 1.2's `id` (`<message-id>@<subscription>`
 * as this broker sends it in `ack`), or 1.0/1.1's `message-id` (+ `subscription` in 1.1). Without a
 * subscription id, the subscription that holds the message unacknowledged.
 */
export function ackTarget(
  frame: StompFrame,
  version: StompVersion,
  subscriptions: ReadonlyMap<string, Subscription>,
): AckTarget {
  if (version === '1.2') {
    const ackId = frame.headers.id;
    const at = ackId.indexOf('@');
    const messageId = at === -1 ? ackId : ackId.slice(0, at);
    const subscription =
      at === -1 ? holderOf(subscriptions, messageId) : subscriptions.get(ackId.slice(at + 1));
    return { messageId, subscription };
  }
  const messageId = frame.headers['message-id'];
  const subscriptionId = frame.headers.subscription;
  const subscription =
    subscriptionId !== undefined ? subscriptions.get(subscriptionId) : holderOf(subscriptions, messageId);
  return { messageId, subscription };
}

/**
 * Settle an unacknowledged message: a `client`-mode ACK is cumulative (this message and every earlier
 * one of the subscription); anything else (NACK included) settles only this message. A NACK is
 * settled like an ACK: the broker keeps no queue to redeliver from (STOMP 1.2 leaves the server free
 * to discard a NACKed message). Returns how many ids were settled.
 */
export function settle(subscription: Subscription, messageId: string, command: string): number {
  if (subscription.ackMode === 'client' && command === 'ACK') {
    let settled = 0;
    for (const id of subscription.unacked) {
      subscription.unacked.delete(id);
      settled++;
      if (id === messageId) break;
    }
    return settled;
  }
  return subscription.unacked.delete(messageId) ? 1 : 0;
}

function holderOf(
  subscriptions: ReadonlyMap<string, Subscription>,
  messageId: string,
): Subscription | undefined {
  for (const subscription of subscriptions.values()) {
    if (subscription.unacked.has(messageId)) return subscription;
  }
  return undefined;
}
