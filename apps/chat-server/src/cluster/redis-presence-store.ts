import { BeforeApplicationShutdown, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { PresenceStore } from '../status/presence-store';
import { RedisConnections } from './redis-connections';

/** An instance that stops heart-beating for this long is considered dead and its sessions are dropped. */
export const INSTANCE_TTL_SECONDS = 15;
const HEARTBEAT_MS = 5000;

// KEYS: instance hash, user count. ARGV: userId. Returns 1 when the user's last session closed.
const CLOSE = `
local mine = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if mine <= 0 then return 0 end
if mine == 1 then redis.call('HDEL', KEYS[1], ARGV[1]) else redis.call('HINCRBY', KEYS[1], ARGV[1], -1) end
local left = redis.call('DECR', KEYS[2])
if left <= 0 then redis.call('DEL', KEYS[2]) return 1 end
return 0`;

// KEYS: dead instance hash, instances set. ARGV: count key prefix, instance id. Returns the users now offline.
const REAP = `
local entries = redis.call('HGETALL', KEYS[1])
local offline = {}
for i = 1, #entries, 2 do
  local key = ARGV[1] .. entries[i]
  local left = redis.call('DECRBY', key, tonumber(entries[i + 1]))
  if left <= 0 then redis.call('DEL', key) table.insert(offline, entries[i]) end
end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[2])
return offline`;

// KEYS: instance hash, user count. ARGV: userId, delta. Adjusts both (used to resync after an outage).
const ADJUST = `
local n = redis.call('HINCRBY', KEYS[1], ARGV[1], tonumber(ARGV[2]))
if n <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) end
local left = redis.call('INCRBY', KEYS[2], tonumber(ARGV[2]))
if left <= 0 then redis.call('DEL', KEYS[2]) end
return left`;

/**
 * Presence shared by every instance: a global session count per user (its transitions 0 -> 1 and
 * 1 -> 0 are the online/offline moments, exactly once across instances) and, per instance, a hash
 * of the sessions it holds. Each instance heart-beats a key with a TTL; when one stops (crashed,
 * killed, partitioned), another instance subtracts its sessions within about INSTANCE_TTL_SECONDS
 * and reports the users that went offline. After a Redis outage an instance rewrites its own
 * share from what it knows locally.
 */
export class RedisPresenceStore
  extends PresenceStore
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  private readonly logger = new Logger(RedisPresenceStore.name);
  private readonly local = new Map<number, number>();
  private timer?: NodeJS.Timeout;
  private offlineHandler: (userIds: number[]) => void = () => undefined;
  private needsResync = false;

  constructor(private readonly redis: RedisConnections) {
    super();
  }

  private get r() {
    return this.redis.command!;
  }
  private get instancesKey() {
    return this.redis.key('presence', 'instances');
  }
  private instanceKey(id = this.redis.instanceId) {
    return this.redis.key('presence', 'instance', id);
  }
  private aliveKey(id = this.redis.instanceId) {
    return this.redis.key('presence', 'alive', id);
  }
  private countKey(userId: number | string) {
    return this.redis.key('presence', 'count', userId);
  }

  /** Starts heart-beating and reaping. A previous run of this same instance id is reaped first. */
  async onApplicationBootstrap(): Promise<void> {
    await this.reap(this.redis.instanceId).catch(() => undefined);
    await this.beat().catch(() => undefined);
    this.timer = setInterval(() => void this.tick(), HEARTBEAT_MS);
    this.timer.unref();
    this.r.on('ready', () => (this.needsResync = true));
  }

  /** Stops heart-beating and removes this instance's share (a clean shutdown does not wait for the TTL). */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.reap(this.redis.instanceId).catch(() => undefined);
  }

  override onUsersOffline(handler: (userIds: number[]) => void): void {
    this.offlineHandler = handler;
  }

  async sessionOpened(userId: number): Promise<boolean> {
    this.local.set(userId, (this.local.get(userId) ?? 0) + 1);
    const [, [, count]] = (await this.r
      .multi()
      .hincrby(this.instanceKey(), String(userId), 1)
      .incr(this.countKey(userId))
      .exec()) as [[null, number], [null, number]];
    return count === 1;
  }

  async sessionClosed(userId: number): Promise<boolean> {
    const mine = this.local.get(userId) ?? 0;
    if (mine <= 0) return false;
    if (mine === 1) this.local.delete(userId);
    else this.local.set(userId, mine - 1);
    return (await this.r.eval(CLOSE, 2, this.instanceKey(), this.countKey(userId), String(userId))) === 1;
  }

  async isConnected(userId: number): Promise<boolean> {
    return Number(await this.r.get(this.countKey(userId))) > 0;
  }

  async connectedAmong(userIds: readonly number[]): Promise<Set<number>> {
    if (!userIds.length) return new Set();
    const counts = await this.r.mget(userIds.map((id) => this.countKey(id)));
    return new Set(userIds.filter((_, i) => Number(counts[i]) > 0));
  }

  private async tick(): Promise<void> {
    try {
      if (this.needsResync) await this.resync();
      await this.beat();
      const instances = await this.r.smembers(this.instancesKey);
      for (const id of instances) {
        if (id === this.redis.instanceId || (await this.r.exists(this.aliveKey(id)))) continue;
        // One instance reaps a dead one: the others see the lock and skip it.
        if (
          await this.r.set(this.redis.key('presence', 'reaping', id), this.redis.instanceId, 'EX', 30, 'NX')
        ) {
          const offline = await this.reap(id);
          if (offline.length)
            this.logger.warn(`Instance ${id} stopped heart-beating: ${offline.length} user(s) now offline`);
        }
      }
    } catch (err) {
      this.logger.warn(`Presence heartbeat failed: ${(err as Error).message}`);
    }
  }

  private async beat(): Promise<void> {
    await this.r
      .multi()
      .set(this.aliveKey(), '1', 'EX', INSTANCE_TTL_SECONDS)
      .sadd(this.instancesKey, this.redis.instanceId)
      .exec();
  }

  private async reap(instanceId: string): Promise<number[]> {
    const offline = (
      (await this.r.eval(
        REAP,
        2,
        this.instanceKey(instanceId),
        this.instancesKey,
        this.countKey(''),
        instanceId,
      )) as string[]
    ).map(Number);
    if (offline.length) this.offlineHandler(offline);
    return offline;
  }

  /** After an outage, make this instance's share in Redis match the sessions it really holds. */
  private async resync(): Promise<void> {
    this.needsResync = false;
    const remote = await this.r.hgetall(this.instanceKey());
    const users = new Set([...Object.keys(remote).map(Number), ...this.local.keys()]);
    for (const userId of users) {
      const delta = (this.local.get(userId) ?? 0) - Number(remote[userId] ?? 0);
      if (delta !== 0)
        await this.r.eval(
          ADJUST,
          2,
          this.instanceKey(),
          this.countKey(userId),
          String(userId),
          String(delta),
        );
    }
    this.logger.warn(`Presence resynchronised after a Redis outage (${users.size} user(s) checked)`);
  }
}
