import type { StompTransportKind } from '../stomp.interfaces';
import type { OutboundFrame } from './outbound-frame';

/** What a transport calls back; implemented by StompSession itself (no per-connection closures). */
export interface StompConnectionHandlers {
  transportData(chunk: Buffer): void;
  transportClosed(): void;
}

/** What the session layer needs from a transport; WebSocket and SockJS both implement it. */
export interface StompConnection {
  readonly kind: StompTransportKind;
  /** `websocket`, `xhr-streaming`, `eventsource`, ... */
  readonly transportName: string;
  readonly remoteAddress: string | undefined;
  /** Headers of the HTTP handshake, for the authenticator; empty after {@link forgetHandshake}. */
  readonly httpHeaders: Readonly<Record<string, string | string[] | undefined>>;
  /** Drops the handshake headers once CONNECT is decided: an idle session should not keep them. */
  forgetHandshake(): void;
  bind(handlers: StompConnectionHandlers): void;
  write(frame: OutboundFrame): void;
  /** Bytes accepted by `write` but not yet handed to the operating system. */
  bufferedBytes(): number;
  /** Monotonic count of bytes handed to the operating system (to detect a stalled consumer). */
  bytesFlushed(): number;
  /** Stop reading from the socket (backpressure); optional: a transport that cannot pause omits it. */
  pause?(): void;
  /** Read from the socket again after {@link pause}. */
  resume?(): void;
  /** Close handshake with a code and reason; the socket is destroyed if it does not finish within `graceMs`. */
  close(code: number, reason: string, graceMs: number): void;
}

export const NO_HEADERS: Readonly<Record<string, string | string[] | undefined>> = Object.freeze({});

/** Close reasons are limited to 123 bytes by RFC 6455. */
export function clampReason(reason: string): string {
  if (Buffer.byteLength(reason) <= 123) return reason;
  let out = reason.slice(0, 120);
  while (Buffer.byteLength(out) > 120) out = out.slice(0, -1);
  return `${out}...`;
}
