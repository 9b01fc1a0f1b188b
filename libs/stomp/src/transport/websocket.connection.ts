import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import type { OutboundFrame } from './outbound-frame';
import { StompConnection, StompConnectionHandlers, clampReason } from './stomp-connection';

/**
 * Raw WebSocket transport. Outbound frames are pre-framed once ({@link OutboundFrame.websocketFrame})
 * and written straight to the TCP socket, so a broadcast writes the same Buffer to every subscriber.
 * This is safe because the server never compresses (no permessage-deflate) and ws itself writes
 * synchronously, so frames never interleave.
 *
 * Frames written during one tick are held per connection and flushed together at the end of the
 * tick (one process.nextTick for all connections, not one per connection): a connection with a
 * single frame gets one plain socket.write (no cork/uncork, no Writable buffering — the bench
 * profile of a 1000-subscriber broadcast showed those at ~15 % of the server's CPU), one with
 * several gets them corked into one writev.
 */
let dirty: WebSocketConnection[] = [];

function flushDirty(): void {
  const list = dirty;
  dirty = [];
  for (const connection of list) connection.flush();
}

export class WebSocketConnection implements StompConnection {
  readonly kind = 'websocket' as const;
  readonly transportName = 'websocket';
  readonly remoteAddress: string | undefined;
  readonly httpHeaders: IncomingMessage['headers'];
  private closing = false;
  /** Frames written this tick and not yet handed to the socket. */
  private held: Buffer | Buffer[] | undefined;
  private heldBytes = 0;

  constructor(
    private readonly ws: WebSocket,
    private readonly socket: Socket,
    request: IncomingMessage,
  ) {
    this.remoteAddress = request.socket.remoteAddress;
    this.httpHeaders = request.headers;
    socket.setNoDelay(true);
  }

  bind(handlers: StompConnectionHandlers): void {
    this.ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
      if (Buffer.isBuffer(data)) handlers.data(data);
      else if (Array.isArray(data)) handlers.data(Buffer.concat(data));
      else handlers.data(Buffer.from(data));
    });
    this.ws.on('close', () => handlers.close());
    this.ws.on('error', () => this.ws.terminate());
  }

  write(frame: OutboundFrame): void {
    if (this.closing || this.ws.readyState !== WebSocket.OPEN) return;
    const bytes = frame.websocketFrame();
    if (this.held === undefined) {
      this.held = bytes;
      if (dirty.push(this) === 1) process.nextTick(flushDirty);
    } else if (Array.isArray(this.held)) {
      this.held.push(bytes);
    } else {
      this.held = [this.held, bytes];
    }
    this.heldBytes += bytes.length;
  }

  /** @internal Hands the frames held this tick to the socket, in order. */
  flush(): void {
    const held = this.held;
    if (held === undefined) return;
    this.held = undefined;
    this.heldBytes = 0;
    // Not after a close frame (ours is written after this flush; a client's close is answered at once).
    if (this.socket.destroyed || this.ws.readyState !== WebSocket.OPEN) return;
    if (!Array.isArray(held)) {
      this.socket.write(held);
      return;
    }
    this.socket.cork();
    for (const bytes of held) this.socket.write(bytes);
    this.socket.uncork();
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
