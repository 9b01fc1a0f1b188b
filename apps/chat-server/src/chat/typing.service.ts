import { Injectable } from '@nestjs/common';
import { Principal } from '../common/principal';
import { CounterStore } from '../common/rate-limit/counter-store';
import { RoomTopic, TypingEventPayload } from '../common/realtime/destinations';
import { RealtimePublisher } from '../common/realtime/realtime-publisher';
import { RoomsService } from '../rooms/rooms.service';

/** At most one "is typing" broadcast per user and room in this interval; "stopped" always passes once. */
export const TYPING_INTERVAL_MS = 1000;
/** A "stopped" is not repeated within this time (nor forgotten before it). */
const STOPPED_MEMORY_MS = 60_000;

/**
 * Typing indicators: members only, throttled per user and room so a client cannot flood a room.
 * The throttle counts in the CounterStore (Redis when configured), so a client spreading its
 * indicators over several instances is throttled as one. "Typing" opens a window of
 * TYPING_INTERVAL_MS: the first of the window is broadcast; "stopped" is broadcast once after
 * each "typing" (it closes the typing window, so typing again is announced at once).
 */
@Injectable()
export class TypingService {
  constructor(
    private readonly rooms: RoomsService,
    private readonly realtime: RealtimePublisher,
    private readonly counters: CounterStore,
  ) {}

  /** Returns whether the indicator was broadcast (false when throttled or unchanged). */
  async typing(caller: Principal, roomId: number, typing: boolean): Promise<boolean> {
    await this.rooms.assertCanTakePart(caller, roomId);
    const on = `typing:on:${caller.id}:${roomId}`;
    const off = `typing:off:${caller.id}:${roomId}`;
    const window = await this.counters.increment(
      typing ? on : off,
      typing ? TYPING_INTERVAL_MS : STOPPED_MEMORY_MS,
    );
    if (window.count !== 1) return false;
    await this.counters.reset(typing ? off : on);
    const event: TypingEventPayload = { roomId, userId: caller.id, username: caller.username, typing };
    this.realtime.toTopic(RoomTopic.typing(roomId), event);
    return true;
  }
}
