import { isUtf8 } from 'node:buffer';
// sockjs' own JSON quoting (JSON.stringify plus escapes of the code points some browsers mangle), so
// the bytes written directly are exactly what sockjs would have written.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { quote } = require('sockjs/lib/utils') as { quote: (text: string) => string };

const OPCODE_TEXT = 0x1;
const OPCODE_BINARY = 0x2;

/** Unmasked server-to-client WebSocket frame header (RFC 6455 §5.2) for a final data frame. */
function websocketHeader(length: number, opcode: number): Buffer {
  if (length < 126) return Buffer.from([0x80 | opcode, length]);
  if (length < 65536) {
    const header = Buffer.allocUnsafe(4);
    header[0] = 0x80 | opcode;
    header[1] = 126;
    header.writeUInt16BE(length, 2);
    return header;
  }
  const header = Buffer.allocUnsafe(10);
  header[0] = 0x80 | opcode;
  header[1] = 127;
  header.writeBigUInt64BE(BigInt(length), 2);
  return header;
}

/**
 * Encoded STOMP frame ready to be written to any number of connections. Each transport encoding
 * (WebSocket frame, SockJS string) is computed at most once and then shared, so a broadcast pays
 * for encoding once per distinct frame, never per subscriber.
 */
export class OutboundFrame {
  private websocket: Buffer | undefined;
  private text: string | undefined;
  private sockjsWebsocket: Buffer | undefined;

  constructor(readonly bytes: Buffer) {}

  /** WebSocket frame (header + STOMP bytes in one buffer); text opcode unless the body is not UTF-8. */
  websocketFrame(): Buffer {
    if (!this.websocket) {
      const opcode = isUtf8(this.bytes) ? OPCODE_TEXT : OPCODE_BINARY;
      this.websocket = Buffer.concat([websocketHeader(this.bytes.length, opcode), this.bytes]);
    }
    return this.websocket;
  }

  /** The frame as a string for string-only transports (SockJS). */
  textFrame(): string {
    this.text ??= this.bytes.toString('utf8');
    return this.text;
  }

  /**
   * The WebSocket frame sockjs would write for this STOMP frame on its websocket transport: a text
   * frame holding the SockJS message array `a["<quoted frame>"]`.
   */
  sockjsWebsocketFrame(): Buffer {
    if (!this.sockjsWebsocket) {
      const payload = Buffer.from(`a[${quote(this.textFrame())}]`, 'utf8');
      this.sockjsWebsocket = Buffer.concat([websocketHeader(payload.length, OPCODE_TEXT), payload]);
    }
    return this.sockjsWebsocket;
  }
}

/** An EOL heart-beat. */
export const HEARTBEAT_FRAME = new OutboundFrame(Buffer.from('\n'));
