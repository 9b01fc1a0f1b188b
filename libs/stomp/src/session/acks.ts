import type { StompFrame, StompVersion } from '../frame/stomp-frame';
import type { Subscription } from './subscription';

/** Unacknowledged messages remembered per subscription; the oldest are forgotten beyond this. */
const MAX_UNACKED = 10000;

/** Remember a message delivered on a client-ack subscription until it is ACKed or NACKed. */
export function trackUnacked(subscription: Subscription, messageId: string): void {
  subscription.unacked.add(messageId);
  if (subscription.unacked.size > MAX_UNACKED) {
    subscription.unacked.delete(subscription.unacked.values().next().value as string);
  }
}

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
 * one of the subscription); anything else settles only this message.
 */
export function settle(subscription: Subscription, messageId: string, command: string): void {
  if (subscription.ackMode === 'client' && command === 'ACK') {
    for (const id of subscription.unacked) {
      subscription.unacked.delete(id);
      if (id === messageId) break;
    }
  } else {
    subscription.unacked.delete(messageId);
  }
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
