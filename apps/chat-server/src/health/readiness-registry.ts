import { Injectable } from '@nestjs/common';

/**
 * A named readiness check: resolves (optionally with details shown in `/health/ready`) when the
 * dependency is usable, rejects (or times out) when it is not.
 */
export type ReadinessCheck = () => Promise<Record<string, unknown> | void>;

export interface RegisteredCheck {
  name: string;
  check: ReadinessCheck;
  timeoutMs: number;
}

const NAME = /^[a-z][a-z0-9_-]{0,39}$/;

/**
 * Where features register what `/health/ready` must verify besides the database, e.g. the scale-out
 * module registers `redis` in its `onModuleInit`:
 *
 * ```ts
 * constructor(private readonly readiness: ReadinessRegistry) {}
 * onModuleInit() { this.readiness.register('redis', async () => { await this.redis.ping(); }); }
 * ```
 */
@Injectable()
export class ReadinessRegistry {
  static readonly DEFAULT_TIMEOUT_MS = 3000;
  private readonly checks = new Map<string, RegisteredCheck>();

  /**
   * Adds (or replaces) the check `name` (lower-case, `[a-z0-9_-]`); returns a function that removes it.
   * A check that takes longer than `timeoutMs` counts as failed.
   */
  register(
    name: string,
    check: ReadinessCheck,
    timeoutMs = ReadinessRegistry.DEFAULT_TIMEOUT_MS,
  ): () => void {
    if (!NAME.test(name)) throw new Error(`Invalid readiness check name "${name}"`);
    if (name === 'database' || name === 'migrations')
      throw new Error(`"${name}" is a built-in readiness check`);
    const entry: RegisteredCheck = { name, check, timeoutMs };
    this.checks.set(name, entry);
    return () => {
      if (this.checks.get(name) === entry) this.checks.delete(name);
    };
  }

  unregister(name: string): void {
    this.checks.delete(name);
  }

  has(name: string): boolean {
    return this.checks.has(name);
  }

  list(): RegisteredCheck[] {
    return [...this.checks.values()];
  }
}
