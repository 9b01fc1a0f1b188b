import type { Socket } from 'node:net';
import type { Connection } from 'sockjs';
import type { OutboundFrame } from './outbound-frame';
import { StompConnection, StompConnectionHandlers, clampReason } from './stomp-connection';

/** The parts of sockjs' session we read to measure backpressure (sockjs has no public API for it). */
interface SockJsSessionInternals {
  _session?: { send_buffer?: string[]; recv?: { thingy?: Socket | null } | null } | null;
}

/**
 * SockJS transport (all its transports: websocket, xhr-streaming, xhr-polling, eventsource, ...).
 * SockJS only carries strings, so a frame's text form is computed once and shared.
 */
export class SockJsConnection implements StompConnection {
  readonly kind = 'sockjs' as const;
  readonly transportName: string;
  readonly remoteAddress: string | undefined;
  readonly httpHeaders: Readonly<Record<string, string | string[] | undefined>>;
  private closing = false;

  constructor(private readonly conn: Connection) {
    this.transportName = conn.protocol;
    this.remoteAddress = conn.remoteAddress;
    this.httpHeaders = conn.headers;
  }

  bind(handlers: StompConnectionHandlers): void {
    this.conn.on('data', (message: string) => handlers.data(Buffer.from(message, 'utf8')));
    this.conn.on('close', () => handlers.close());
  }

  write(frame: OutboundFrame): void {
    if (this.closing) return;
    this.conn.write(frame.textFrame());
  }

  private internals(): { pending: string[] | undefined; socket: Socket | undefined } {
    const session = (this.conn as unknown as SockJsSessionInternals)._session;
    return { pending: session?.send_buffer, socket: session?.recv?.thingy ?? undefined };
  }

  bufferedBytes(): number {
    const { pending, socket } = this.internals();
    let bytes = socket?.writableLength ?? 0;
    if (pending) for (const message of pending) bytes += message.length;
    return bytes;
  }

  bytesFlushed(): number {
    const socket = this.internals().socket;
    return socket ? socket.bytesWritten - socket.writableLength : 0;
  }

  close(code: number, reason: string, graceMs: number): void {
    if (this.closing) return;
    this.closing = true;
    // sockjs writes the code into its close frame as given; @types/sockjs types it as a string, but
    // clients expect a number (`c[4500,"Slow consumer"]`).
    const close = this.conn.close.bind(this.conn) as unknown as (code: number, reason: string) => boolean;
    close(code, clampReason(reason));
    // If the close frame cannot be flushed (stalled consumer), cut the underlying socket.
    setTimeout(() => this.internals().socket?.destroy(), graceMs).unref();
  }
}
