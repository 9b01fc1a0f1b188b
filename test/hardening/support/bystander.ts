import { createRoom } from '../../factories/rooms';
import { createUser } from '../../factories/users';
import { TestApp } from '../../helpers/test-app';
import { ReceiptedSender, sleep } from './chat-traffic';

/** What a bystander saw while an attack ran: its sends, and how long each took to be acknowledged. */
export interface BystanderFigures {
  sent: number;
  acknowledged: number;
  p50Ms: number;
  p99Ms: number;
}

const percentile = (sorted: number[], p: number): number =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];

/**
 * An ordinary user chatting in a room of its own while an attack runs: one send with a receipt
 * every `everyMs`, one at a time. Its figures say whether the server kept serving others (every send
 * acknowledged) and how long acknowledgements took meanwhile (recorded, never asserted).
 */
export class Bystander {
  private running = true;
  private readonly loop: Promise<void>;

  private constructor(
    private readonly sender: ReceiptedSender,
    roomId: number,
    everyMs: number,
  ) {
    this.loop = (async () => {
      while (this.running) {
        await sender.send(roomId, { timeoutMs: 20_000 });
        await sleep(everyMs);
      }
    })();
  }

  /** A new user with a room of its own on `server` (an in-process app or a server process), chatting. */
  static async start(server: { url: string }, everyMs = 100): Promise<Bystander> {
    // The factories only use the server's address.
    const t = server as TestApp;
    const user = await createUser(t);
    const room = await createRoom(t, user);
    const sender = await ReceiptedSender.connect(server.url, user.token, `bystander-${user.id}`);
    return new Bystander(sender, room.id, everyMs);
  }

  async stop(): Promise<BystanderFigures> {
    this.running = false;
    await this.loop;
    await this.sender.close();
    const outcomes = this.sender.outcomes;
    const latencies = outcomes
      .filter((o) => o.kind === 'receipt' && o.answeredAt !== undefined)
      .map((o) => o.answeredAt! - o.sentAt)
      .sort((a, b) => a - b);
    return {
      sent: outcomes.length,
      acknowledged: this.sender.acknowledged().length,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
    };
  }
}
