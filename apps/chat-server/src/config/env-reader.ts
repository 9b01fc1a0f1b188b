/** The process environment, or the plain object a test passes instead. */
export type Env = Record<string, string | undefined>;

/**
 * Reads settings from one environment and collects every problem instead of stopping at the
 * first, so startup can report them all at once. Each `*.settings.ts` reads its variables
 * through it; loadSettings (app-config.ts) throws when `errors` is not empty.
 */
export class EnvReader {
  readonly errors: string[] = [];

  constructor(private readonly env: Env) {}

  /** The variable as given (untrimmed), undefined when unset. */
  raw(name: string): string | undefined {
    return this.env[name];
  }

  /** The trimmed variable, undefined when unset or blank. */
  text(name: string): string | undefined {
    return this.env[name]?.trim() || undefined;
  }

  /** "true" or "1". */
  flag(name: string): boolean {
    const raw = this.env[name];
    return raw === 'true' || raw === '1';
  }

  /** "true"/"1" or "false"/"0"; `def` when unset or blank, anything else is an error. */
  bool(name: string, def: boolean): boolean {
    const raw = this.text(name);
    if (raw === undefined) return def;
    if (raw === 'true' || raw === '1') return true;
    if (raw === 'false' || raw === '0') return false;
    this.fail(`${name} must be true or false (got "${raw}")`);
    return def;
  }

  /** A whole number in [min, max]; `def` when unset or blank. */
  int(name: string, def: number, min: number, max: number): number {
    const raw = this.env[name];
    if (raw === undefined || raw.trim() === '') return def;
    if (!/^\d+$/.test(raw.trim())) {
      this.fail(`${name} must be an integer (got "${raw}")`);
      return def;
    }
    const value = Number(raw);
    if (value < min || value > max) this.fail(`${name} must be between ${min} and ${max} (got ${value})`);
    return value;
  }

  fail(message: string): void {
    this.errors.push(message);
  }
}

/** Parses "3600", "60s", "15m", "24h" or "7d" into seconds. */
export function parseDuration(raw: string): number | undefined {
  const match = /^(\d+)\s*(s|m|h|d)?$/.exec(raw.trim());
  if (!match) return undefined;
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[(match[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}
