/** STOMP protocol versions this library speaks, most preferred first. */
export type StompVersion = '1.2' | '1.1' | '1.0';

export const SUPPORTED_VERSIONS: readonly StompVersion[] = ['1.2', '1.1', '1.0'];

/** Client frame commands (STOMP 1.2 §"Client Frames"). */
export const CLIENT_COMMANDS = new Set([
  'CONNECT',
  'STOMP',
  'SEND',
  'SUBSCRIBE',
  'UNSUBSCRIBE',
  'ACK',
  'NACK',
  'BEGIN',
  'COMMIT',
  'ABORT',
  'DISCONNECT',
]);

/**
 * Header map of a decoded frame. When a header is repeated, the first occurrence wins (STOMP 1.2).
 * Decoded maps have a null prototype so header names such as `__proto__` are plain keys.
 */
export type StompHeaders = Record<string, string>;

export interface StompFrame {
  command: string;
  headers: StompHeaders;
  body: Buffer;
}

export function createHeaders(): StompHeaders {
  return Object.create(null) as StompHeaders;
}

/** CONNECT and CONNECTED frames never escape header values (STOMP 1.2 "Value Encoding"). */
export function usesEscaping(command: string, version: StompVersion): boolean {
  return version !== '1.0' && command !== 'CONNECT' && command !== 'CONNECTED' && command !== 'STOMP';
}
