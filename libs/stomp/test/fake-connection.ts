import { StompDecoder, StompFrame } from '../src/frame';
import type { OutboundFrame } from '../src/transport/outbound-frame';
import type { StompConnection, StompConnectionHandlers } from '../src/transport/stomp-connection';

/** In-memory transport for session tests: records what the server writes and how it closed. */
export class FakeConnection implements StompConnection {
  readonly kind = 'websocket' as const;
  readonly transportName = 'fake';
  readonly remoteAddress = '127.0.0.1';
  httpHeaders: Record<string, string> = { 'user-agent': 'fake' };
  readonly frames: StompFrame[] = [];
  heartbeats = 0;
  closedWith: { code: number; reason: string } | undefined;
  buffered = 0;
  flushed = 0;
  /** Reading paused by the session (backpressure), and how often it paused. */
  paused = false;
  pauses = 0;
  private handlers: StompConnectionHandlers | undefined;
  private readonly decoder = new StompDecoder({
    maxFrameBytes: 1 << 24,
    maxHeaders: 1000,
    maxHeaderLineBytes: 1 << 20,
  });

  forgetHandshake(): void {
    this.httpHeaders = {};
  }

  bind(handlers: StompConnectionHandlers): void {
    this.handlers = handlers;
  }

  write(frame: OutboundFrame): void {
    if (frame.bytes.length === 1 && frame.bytes[0] === 0x0a) this.heartbeats++;
    this.frames.push(...this.decoder.push(frame.bytes));
  }

  pause(): void {
    this.paused = true;
    this.pauses++;
  }

  resume(): void {
    this.paused = false;
  }

  bufferedBytes(): number {
    return this.buffered;
  }

  bytesFlushed(): number {
    return this.flushed;
  }

  close(code: number, reason: string): void {
    this.closedWith ??= { code, reason };
  }

  /** Client side: send raw bytes. */
  receive(data: string | Buffer): void {
    this.handlers?.transportData(typeof data === 'string' ? Buffer.from(data) : data);
  }

  /** Client side: the transport went away. */
  drop(): void {
    this.handlers?.transportClosed();
  }

  commands(): string[] {
    return this.frames.map((f) => f.command);
  }

  last(command?: string): StompFrame | undefined {
    const list = command ? this.frames.filter((f) => f.command === command) : this.frames;
    return list[list.length - 1];
  }
}

/** Let queued promise chains (frame processing, async hooks) run. */
export async function settle(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}
