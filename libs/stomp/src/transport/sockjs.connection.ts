import type { Socket } from 'node:net';
import type { Connection } from 'sockjs';
import type { OutboundFrame } from './outbound-frame';
import { NO_HEADERS, StompConnection, StompConnectionHandlers, clampReason } from './stomp-connection';
import { TickFlushable, currentTick, holdUntilTickEnd } from './tick-batch';

/**
 * The parts of sockjs' session we read to measure backpressure and to write websocket frames
 * directly (sockjs 0.3 has no public API for either).
 */
interface SockJsSessionInternals {
  _session?: {
    /** 1 = OPEN */
    readyState?: number;
    send_buffer?: string[];
    recv?: {
      thingy?: Socket | null;
      ws?: { readyState?: number; _driver?: { version?: string } } | null;
    } | null;
  } | null;
}

const OPEN = 1;

/**
 * SockJS transport (all its transports: websocket, xhr-streaming, xhr-polling, eventsource, ...).
 * SockJS only carries strings, so a frame's text form is computed once and shared.
 *
 * On sockjs' websocket transport, an open session with nothing queued gets the frame written
 * straight to its TCP socket, pre-framed once per broadcast ({@link OutboundFrame.sockjsWebsocketFrame}):
 * sockjs would JSON-quote, wrap and WebSocket-frame the same text again for every subscriber (the S1
 * bench profile). This is exactly what sockjs writes: faye-websocket writes whole frames
 * synchronously, never compresses (sockjs enables no extensions) and, once open, queues nothing, so
 * frames never interleave and order is kept. Anything else (another transport, a session still
 * flushing its own buffer, a closing socket) goes through sockjs as before.
 *
 * On that direct path frames are batched per tick (a turn of the event loop) as on the raw
 * WebSocket transport (tick-batch.ts): the first frame of a tick is written at once, later ones
 * (the broadcasts of a pipelined window, or of other sessions' SENDs read in the same turn) are
 * held and written together, corked into one writev. Once frames are held, every later frame of
 * the tick is held behind them, whatever path it takes, so the order is kept.
 */
export class SockJsConnection implements StompConnection, TickFlushable {
  readonly kind = 'sockjs' as const;
  readonly transportName: string;
  readonly remoteAddress: string | undefined;
  httpHeaders: Readonly<Record<string, string | string[] | undefined>>;
  private closing = false;
  /** The tick of this connection's last direct write (the global counter, not time). */
  private lastWriteTick = -1;
  /** Frames written after the first one this tick, not yet handed to the socket. */
  private held: OutboundFrame[] | undefined;
  private heldBytes = 0;

  constructor(private readonly conn: Connection) {
    this.transportName = conn.protocol;
    this.remoteAddress = conn.remoteAddress;
    this.httpHeaders = conn.headers;
  }

  forgetHandshake(): void {
    this.httpHeaders = NO_HEADERS;
  }

  bind(handlers: StompConnectionHandlers): void {
    this.conn.on('data', (message: string) => handlers.transportData(Buffer.from(message, 'utf8')));
    this.conn.on('close', () => handlers.transportClosed());
  }

  write(frame: OutboundFrame): void {
    if (this.closing) return;
    if (this.held !== undefined) {
      this.held.push(frame);
      this.heldBytes += frame.textFrame().length;
      return;
    }
    const socket = this.directSocket();
    if (!socket) {
      this.conn.write(frame.textFrame());
      return;
    }
    const tick = currentTick();
    if (this.lastWriteTick !== tick) {
      this.lastWriteTick = tick;
      socket.write(frame.sockjsWebsocketFrame());
      return;
    }
    this.held = [frame];
    this.heldBytes = frame.textFrame().length;
    holdUntilTickEnd(this);
  }

  /** @internal Hands the frames held this tick over, in order: corked on the socket, or through sockjs. */
  flush(): void {
    const held = this.held;
    if (held === undefined) return;
    this.held = undefined;
    this.heldBytes = 0;
    const socket = this.directSocket();
    if (!socket) {
      // the session left the direct path meanwhile (closing, or sockjs queued something): its own way
      for (const frame of held) this.conn.write(frame.textFrame());
      return;
    }
    socket.cork();
    for (const frame of held) socket.write(frame.sockjsWebsocketFrame());
    socket.uncork();
  }

  /** The websocket transport's TCP socket when a frame may be written to it directly, else undefined. */
  private directSocket(): Socket | undefined {
    if (this.transportName !== 'websocket') return undefined;
    const session = this.session();
    const recv = session?.recv;
    const socket = recv?.thingy;
    // `writable` is false once the socket is ended, errored or destroyed.
    // The frames are RFC 6455 ones: never for a draft (hixie-75/76) connection, which the server
    // refuses anyway (SockJsHttpPolicy.refuseUpgrade), should one get through.
    if (
      session?.readyState !== OPEN ||
      session.send_buffer?.length !== 0 ||
      recv?.ws?.readyState !== OPEN ||
      !recv.ws._driver?.version?.startsWith('hybi') ||
      !socket?.writable
    )
      return undefined;
    return socket;
  }

  private session(): SockJsSessionInternals['_session'] {
    return (this.conn as unknown as SockJsSessionInternals)._session;
  }

  private internals(): { pending: string[] | undefined; socket: Socket | undefined } {
    const session = this.session();
    return { pending: session?.send_buffer, socket: session?.recv?.thingy ?? undefined };
  }

  bufferedBytes(): number {
    const { pending, socket } = this.internals();
    let bytes = (socket?.writableLength ?? 0) + this.heldBytes;
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
    this.flush(); // frames written before the close (an ERROR, a RECEIPT) go out before the close frame
    // sockjs writes the code into its close frame as given; @types/sockjs types it as a string, but
    // clients expect a number (`c[4500,"Slow consumer"]`).
    const close = this.conn.close.bind(this.conn) as unknown as (code: number, reason: string) => boolean;
    close(code, clampReason(reason));
    // If the close frame cannot be flushed (stalled consumer), cut the underlying socket.
    setTimeout(() => this.internals().socket?.destroy(), graceMs).unref();
  }
}
