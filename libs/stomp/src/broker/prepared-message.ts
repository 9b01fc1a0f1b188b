import { encodeHeaderLine } from '../frame/stomp-encoder';
import type { StompVersion } from '../frame/stomp-frame';
import { OutboundFrame } from '../transport/outbound-frame';

const NUL = Buffer.from([0]);
const RESERVED = new Set(['destination', 'subscription', 'message-id', 'ack', 'content-length']);
const VERSION_INDEX: Record<StompVersion, number> = { '1.0': 0, '1.1': 1, '1.2': 2 };

/**
 * One message about to be delivered to many subscriptions. The header block is encoded once per
 * protocol version; a complete frame is built once per (version, ack mode, subscription id) and the
 * same bytes are written to every session that used that subscription id. The body is never copied
 * per subscriber.
 */
export class PreparedMessage {
  private readonly heads: (string | undefined)[] = [undefined, undefined, undefined];
  private readonly frames: (Map<string, OutboundFrame> | undefined)[] = [];

  constructor(
    readonly destination: string,
    readonly messageId: string,
    private readonly headers: Readonly<Record<string, string>>,
    readonly body: Buffer,
  ) {}

  /** The MESSAGE frame for subscription `subscriptionId` (`needsAck`: a client ack mode) in `version`. */
  frameFor(subscriptionId: string, needsAck: boolean, version: StompVersion): OutboundFrame {
    const versionIndex = VERSION_INDEX[version];
    const slot = versionIndex * 2 + (needsAck ? 1 : 0);
    let bySubscription = this.frames[slot];
    if (!bySubscription) {
      bySubscription = new Map();
      this.frames[slot] = bySubscription;
    }
    let frame = bySubscription.get(subscriptionId);
    if (!frame) {
      frame = this.build(subscriptionId, version, versionIndex, needsAck);
      bySubscription.set(subscriptionId, frame);
    }
    return frame;
  }

  /** The `ack` header value (STOMP 1.2) that identifies this message on `subscriptionId`. */
  static ackId(messageId: string, subscriptionId: string): string {
    return `${messageId}@${subscriptionId}`;
  }

  private head(version: StompVersion, versionIndex: number): string {
    let head = this.heads[versionIndex];
    if (head === undefined) {
      head = 'MESSAGE\n';
      head += encodeHeaderLine('destination', this.destination, 'MESSAGE', version);
      head += encodeHeaderLine('message-id', this.messageId, 'MESSAGE', version);
      for (const name of Object.keys(this.headers)) {
        if (!RESERVED.has(name)) head += encodeHeaderLine(name, this.headers[name], 'MESSAGE', version);
      }
      head += `content-length:${this.body.length}\n`;
      this.heads[versionIndex] = head;
    }
    return head;
  }

  private build(
    subscriptionId: string,
    version: StompVersion,
    versionIndex: number,
    needsAck: boolean,
  ): OutboundFrame {
    let head = this.head(version, versionIndex);
    head += encodeHeaderLine('subscription', subscriptionId, 'MESSAGE', version);
    if (needsAck && version === '1.2') {
      head += encodeHeaderLine(
        'ack',
        PreparedMessage.ackId(this.messageId, subscriptionId),
        'MESSAGE',
        version,
      );
    }
    head += '\n';
    return new OutboundFrame(Buffer.concat([Buffer.from(head), this.body, NUL]));
  }
}
