import { escapeHeader } from './escaping';
import { StompVersion, usesEscaping } from './stomp-frame';

export interface OutgoingFrame {
  command: string;
  headers?: Record<string, string | number | undefined>;
  body?: Buffer | string;
}

const NUL = Buffer.from([0]);
const EMPTY = Buffer.alloc(0);
const LINE_BREAK = /[\r\n]/g;

/** Encode one header line (name:value\n) the way `command` needs it under `version`. */
export function encodeHeaderLine(
  name: string,
  value: string,
  command: string,
  version: StompVersion,
): string {
  if (usesEscaping(command, version)) {
    const escapeCr = version === '1.2';
    return `${escapeHeader(name, escapeCr)}:${escapeHeader(value, escapeCr)}\n`;
  }
  // STOMP 1.0 and CONNECT/CONNECTED have no escaping: a line break would end the header early.
  return `${name.replace(LINE_BREAK, ' ')}:${value.replace(LINE_BREAK, ' ')}\n`;
}

/**
 * Encode a frame. A `content-length` header (byte length of the body) is added when the body is not
 * empty and the caller did not set one, so bodies may contain NUL bytes.
 */
export function encodeFrame(frame: OutgoingFrame, version: StompVersion): Buffer {
  const body =
    frame.body === undefined ? EMPTY : typeof frame.body === 'string' ? Buffer.from(frame.body) : frame.body;
  let head = `${frame.command}\n`;
  let hasLength = false;
  if (frame.headers) {
    for (const name of Object.keys(frame.headers)) {
      const value = frame.headers[name];
      if (value === undefined) continue;
      if (name === 'content-length') hasLength = true;
      head += encodeHeaderLine(name, String(value), frame.command, version);
    }
  }
  if (!hasLength && body.length > 0) head += `content-length:${body.length}\n`;
  head += '\n';
  return Buffer.concat([Buffer.from(head), body, NUL]);
}
