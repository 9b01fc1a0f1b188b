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
 */
function uncork(connection: WebSocketConnection): void {
  connection.flush();
}

export class WebSocketConnection implements StompConnection {
  readonly kind = 'websocket' as const;
  readonly transportName = 'websocket';
  readonly remoteAddress: string | undefined;
  readonly httpHeaders: IncomingMessage['headers'];
  private closing = false;
  private corked = false;

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
    if (!this.corked) {
      // Coalesce every frame written to this socket during the current tick into one writev.
      this.corked = true;
      this.socket.cork();
      process.nextTick(uncork, this);
    }
    this.socket.write(frame.websocketFrame());
  }

  /** @internal */
  flush(): void {
    this.corked = false;
    this.socket.uncork();
  }

  bufferedBytes(): number {
    return this.socket.writableLength;
  }

  bytesFlushed(): number {
    return this.socket.bytesWritten - this.socket.writableLength;
  }

  close(code: number, reason: string, graceMs: number): void {
    if (this.closing) return;
    this.closing = true;
    if (this.ws.readyState === WebSocket.OPEN) {
      this.ws.close(code, clampReason(reason));
      setTimeout(() => this.ws.terminate(), graceMs).unref();
    } else {
      this.ws.terminate();
    }
  }
}
