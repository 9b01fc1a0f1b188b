const VARIABLE = /\{([A-Za-z_$][\w$]*)\}/g;

/** A compiled `@MessageMapping` pattern such as `rooms.{roomId}.send` or `rooms/{id}`. */
export class DestinationPattern {
  readonly variables: string[] = [];
  private readonly regexp: RegExp | undefined;

  constructor(readonly pattern: string) {
    if (!pattern.includes('{')) return;
    let source = '';
    let last = 0;
    for (const match of pattern.matchAll(VARIABLE)) {
      source += escapeRegExp(pattern.slice(last, match.index)) + '([^/]+?)';
      this.variables.push(match[1]);
      last = (match.index ?? 0) + match[0].length;
    }
    source += escapeRegExp(pattern.slice(last));
    this.regexp = new RegExp(`^${source}$`);
  }

  get isLiteral(): boolean {
    return this.regexp === undefined;
  }

  match(path: string): Record<string, string> | undefined {
    if (!this.regexp) return path === this.pattern ? {} : undefined;
    const result = this.regexp.exec(path);
    if (!result) return undefined;
    const variables: Record<string, string> = {};
    this.variables.forEach((name, i) => (variables[name] = decodeURIComponentSafe(result[i + 1])));
    return variables;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
