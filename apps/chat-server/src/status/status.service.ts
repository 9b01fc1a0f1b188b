import { BadRequestException, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { Principal } from '../common/principal';
import { Topic } from '../common/realtime/destinations';
import { RealtimePublisher } from '../common/realtime/realtime-publisher';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { STATUS_MESSAGE, StatusDto, StatusEventDto, toStatusValue } from './dto/status.dto';
import { PresenceStore } from './presence-store';
import { StatusValue, UserStatus } from './user-status.entity';

export const MAX_BULK_STATUS_IDS = 200;

/** Chosen activities that survive a new session and `/app/chat.addUser` while the user stays connected. */
const KEPT_WHILE_CONNECTED: ReadonlySet<StatusValue> = new Set<StatusValue>(['typing', 'playing']);

/**
 * Users' statuses. The `user_statuses` row is the current status, written by explicit changes
 * (PUT /api/status) and by automatic presence (first live session -> online, last one closed ->
 * offline), so every instance reads the same value. A user without a row is offline. Every change
 * is broadcast on `/topic/status`; a request that changes nothing broadcasts nothing.
 */
@Injectable()
export class StatusService implements OnModuleInit {
  private readonly logger = new Logger(StatusService.name);
  /** Per-user chain: the changes of one user apply in the order they were asked for. */
  private readonly queues = new Map<number, Promise<unknown>>();

  constructor(
    @InjectRepository(UserStatus) private readonly statuses: Repository<UserStatus>,
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly usersService: UsersService,
    private readonly presence: PresenceStore,
    private readonly publisher: RealtimePublisher,
  ) {}

  onModuleInit(): void {
    this.presence.onUsersOffline((userIds) => {
      for (const userId of userIds) void this.lostLastSession(userId);
    });
  }

  /** Explicit status: oneself, or anyone for an admin (403 else, even for an unknown id); 404 unknown user. */
  async set(caller: Principal, userId: number, status: string): Promise<StatusDto> {
    const value = toStatusValue(status);
    if (!value) throw new BadRequestException(STATUS_MESSAGE);
    this.usersService.assertSelfOrAdmin(caller, userId);
    const user = await this.usersService.getExisting(userId);
    return this.serial(userId, async () => {
      const { view } = await this.apply(user, () => value);
      return view;
    });
  }

  /** 404 for an unknown user; offline (updatedAt null) for one that never had a status. */
  async get(userId: number): Promise<StatusDto> {
    await this.usersService.getExisting(userId);
    const row = await this.statuses.findOne({ where: { userId } });
    return toStatusDto(userId, row);
  }

  /**
   * Statuses of `userIds`, in the order asked (duplicates collapsed): one answer per id, and an id
   * nobody holds answers like a user that never had a status (`offline`, `updatedAt: null`), so the
   * bulk read does not tell which ids exist (docs/API-DECISIONS.md, "Status"). One query.
   */
  async getMany(userIds: readonly number[]): Promise<StatusDto[]> {
    const ids = [...new Set(userIds)];
    if (!ids.length) return [];
    if (ids.length > MAX_BULK_STATUS_IDS)
      throw new BadRequestException(`userIds must hold at most ${MAX_BULK_STATUS_IDS} ids`);
    const rows = await this.statuses.find({ where: { userId: In(ids) } });
    const byUser = new Map(rows.map((r) => [r.userId, r]));
    return ids.map((id) => toStatusDto(id, byUser.get(id) ?? null));
  }

  /**
   * A live session opened. The user's first one makes it `online`, unless it chose `typing` or
   * `playing`, which it keeps. Never rejects: a failure is logged and the session is not affected.
   */
  async sessionOpened(userId: number): Promise<void> {
    await this.unfailing(userId, 'sessionOpened', async () => {
      if (!(await this.presence.sessionOpened(userId))) return null;
      return this.serial(userId, async () => {
        // Closed again before this ran: the close (queued after us) settles the status.
        if (!(await this.presence.isConnected(userId))) return null;
        return this.applyAutomatic(userId, (current) =>
          current && KEPT_WHILE_CONNECTED.has(current) ? null : 'online',
        );
      });
    });
  }

  /**
   * A live session closed; the user's last one makes it `offline`. Never rejects (called from
   * connection teardown): a failure is logged.
   */
  async sessionClosed(userId: number): Promise<void> {
    await this.unfailing(userId, 'sessionClosed', async () =>
      (await this.presence.sessionClosed(userId)) ? this.settleOffline(userId) : null,
    );
  }

  /** The store saw the user's last session vanish (its instance died): offline, unless it reconnected. */
  private async lostLastSession(userId: number): Promise<void> {
    await this.unfailing(userId, 'lostLastSession', () => this.settleOffline(userId));
  }

  private settleOffline(userId: number): Promise<StatusEventDto | null> {
    return this.serial(userId, async () => {
      // Reconnected before this ran: the open (queued after us) settles the status.
      if (await this.presence.isConnected(userId)) return null;
      return this.applyAutomatic(userId, () => 'offline');
    });
  }

  /**
   * `/app/chat.addUser`: the user announces itself. Online unless it chose another status than
   * offline (an explicit `playing` stays). Returns the new status when it changed, else null.
   */
  async markOnline(userId: number): Promise<StatusEventDto | null> {
    return this.serial(userId, () =>
      this.applyAutomatic(userId, (current) => (current && current !== 'offline' ? null : 'online')),
    );
  }

  /** Presence changes never fail the session that caused them: a user deleted meanwhile is ignored. */
  private async applyAutomatic(
    userId: number,
    decide: (current: StatusValue | null) => StatusValue | null,
  ): Promise<StatusEventDto | null> {
    const user = await this.usersService.findById(userId);
    if (!user) return null;
    return (await this.apply(user, decide)).event;
  }

  /** Writes and broadcasts the status `decide` picks from the current one, when it differs. */
  private async apply(
    user: User,
    decide: (current: StatusValue | null) => StatusValue | null,
  ): Promise<{ view: StatusDto; event: StatusEventDto | null }> {
    const row = await this.statuses.findOne({ where: { userId: user.id } });
    const next = decide(row?.status ?? null);
    if (!next || next === (row?.status ?? 'offline')) return { view: toStatusDto(user.id, row), event: null };
    const updatedAt = new Date();
    try {
      await this.statuses.upsert({ userId: user.id, status: next, updatedAt }, ['userId']);
    } catch (err) {
      // The user was deleted meanwhile (foreign key): the same answer as the check before.
      await this.usersService.getExisting(user.id);
      throw err;
    }
    const event: StatusEventDto = {
      userId: user.id,
      username: user.username,
      status: next,
      updatedAt: updatedAt.toISOString(),
    };
    this.broadcast(event);
    return { view: { userId: user.id, status: next, updatedAt: event.updatedAt }, event };
  }

  /** The change is stored: a failing live delivery is logged, never reported to the caller. */
  private broadcast(event: StatusEventDto): void {
    try {
      this.publisher.toTopic(Topic.status, event);
    } catch (err) {
      this.logger.error({ err, userId: event.userId }, 'Status broadcast failed');
    }
  }

  private async unfailing(
    userId: number,
    what: string,
    work: () => Promise<StatusEventDto | null>,
  ): Promise<StatusEventDto | null> {
    try {
      return await work();
    } catch (err) {
      this.logger.error({ err, userId }, `Automatic presence (${what}) failed`);
      return null;
    }
  }

  private serial<T>(userId: number, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(userId) ?? Promise.resolve();
    const run = previous.then(work, work);
    const settled = run.catch(() => undefined);
    this.queues.set(userId, settled);
    void settled.then(() => {
      if (this.queues.get(userId) === settled) this.queues.delete(userId);
    });
    return run;
  }
}

function toStatusDto(userId: number, row: UserStatus | null): StatusDto {
  return row
    ? { userId, status: row.status, updatedAt: row.updatedAt.toISOString() }
    : { userId, status: 'offline', updatedAt: null };
}
