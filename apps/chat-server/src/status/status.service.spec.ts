import { Logger } from '@nestjs/common';
import { Repository } from 'typeorm';
import { Principal } from '../common/principal';
import { RealtimePublisher } from '../common/realtime/realtime-publisher';
import { ROLE_USER, User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { InMemoryPresenceStore } from './presence-store';
import { StatusService } from './status.service';
import { StatusValue, UserStatus } from './user-status.entity';

class RecordingPublisher extends RealtimePublisher {
  readonly events: { userId: number; status: string }[] = [];
  toTopic(destination: string, payload: { userId: number; status: string }): void {
    if (destination === '/topic/status') this.events.push({ userId: payload.userId, status: payload.status });
  }
  toUser(): void {}
  revokeSubscriptions(): void {}
  disconnectUser(): void {}
  recheckSubscriptions(): void {}
}

/** user_statuses as a map: only the calls StatusService makes. */
class FakeStatusRepository {
  readonly rows = new Map<number, UserStatus>();
  async findOne({ where: { userId } }: { where: { userId: number } }) {
    return this.rows.get(userId) ?? null;
  }
  async upsert(row: UserStatus) {
    this.rows.set(row.userId, { ...row });
  }
}

const ALICE = { id: 1, username: 'alice' } as User;
const principal = (id: number): Principal => ({
  id,
  username: 'u',
  email: null,
  roles: [ROLE_USER],
  tokenVersion: 0,
});

describe('StatusService presence rules', () => {
  let repo: FakeStatusRepository;
  let publisher: RecordingPublisher;
  let presence: InMemoryPresenceStore;
  let service: StatusService;
  const current = () => repo.rows.get(ALICE.id)?.status ?? 'offline';

  beforeEach(() => {
    repo = new FakeStatusRepository();
    publisher = new RecordingPublisher();
    presence = new InMemoryPresenceStore();
    const users = {
      findById: async (id: number) => (id === ALICE.id ? ALICE : null),
      getExisting: async (id: number) => {
        if (id !== ALICE.id) throw new Error('not found');
        return ALICE;
      },
      assertSelfOrAdmin: () => undefined,
    } as unknown as UsersService;
    service = new StatusService(
      repo as unknown as Repository<UserStatus>,
      {} as Repository<User>,
      users,
      presence,
      publisher,
    );
  });

  it('two sessions of one user: online at the first, still online when one closes, offline at the last', async () => {
    await service.sessionOpened(ALICE.id);
    await service.sessionOpened(ALICE.id);
    expect(current()).toBe('online');
    await service.sessionClosed(ALICE.id);
    expect(current()).toBe('online');
    expect(await presence.isConnected(ALICE.id)).toBe(true);
    await service.sessionClosed(ALICE.id);
    expect(current()).toBe('offline');
    expect(publisher.events).toEqual([
      { userId: ALICE.id, status: 'online' },
      { userId: ALICE.id, status: 'offline' },
    ]);
  });

  it('an open and a close reported at once settle on what the store says (no lost offline)', async () => {
    await service.sessionOpened(ALICE.id);
    await Promise.all([
      service.sessionClosed(ALICE.id),
      service.sessionOpened(ALICE.id),
      service.sessionClosed(ALICE.id),
    ]);
    expect(await presence.isConnected(ALICE.id)).toBe(false);
    expect(current()).toBe('offline');
  });

  it.each<StatusValue>(['playing', 'typing'])(
    'an explicit %s is kept by a new session and by chat.addUser while connected',
    async (chosen) => {
      await service.set(principal(ALICE.id), ALICE.id, chosen.toUpperCase());
      await service.sessionOpened(ALICE.id);
      expect(await service.markOnline(ALICE.id)).toBeNull();
      expect(current()).toBe(chosen);
      expect(publisher.events).toEqual([{ userId: ALICE.id, status: chosen }]);
      await service.sessionClosed(ALICE.id);
      expect(current()).toBe('offline');
    },
  );

  it('chat.addUser announces online after an explicit offline, once; nothing changed means no broadcast', async () => {
    await service.sessionOpened(ALICE.id);
    await service.set(principal(ALICE.id), ALICE.id, 'offline');
    expect(await service.markOnline(ALICE.id)).toMatchObject({
      userId: ALICE.id,
      username: 'alice',
      status: 'online',
    });
    expect(await service.markOnline(ALICE.id)).toBeNull();
    await service.set(principal(ALICE.id), ALICE.id, 'online');
    expect(publisher.events.map((e) => e.status)).toEqual(['online', 'offline', 'online']);
  });

  it('a close without a matching open changes nothing; an unknown user is ignored by automatic presence', async () => {
    await service.sessionClosed(ALICE.id);
    await service.sessionOpened(99);
    await service.sessionClosed(99);
    expect(publisher.events).toEqual([]);
  });

  it('automatic presence never rejects: a failing store is logged and the status is left as it was', async () => {
    const log = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    repo.upsert = async () => {
      throw new Error('database down');
    };
    await expect(service.sessionOpened(ALICE.id)).resolves.toBeUndefined();
    expect(log).toHaveBeenCalled();
    expect(publisher.events).toEqual([]);
    log.mockRestore();
  });

  it('a user whose sessions were reaped by the store (dead instance) goes offline unless it reconnected', async () => {
    let reaped: (ids: number[]) => void = () => undefined;
    presence.onUsersOffline = (handler) => (reaped = handler);
    service.onModuleInit();
    await service.sessionOpened(ALICE.id);
    await service.sessionOpened(ALICE.id);
    // Another instance's session is reaped while this one stays: still online.
    reaped([ALICE.id]);
    await service.sessionOpened(ALICE.id).then(() => service.sessionClosed(ALICE.id));
    expect(current()).toBe('online');
    // All its sessions vanished: offline.
    await presence.sessionClosed(ALICE.id);
    await presence.sessionClosed(ALICE.id);
    reaped([ALICE.id]);
    for (let i = 0; i < 100 && current() !== 'offline'; i++) await new Promise((r) => setImmediate(r));
    expect(current()).toBe('offline');
    expect(publisher.events.map((e) => e.status)).toEqual(['online', 'offline']);
  });
});

describe('InMemoryPresenceStore', () => {
  it('counts sessions per user and reports only the 0 -> 1 and 1 -> 0 transitions', async () => {
    const store = new InMemoryPresenceStore();
    expect(await store.sessionOpened(1)).toBe(true);
    expect(await store.sessionOpened(1)).toBe(false);
    expect(await store.sessionOpened(2)).toBe(true);
    expect([...(await store.connectedAmong([1, 2, 3]))]).toEqual([1, 2]);
    expect(await store.sessionClosed(1)).toBe(false);
    expect(await store.sessionClosed(1)).toBe(true);
    expect(await store.sessionClosed(1)).toBe(false);
    expect(await store.isConnected(1)).toBe(false);
    expect(await store.isConnected(2)).toBe(true);
  });
});
