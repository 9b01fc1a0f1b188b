import { Principal } from '../common/principal';
import { InMemoryCounterStore } from '../common/rate-limit/counter-store';
import { RealtimePublisher } from '../common/realtime/realtime-publisher';
import { RoomsService } from '../rooms/rooms.service';
import { TYPING_INTERVAL_MS, TypingService } from './typing.service';

describe('TypingService', () => {
  const caller: Principal = { id: 3, username: 'carol', email: null, roles: ['ROLE_USER'], tokenVersion: 0 };
  let sent: { typing: boolean }[];
  let service: TypingService;

  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2026-11-21T12:00:00Z') });
    sent = [];
    const rooms = { assertCanTakePart: async () => undefined } as unknown as RoomsService;
    const realtime = {
      toTopic: (_destination: string, payload: { typing: boolean }) => sent.push(payload),
    } as unknown as RealtimePublisher;
    service = new TypingService(rooms, realtime, new InMemoryCounterStore());
  });
  afterEach(() => jest.useRealTimers());

  const flow = async (...steps: (boolean | number)[]): Promise<boolean[]> => {
    const out: boolean[] = [];
    for (const step of steps) {
      if (typeof step === 'number') jest.advanceTimersByTime(step);
      else out.push(await service.typing(caller, 7, step));
    }
    return out;
  };

  it('broadcasts "typing" at most once per interval and user/room', async () => {
    expect(await flow(true, true, 500, true, TYPING_INTERVAL_MS, true)).toEqual([true, false, false, true]);
    expect(sent.map((e) => e.typing)).toEqual([true, true]);
    expect(await service.typing({ ...caller, id: 4 }, 7, true)).toBe(true);
    expect(await service.typing(caller, 8, true)).toBe(true);
  });

  it('broadcasts "stopped" once after "typing", and "typing" again at once after a stop', async () => {
    expect(await flow(true, false, false, true, false, 30_000, false)).toEqual([
      true,
      true,
      false,
      true,
      true,
      false,
    ]);
  });
});
