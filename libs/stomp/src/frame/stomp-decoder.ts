import { unescapeHeader } from './escaping';
import { StompFrame, StompVersion, createHeaders, usesEscaping } from './stomp-frame';
import { StompFrameError } from './stomp-frame.error';

export interface StompDecoderLimits {
  /** Largest frame (command line to NUL terminator, in bytes). */
  maxFrameBytes: number;
  /** Most header lines in one frame. */
  maxHeaders: number;
  /** Longest header (or command) line in bytes. */
  maxHeaderLineBytes: number;
}

export const DEFAULT_DECODER_LIMITS: StompDecoderLimits = {
  maxFrameBytes: 64 * 1024,
  maxHeaders: 64,
  maxHeaderLineBytes: 8192,
};

const LF = 0x0a;
const CR = 0x0d;
const NUL = 0x00;
const COMMAND = /^[A-Z]+$/;

/**
 * Streaming STOMP decoder. Feed it transport chunks in order with {@link push}; it returns every frame
 * completed so far and keeps partial input in a growable byte buffer. Frames may be split across
 * chunks or packed several to a chunk; EOLs between frames (heart-beats) are skipped. All lengths are
 * byte lengths. Any malformed input throws a {@link StompFrameError}; after that the decoder must not
 * be used again (the connection is to be closed).
 */
const EMPTY = Buffer.alloc(0);

export class StompDecoder {
  /** Protocol version that decides header unescaping; set once CONNECT has been negotiated. */
  version: StompVersion = '1.2';

  private data: Buffer = EMPTY;
  /** Whether `data` is our own buffer (true) or a caller chunk we must not write into (false). */
  private owned = false;
  private start = 0;
  private end = 0;

  // Incremental parse state of the frame that begins at `start`.
  private scan = 0;
  private command: string | undefined;
  private headers = createHeaders();
  private headerCount = 0;
  private bodyStart = -1;
  private contentLength = -1;

  constructor(private readonly limits: StompDecoderLimits = DEFAULT_DECODER_LIMITS) {}

  /** Number of bytes received but not yet part of a complete frame. */
  get pendingBytes(): number {
    return this.end - this.start;
  }

  push(chunk: Buffer): StompFrame[] {
    this.append(chunk);
    const frames: StompFrame[] = [];
    for (;;) {
      const frame = this.next();
      if (!frame) break;
      frames.push(frame);
    }
    if (this.start === this.end) {
      this.start = this.end = this.scan = 0;
      // Keep no reference to the caller's chunk (or a grown buffer) while idle.
      this.data = EMPTY;
      this.owned = false;
    }
    return frames;
  }

  private append(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.start === this.end) {
      // Nothing pending: parse straight from the caller's chunk, no copy.
      this.data = chunk;
      this.owned = false;
      this.start = this.scan = 0;
      this.end = chunk.length;
      return;
    }
    const needed = this.end - this.start + chunk.length;
    if (!this.owned || this.data.length - this.start < needed) {
      if (this.owned && this.data.length >= needed) {
        this.data.copy(this.data, 0, this.start, this.end);
      } else {
        const next = Buffer.allocUnsafe(Math.max(needed * 2, 4096));
        this.data.copy(next, 0, this.start, this.end);
        this.data = next;
        this.owned = true;
      }
      this.shift(this.start);
    }
    chunk.copy(this.data, this.end);
    this.end += chunk.length;
  }

  /** Re-base parse offsets after the pending bytes moved to the front of a new buffer. */
  private shift(by: number): void {
    this.scan -= by;
    if (this.bodyStart >= 0) this.bodyStart -= by;
    this.end -= by;
    this.start = 0;
  }

  private next(): StompFrame | undefined {
    const data = this.data;
    if (this.command === undefined) {
      // Skip heart-beat EOLs before a frame.
      while (this.start < this.end && (data[this.start] === LF || data[this.start] === CR)) {
        if (data[this.start] === CR && this.start + 1 < this.end && data[this.start + 1] !== LF) {
          throw new StompFrameError('INVALID_COMMAND', 'Bare CR between frames');
        }
        if (data[this.start] === CR && this.start + 1 === this.end) break;
        this.start++;
      }
      if (this.scan < this.start) this.scan = this.start;
    }
    while (this.bodyStart < 0) {
      const line = this.readLine();
      if (line === undefined) return undefined;
      if (this.command === undefined) {
        if (!COMMAND.test(line)) throw new StompFrameError('INVALID_COMMAND', 'Invalid command line');
        this.command = line;
        continue;
      }
      if (line.length === 0) {
        this.bodyStart = this.scan;
        const length = this.headers['content-length'];
        if (length !== undefined) {
          if (!/^\d{1,10}$/.test(length))
            throw new StompFrameError('INVALID_CONTENT_LENGTH', 'Invalid content-length');
          this.contentLength = Number(length);
          if (this.bodyStart - this.start + this.contentLength + 1 > this.limits.maxFrameBytes) {
            throw new StompFrameError('FRAME_TOO_LARGE', `Frame exceeds ${this.limits.maxFrameBytes} bytes`);
          }
        }
        break;
      }
      this.addHeader(line);
    }
    return this.readBody();
  }

  /** Next complete line from `scan` (LF or CR LF), or undefined when more input is needed. */
  private readLine(): string | undefined {
    const data = this.data;
    const lineStart = this.scan;
    const searchEnd = Math.min(this.end, lineStart + this.limits.maxHeaderLineBytes + 2);
    const found = data.subarray(lineStart, searchEnd).indexOf(LF);
    const lf = found === -1 ? -1 : lineStart + found;
    if (lf === -1) {
      if (searchEnd - lineStart > this.limits.maxHeaderLineBytes + 1) {
        throw new StompFrameError(
          'HEADER_LINE_TOO_LONG',
          `Header line exceeds ${this.limits.maxHeaderLineBytes} bytes`,
        );
      }
      this.checkFrameSize(this.end);
      return undefined;
    }
    const lineEnd = lf > lineStart && data[lf - 1] === CR ? lf - 1 : lf;
    if (lineEnd - lineStart > this.limits.maxHeaderLineBytes) {
      throw new StompFrameError(
        'HEADER_LINE_TOO_LONG',
        `Header line exceeds ${this.limits.maxHeaderLineBytes} bytes`,
      );
    }
    this.checkFrameSize(lf + 1);
    this.scan = lf + 1;
    return data.toString('utf8', lineStart, lineEnd);
  }

  private addHeader(line: string): void {
    if (++this.headerCount > this.limits.maxHeaders) {
      throw new StompFrameError('TOO_MANY_HEADERS', `More than ${this.limits.maxHeaders} headers`);
    }
    const colon = line.indexOf(':');
    if (colon === -1) throw new StompFrameError('MALFORMED_HEADER', 'Header line without ":"');
    let name = line.slice(0, colon);
    let value = line.slice(colon + 1);
    const command = this.command as string;
    if (usesEscaping(command, this.version)) {
      const allowCr = this.version === '1.2';
      name = unescapeHeader(name, allowCr);
      value = unescapeHeader(value, allowCr);
    }
    if (!(name in this.headers)) this.headers[name] = value;
  }

  private readBody(): StompFrame | undefined {
    const data = this.data;
    let nul: number;
    if (this.contentLength >= 0) {
      nul = this.bodyStart + this.contentLength;
      if (nul >= this.end) return undefined;
      if (data[nul] !== NUL) {
        throw new StompFrameError(
          'MISSING_NULL_TERMINATOR',
          'Body is not followed by NUL after content-length bytes',
        );
      }
    } else {
      const from = Math.max(this.scan, this.bodyStart);
      nul = data.indexOf(NUL, from);
      if (nul === -1 || nul >= this.end) {
        this.scan = this.end;
        this.checkFrameSize(this.end);
        return undefined;
      }
    }
    this.checkFrameSize(nul + 1);
    const frame: StompFrame = {
      command: this.command as string,
      headers: this.headers,
      body: Buffer.from(data.subarray(this.bodyStart, nul)),
    };
    this.start = this.scan = nul + 1;
    this.command = undefined;
    this.headers = createHeaders();
    this.headerCount = 0;
    this.bodyStart = -1;
    this.contentLength = -1;
    return frame;
  }

  private checkFrameSize(upTo: number): void {
    if (upTo - this.start > this.limits.maxFrameBytes) {
      throw new StompFrameError('FRAME_TOO_LARGE', `Frame exceeds ${this.limits.maxFrameBytes} bytes`);
    }
  }
}
