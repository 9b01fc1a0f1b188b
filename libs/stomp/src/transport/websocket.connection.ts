import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import type { AddressLimiter } from './address-limiter';
import type { OutboundFrame } from './outbound-frame';
import { NO_HEADERS, StompConnection, StompConnectionHandlers, clampReason } from './stomp-connection';
import { TickFlushable, currentTick, holdUntilTickEnd } from './tick-batch';

/**
 * Raw WebSocket transport. Outbound frames are pre-framed once ({@link OutboundFrame.websocketFrame})
 * and written straight to the TCP socket, so a broadcast writes the same Buffer to every subscriber.
 * This is safe because the server never compresses (no permessage-deflate) and ws itself writes
 * synchronously, so frames never interleave.
 *
 * The first frame a connection gets in a tick is written at once with a plain socket.write, as a
 * bare `ws` broadcast does (a fan-out to 1000 subscribers is then one tight loop of writes; holding
 * every frame to the end of the tick cost ~0.5 µs per delivery in the F1 profile). Further frames in
 * the same tick (a RECEIPT and several MESSAGEs after a batched INSERT, say) are held and handed to
 * the socket together, corked into one writev, by one setImmediate for all connections at the end
 * of the event-loop turn (tick-batch.ts, shared with the SockJS websocket transport).
 */
export class WebSocketConnection implements StompConnection, TickFlushable {
  readonly kind = 'websocket' as const;
  readonly transportName = 'websocket';
  readonly remoteAddress: string | undefined;
  httpHeaders: IncomingMessage['headers'];
  private closing = false;
  /** The tick of this connection's last direct write (the global counter, not time). */
  private lastWriteTick = -1;
  /** Frames written after the first one this tick, not yet handed to the socket. */
  private held: Buffer[] | undefined;
  private heldBytes = 0;

  constructor(
    private readonly ws: WebSocket,
    private readonly socket: Socket,
    request: IncomingMessage,
    /** Given back the connection's address slot when the WebSocket closes (no extra listener). */
    private readonly addresses?: AddressLimiter,
  ) {
    this.remoteAddress = request.socket.remoteAddress;
    this.httpHeaders = request.headers;
    socket.setNoDelay(true);
  }

  forgetHandshake(): void {
    this.httpHeaders = NO_HEADERS;
  }

  bind(handlers: StompConnectionHandlers): void {
    this.ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
      if (Buffer.isBuffer(data)) handlers.transportData(data);
      else if (Array.isArray(data)) handlers.transportData(Buffer.concat(data));
      else handlers.transportData(Buffer.from(data));
    });
    this.ws.on('close', () => {
      this.addresses?.release(this.remoteAddress);
      handlers.transportClosed();
    });
    this.ws.on('error', () => this.ws.terminate());
  }

  write(frame: OutboundFrame): void {
    // No `socket.destroyed` check here (a Duplex getter, ~2 % of F1): a write to a socket destroyed
    // before ws has noticed is dropped by the stream with an error it swallows, and ws emits 'close'.
    if (this.closing || this.ws.readyState !== WebSocket.OPEN) return;
    const bytes = frame.websocketFrame();
    const tick = currentTick();
    if (this.lastWriteTick !== tick) {
      this.lastWriteTick = tick;
      this.socket.write(bytes);
      return;
    }
    if (this.held === undefined) {
      this.held = [bytes];
      holdUntilTickEnd(this);
    } else {
      this.held.push(bytes);
    }
    this.heldBytes += bytes.length;
  }

  /** @internal Hands the frames held this tick to the socket, in order, corked into one writev. */
  flush(): void {
    const held = this.held;
    if (held === undefined) return;
    this.held = undefined;
    this.heldBytes = 0;
    // Not after a close frame (ours is written after this flush; a client's close is answered at once).
    if (this.socket.destroyed || this.ws.readyState !== WebSocket.OPEN) return;
    if (held.length === 1) {
      this.socket.write(held[0]);
      return;
    }
    this.socket.cork();
    for (const bytes of held) this.socket.write(bytes);
    this.socket.uncork();
  }

  pause(): void {
    this.ws.pause();
  }

  resume(): void {
    this.ws.resume();
  }

  bufferedBytes(): number {
    return this.socket.writableLength + this.heldBytes;
  }

  bytesFlushed(): number {
    return this.socket.bytesWritten - this.socket.writableLength;
  }

  close(code: number, reason: string, graceMs: number): void {
    if (this.closing) return;
    this.closing = true;
    this.flush(); // frames written before the close (an ERROR, a RECEIPT) go out before the close frame
    if (this.ws.readyState === WebSocket.OPEN) {
      this.ws.close(code, clampReason(reason));
      setTimeout(() => this.ws.terminate(), graceMs).unref();
    } else {
      this.ws.terminate();
    }
  }
}
