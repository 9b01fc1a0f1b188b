import { Injectable } from '@nestjs/common';
import { Principal } from '../common/principal';
import { RoomTopic, TypingEventPayload } from '../common/realtime/destinations';
import { RealtimePublisher } from '../common/realtime/realtime-publisher';
import { RoomsService } from '../rooms/rooms.service';

/** At most one "is typing" broadcast per user and room in this interval; "stopped" always passes once. */
export const TYPING_INTERVAL_MS = 1000;
const FORGET_AFTER_MS = 60_000;

/** Typing indicators: members only, throttled per user and room so a client cannot flood a room. */
@Injectable()
export class TypingService {
  private readonly last = new Map<string, { at: number; typing: boolean }>();
  private lastSweep = Date.now();

  constructor(
    private readonly rooms: RoomsService,
    private readonly realtime: RealtimePublisher,
  ) {}

  /** Returns whether the indicator was broadcast (false when throttled or unchanged). */
  async typing(caller: Principal, roomId: number, typing: boolean, now = Date.now()): Promise<boolean> {
    await this.rooms.assertCanTakePart(caller, roomId);
    const key = `${caller.id}:${roomId}`;
    const previous = this.last.get(key);
    if (previous && previous.typing === typing && (!typing || now - previous.at < TYPING_INTERVAL_MS))
      return false;
    this.last.set(key, { at: now, typing });
    this.sweep(now);
    const event: TypingEventPayload = { roomId, userId: caller.id, username: caller.username, typing };
    this.realtime.toTopic(RoomTopic.typing(roomId), event);
    return true;
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < FORGET_AFTER_MS) return;
    this.lastSweep = now;
    for (const [key, entry] of this.last) if (now - entry.at > FORGET_AFTER_MS) this.last.delete(key);
  }
}
