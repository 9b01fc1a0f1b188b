import { matchesPrefix } from '../destination-prefix';
import type { StompFrame, StompVersion } from '../frame/stomp-frame';
import type { StompDisconnectReason } from '../stomp.interfaces';
import type { ResolvedStompOptions } from '../stomp.options';
import type { StompAckMode, Subscription } from './subscription';

/*
 * The protocol rules a client frame must meet, as pure functions of the frame and the options: a
 * broken rule throws a SessionError (ERROR frame, then close).
 */

const ACK_MODES = new Set<StompAckMode>(['auto', 'client', 'client-individual']);

/** Refusal that ends the session: ERROR frame, then close. */
export class SessionError extends Error {
  constructor(
    message: string,
    readonly reason: StompDisconnectReason = 'protocol-error',
    readonly detail?: string,
    readonly extraHeaders?: Record<string, string>,
  ) {
    super(message);
  }
}

/** A header the frame must carry, non-empty. */
export function required(frame: StompFrame, header: string): string {
  const value = frame.headers[header];
  if (value === undefined || value === '') {
    throw new SessionError(`Missing ${header} header in ${frame.command}`);
  }
  return value;
}

/** `heart-beat: cx,cy` of a CONNECT: what the client sends and wants, in ms (0 = nothing). */
export function parseHeartbeat(value: string | undefined): [number, number] {
  if (value === undefined) return [0, 0];
  const match = /^\s*(\d{1,9})\s*,\s*(\d{1,9})\s*$/.exec(value);
  if (!match) throw new SessionError(`Invalid heart-beat header ${value}`);
  return [Number(match[1]), Number(match[2])];
}

/** What CONNECT settles: the version, and the heart-beat periods each side keeps (ms, 0 = none). */
export interface ConnectTerms {
  version: StompVersion;
  /** How often the server sends a heart-beat. */
  sendEvery: number;
  /** How often the client promised to send one. */
  expectEvery: number;
}

export function negotiateConnect(frame: StompFrame, options: ResolvedStompOptions): ConnectTerms {
  const offered = (frame.headers['accept-version'] ?? '1.0').split(',').map((v) => v.trim());
  const version = options.versions.find((v) => offered.includes(v));
  if (!version) {
    throw new SessionError(
      `Supported protocol versions are ${options.versions.join(',')}`,
      'protocol-error',
      undefined,
      { version: options.versions.join(',') },
    );
  }
  const [clientSends, clientWants] = parseHeartbeat(frame.headers['heart-beat']);
  const { outgoing, incoming } = options.heartbeat;
  return {
    version,
    sendEvery: outgoing > 0 && clientWants > 0 ? Math.max(outgoing, clientWants) : 0,
    expectEvery: incoming > 0 && clientSends > 0 ? Math.max(incoming, clientSends) : 0,
  };
}

/** A SEND goes to an application destination; broker and user destinations are the server's to write. */
export function checkSendDestination(destination: string, options: ResolvedStompOptions): void {
  if (matchesPrefix(destination, options.applicationDestinationPrefixes)) return;
  const broker =
    matchesPrefix(destination, options.brokerDestinationPrefixes) ||
    matchesPrefix(destination, [options.userDestinationPrefix]);
  throw new SessionError(
    broker
      ? `Clients may not send to broker destination ${destination}`
      : `Unknown destination ${destination}`,
    broker ? 'forbidden' : 'protocol-error',
  );
}

/** A SUBSCRIBE as the broker will register it (before the application's authorization). */
export type SubscribeRequest = Pick<Subscription, 'id' | 'destination' | 'userDestination' | 'ackMode'>;

/**
 * Check a SUBSCRIBE against the protocol, the session's live subscriptions (`own`, and `idOf`, the
 * id of its subscription to a destination) and the options. A session subscribes to a destination
 * at most once: a second subscription would only deliver every message twice to the same socket.
 */
export function parseSubscribe(
  frame: StompFrame,
  version: StompVersion,
  own: ReadonlyMap<string, Subscription>,
  idOf: (destination: string) => string | undefined,
  options: ResolvedStompOptions,
): SubscribeRequest {
  const destination = required(frame, 'destination');
  const id = version === '1.0' ? (frame.headers.id ?? destination) : required(frame, 'id');
  const ackMode = (frame.headers.ack ?? 'auto') as StompAckMode;
  if (!ACK_MODES.has(ackMode)) throw new SessionError(`Invalid ack mode ${ackMode}`);
  if (own.has(id)) throw new SessionError(`Subscription id ${id} is already in use`);
  const existing = idOf(destination);
  if (existing !== undefined)
    throw new SessionError(`Already subscribed to ${destination} (subscription ${existing})`);
  if (own.size >= options.limits.maxSubscriptionsPerSession) {
    throw new SessionError(`Too many subscriptions (max ${options.limits.maxSubscriptionsPerSession})`);
  }
  let userDestination: string | undefined;
  if (matchesPrefix(destination, [options.userDestinationPrefix])) {
    userDestination = destination.slice(options.userDestinationPrefix.length);
    if (userDestination.length < 2) throw new SessionError(`Invalid user destination ${destination}`);
  } else if (!matchesPrefix(destination, options.brokerDestinationPrefixes)) {
    throw new SessionError(`Cannot subscribe to ${destination}`, 'forbidden');
  }
  return { id, destination, userDestination, ackMode };
}

/** The subscription an UNSUBSCRIBE names (1.0 allows the destination instead of an id). */
export function unsubscribeId(frame: StompFrame, version: StompVersion): string {
  return version === '1.0' ? (frame.headers.id ?? required(frame, 'destination')) : required(frame, 'id');
}

/** ACK/NACK headers: `id` in 1.2, `message-id` (+ `subscription` in 1.1) before. */
export function checkAckHeaders(frame: StompFrame, version: StompVersion): void {
  if (version === '1.2') required(frame, 'id');
  else {
    required(frame, 'message-id');
    if (version === '1.1') required(frame, 'subscription');
  }
}
