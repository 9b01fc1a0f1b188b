/**
 * Periodic per-member work on shared timers: one `setInterval` per distinct period, running `tick`
 * for every member registered with that period, instead of one timer (a Timeout, a closure and its
 * context, ~200 bytes) per member. Heart-beats use it: most sessions negotiate the same few periods,
 * so 10,000 sessions cost a handful of timers (C1 in bench/RESULTS.md). Members of one period are
 * ticked in the order they were added; a member added or removed during a tick is handled as a Set
 * iteration handles it.
 */
export class PeriodicGroups<T> {
  private readonly groups = new Map<number, { timer: NodeJS.Timeout; members: Set<T> }>();

  constructor(private readonly tick: (member: T, now: number) => void) {}

  add(periodMs: number, member: T): void {
    let group = this.groups.get(periodMs);
    if (!group) {
      const members = new Set<T>();
      const timer = setInterval(() => {
        const now = Date.now();
        for (const m of members) this.tick(m, now);
      }, periodMs);
      timer.unref();
      group = { timer, members };
      this.groups.set(periodMs, group);
    }
    group.members.add(member);
  }

  delete(periodMs: number, member: T): void {
    const group = this.groups.get(periodMs);
    if (!group?.members.delete(member) || group.members.size > 0) return;
    clearInterval(group.timer);
    this.groups.delete(periodMs);
  }

  /** Number of live timers (for tests). */
  get timers(): number {
    return this.groups.size;
  }

  clear(): void {
    for (const group of this.groups.values()) clearInterval(group.timer);
    this.groups.clear();
  }
}
