import { StompFrameError } from './stomp-frame.error';

const NEEDS_ESCAPE = /[\\\r\n:]/;
const ESCAPE_ALL = /[\\\r\n:]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\r': '\\r', '\n': '\\n', ':': '\\c' };

export function escapeHeader(value: string, escapeCr: boolean): string {
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(ESCAPE_ALL, (c) => (c === '\r' && !escapeCr ? '\r' : ESCAPES[c]));
}

/**
 * Undo STOMP header escaping. STOMP 1.1 defines \n \c \\ and 1.2 adds \r; any other escape is a
 * fatal protocol error in both.
 */
export function unescapeHeader(value: string, allowCr: boolean): string {
  if (value.indexOf('\\') === -1) return value;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = value[++i];
    if (next === 'n') out += '\n';
    else if (next === 'c') out += ':';
    else if (next === '\\') out += '\\';
    else if (next === 'r' && allowCr) out += '\r';
    else throw new StompFrameError('INVALID_ESCAPE', `Undefined escape sequence \\${next ?? ''} in header`);
  }
  return out;
}
