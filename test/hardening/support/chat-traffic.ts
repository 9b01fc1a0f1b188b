import { IMessage } from '@stomp/stompjs';
import { createConnection } from 'mysql2/promise';
import { eventually } from '../../helpers/eventually';
import { StompTestClient } from '../../helpers/stomp-client';

/** How one SEND ended, as its sender saw it. */
export interface SendOutcome {
  receipt: string;
  content: string;
  clientMessageId: string;
  /** `receipt`: RECEIPT (persisted); `error`: an error on /user/queue/errors or an ERROR frame / close. */
  kind?: 'receipt' | 'error' | 'timeout';
  status?: number;
  message?: string;
  /** How many answers (RECEIPT or error) it got: exactly one is the promise. */
  answers: number;
  sentAt: number;
  /** When the first answer came (epoch ms; unset for a timeout). */
  answeredAt?: number;
}

let seq = 0;

/**
 * A chat client that sends with `receipt` and tracks, per send, whether it ended with a RECEIPT
 * or an error (on `/user/queue/errors`, correlated by `receipt-id`, or an ERROR frame / close
 * for everything still pending). Every wait is bounded.
 */
export class ReceiptedSender {
  readonly outcomes: SendOutcome[] = [];
  private readonly pending = new Map<string, { outcome: SendOutcome; done: () => void }>();

  private constructor(
    readonly client: StompTestClient,
    readonly name: string,
  ) {}

  static async connect(baseUrl: string, token: string, name: string): Promise<ReceiptedSender> {
    const client = await StompTestClient.connect(baseUrl, token);
    const sender = new ReceiptedSender(client, name);
    const subscribed = client.receipt(`${name}-errors`);
    client.client.subscribe('/user/queue/errors', (m) => sender.onError(m), { receipt: `${name}-errors` });
    await subscribed;
    const onStompError = client.client.onStompError;
    client.client.onStompError = (frame) => {
      onStompError(frame);
      sender.failAll(0, `ERROR ${frame.headers.message}`);
    };
    const onClose = client.client.onWebSocketClose;
    client.client.onWebSocketClose = (event) => {
      onClose(event);
      sender.failAll(0, `closed ${(event as { code?: number }).code}`);
    };
    return sender;
  }

  /**
   * Sends one chat message with a receipt and resolves with how it ended (never rejects). With
   * `retryOf`, the same content and clientMessageId again (an idempotent retry); `padding` is
   * appended to the content (to make messages big).
   */
  send(
    roomId: number,
    options: { timeoutMs?: number; retryOf?: SendOutcome; padding?: string } = {},
  ): Promise<SendOutcome> {
    const { timeoutMs = 20_000, retryOf, padding = '' } = options;
    const n = ++seq;
    const outcome: SendOutcome = {
      receipt: `${this.name}-r${n}`,
      content: retryOf?.content ?? `${this.name} #${n}${padding}`,
      clientMessageId: retryOf?.clientMessageId ?? `${this.name}-c${n}`,
      answers: 0,
      sentAt: Date.now(),
    };
    this.outcomes.push(outcome);
    return new Promise<SendOutcome>((resolve) => {
      const timer = setTimeout(() => {
        if (outcome.kind === undefined) outcome.kind = 'timeout';
        this.pending.delete(outcome.receipt);
        resolve(outcome);
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve(outcome);
      };
      this.pending.set(outcome.receipt, { outcome, done });
      // The socket can be gone before `closed` is set (a SIGKILLed server): stompjs then has no
      // connection to watch a receipt on and throws, so both are checked first.
      if (this.client.closed || !this.client.client.connected) {
        this.failAll(0, 'closed before send');
        return;
      }
      this.client.client.watchForReceipt(outcome.receipt, () => this.answer(outcome.receipt, 'receipt'));
      this.client.send(
        '/app/chat.sendMessage',
        { roomId, content: outcome.content, clientMessageId: outcome.clientMessageId },
        { receipt: outcome.receipt },
      );
    });
  }

  acknowledged(): SendOutcome[] {
    return this.outcomes.filter((o) => o.kind === 'receipt');
  }

  close(): Promise<void> {
    return this.client.close();
  }

  private onError(m: IMessage): void {
    const body = JSON.parse(m.body) as { status?: number; message?: string; receiptId?: string };
    const id = m.headers['receipt-id'] ?? body.receiptId;
    if (id) this.answer(id, 'error', body.status, body.message);
  }

  private answer(id: string, kind: 'receipt' | 'error', status?: number, message?: string): void {
    const entry = this.pending.get(id);
    const outcome = entry?.outcome ?? this.outcomes.find((o) => o.receipt === id);
    if (!outcome) return;
    outcome.answers++;
    if (outcome.kind === undefined) {
      outcome.answeredAt = Date.now();
      outcome.kind = kind;
      outcome.status = status;
      outcome.message = message;
    }
    this.pending.delete(id);
    entry?.done();
  }

  private failAll(status: number, message: string): void {
    for (const id of [...this.pending.keys()]) this.answer(id, 'error', status, message);
  }
}

/** Runs `body` repeatedly with a pause until `stop()` returns true. */
export async function loop(
  stop: () => boolean,
  pauseMs: number,
  body: () => Promise<unknown>,
): Promise<void> {
  while (!stop()) {
    await body();
    await sleep(pauseMs);
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls an async condition until it holds, bounded (the hardening suite's longer defaults). */
export const waitFor = (
  condition: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = 15_000,
  everyMs = 100,
): Promise<void> => eventually(condition, what, timeoutMs, everyMs);

/** GET /health/ready's status code (0 when the request itself fails). */
export async function readiness(baseUrl: string): Promise<{ status: number; body: unknown }> {
  try {
    const res = await fetch(`${baseUrl}/health/ready`, { signal: AbortSignal.timeout(10_000) });
    return { status: res.status, body: await res.json().catch(() => undefined) };
  } catch {
    return { status: 0, body: undefined };
  }
}

/** The stored messages of a room, read straight from MariaDB/MySQL (not through the app). */
export async function storedMessages(
  databaseUrl: string,
  roomId: number,
): Promise<{ id: number; content: string; clientMessageId: string | null }[]> {
  const url = new URL(databaseUrl);
  const connection = await createConnection({
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: url.pathname.slice(1),
  });
  try {
    const [rows] = await connection.query(
      'SELECT id, content, client_message_id AS clientMessageId FROM messages WHERE room_id = ? ORDER BY id',
      [roomId],
    );
    return rows as { id: number; content: string; clientMessageId: string | null }[];
  } finally {
    await connection.end();
  }
}

/** Median of a list (0 for none). */
export function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
