import { DomainEventMap } from '../common/events/domain-events';
import { RealtimePublisher } from '../common/realtime/realtime-publisher';
import {
  PUSH_BACKOFF_FACTOR,
  ReadStateLive,
  RECEIPT_INTERVAL_MS,
  SEND_PUSH_DELAY_MS,
  SEND_PUSH_MAX_DELAY_MS,
} from './read-state-live';
import { ReadStateService } from './read-state.service';

describe('ReadStateLive', () => {
  let pushes: { to: string; userId?: number; payload: any }[];
  let live: ReadStateLive;
  let states: jest.Mock;

  beforeEach(() => {
    jest.useFakeTimers();
    pushes = [];
    const realtime = {
      toTopic: (to: string, payload: object) => pushes.push({ to, payload }),
      toUser: (userId: number, to: string, payload: object) => pushes.push({ to, userId, payload }),
    } as unknown as RealtimePublisher;
    states = jest.fn(async (pairs: { userId: number; roomId: number }[]) =>
      pairs.map((p) => ({ ...p, lastReadMessageId: 50, unreadCount: 0, mentionCount: 0 })),
    );
    live = new ReadStateLive(realtime, { states } as unknown as ReadStateService);
  });
  afterEach(() => {
    live.onModuleDestroy();
    jest.useRealTimers();
  });

  const moved = (lastReadMessageId: number): DomainEventMap['read.moved'] => ({
    userId: 7,
    roomId: 3,
    lastReadMessageId,
    unreadCount: 0,
    mentionCount: 0,
  });
  const receipts = () => pushes.filter((p) => p.to === '/topic/rooms/3/events').map((p) => p.payload);

  it('pushes every read to the user at once, and at most one READ receipt per interval, the latest winning', () => {
    live.onReadMoved(moved(10));
    live.onReadMoved(moved(11));
    live.onReadMoved(moved(12));
    expect(pushes.filter((p) => p.to === '/queue/read').map((p) => p.payload.lastReadMessageId)).toEqual([
      10, 11, 12,
    ]);
    expect(receipts()).toEqual([{ type: 'READ', roomId: 3, userId: 7, lastReadMessageId: 10 }]);
    jest.advanceTimersByTime(RECEIPT_INTERVAL_MS);
    expect(receipts().map((r) => r.lastReadMessageId)).toEqual([10, 12]);
    jest.advanceTimersByTime(RECEIPT_INTERVAL_MS * 5);
    expect(receipts()).toHaveLength(2);
    live.onReadMoved(moved(13));
    expect(receipts().map((r) => r.lastReadMessageId)).toEqual([10, 12, 13]);
  });

  it('a member who left gets no trailing receipt', () => {
    live.onReadMoved(moved(10));
    live.onReadMoved(moved(11));
    live.onMembershipRemoved({ roomId: 3, userId: 7, actorId: 7, roomType: 'PUBLIC' as never });
    jest.advanceTimersByTime(RECEIPT_INTERVAL_MS * 2);
    expect(receipts()).toHaveLength(1);
  });

  it('coalesces the marker pushes of sends: one recount for all senders after the delay', async () => {
    const created = (id: number, userId: number) =>
      ({
        message: { id, sender: { id: userId } },
        room: { id: 3, type: 'PUBLIC' },
      }) as unknown as DomainEventMap['message.created'];
    live.onMessageCreated(created(20, 7));
    live.onMessageCreated(created(21, 7));
    live.onMessageCreated(created(22, 8));
    expect(states).not.toHaveBeenCalled();
    jest.advanceTimersByTime(SEND_PUSH_DELAY_MS);
    await Promise.resolve();
    await Promise.resolve();
    expect(states).toHaveBeenCalledTimes(1);
    expect(states.mock.calls[0][0]).toEqual([
      { userId: 7, roomId: 3 },
      { userId: 8, roomId: 3 },
    ]);
    expect(pushes.filter((p) => p.to === '/queue/read').map((p) => p.userId)).toEqual([7, 8]);
  });

  describe('the recount duty cycle', () => {
    const created = (id: number, userId: number) =>
      ({
        message: { id, sender: { id: userId } },
        room: { id: 3, type: 'PUBLIC' },
      }) as unknown as DomainEventMap['message.created'];
    const flush = async () => {
      for (let i = 0; i < 5; i++) await Promise.resolve();
    };
    /** Each recount "takes" this long (fake time passes inside it). */
    const recountTakes = (ms: number) =>
      states.mockImplementation(async (pairs: { userId: number; roomId: number }[]) => {
        jest.advanceTimersByTime(ms);
        return pairs.map((p) => ({ ...p, lastReadMessageId: 50, unreadCount: 0, mentionCount: 0 }));
      });

    it('after a slow recount the next push waits ten times its duration, timed from its end', async () => {
      recountTakes(300);
      live.onMessageCreated(created(20, 7));
      jest.advanceTimersByTime(SEND_PUSH_DELAY_MS);
      await flush();
      expect(states).toHaveBeenCalledTimes(1);
      live.onMessageCreated(created(21, 7));
      jest.advanceTimersByTime(300 * PUSH_BACKOFF_FACTOR - 1);
      await flush();
      expect(states).toHaveBeenCalledTimes(1);
      jest.advanceTimersByTime(1);
      await flush();
      expect(states).toHaveBeenCalledTimes(2);
    });

    it('sends during a recount wait for its end; the delay never exceeds the maximum and comes back to 1 s', async () => {
      let finish!: () => void;
      states.mockImplementationOnce(async (pairs: { userId: number; roomId: number }[]) => {
        await new Promise<void>((resolve) => (finish = resolve));
        jest.advanceTimersByTime(5_000);
        return pairs.map((p) => ({ ...p, lastReadMessageId: 50, unreadCount: 0, mentionCount: 0 }));
      });
      live.onMessageCreated(created(20, 7));
      jest.advanceTimersByTime(SEND_PUSH_DELAY_MS);
      await flush();
      live.onMessageCreated(created(21, 8)); // during the recount
      jest.advanceTimersByTime(SEND_PUSH_DELAY_MS * 3);
      await flush();
      expect(states).toHaveBeenCalledTimes(1);
      finish();
      await flush();
      recountTakes(1);
      jest.advanceTimersByTime(SEND_PUSH_MAX_DELAY_MS - 1);
      await flush();
      expect(states).toHaveBeenCalledTimes(1);
      jest.advanceTimersByTime(1);
      await flush();
      expect(states).toHaveBeenCalledTimes(2);
      expect(states.mock.calls[1][0]).toEqual([{ userId: 8, roomId: 3 }]);
      live.onMessageCreated(created(22, 7));
      jest.advanceTimersByTime(SEND_PUSH_DELAY_MS);
      await flush();
      expect(states).toHaveBeenCalledTimes(3);
    });

    it('settle() runs the pending push at once and waits for it', async () => {
      live.onMessageCreated(created(20, 7));
      await live.settle();
      expect(states).toHaveBeenCalledTimes(1);
      expect(pushes.filter((p) => p.to === '/queue/read').map((p) => p.userId)).toEqual([7]);
    });
  });
});
