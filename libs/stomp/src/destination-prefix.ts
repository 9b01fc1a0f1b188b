/** `/topic` matches `/topic/a` (and `/topic` itself), never `/topical`. */
export function matchesPrefix(destination: string, prefixes: readonly string[]): boolean {
  for (const prefix of prefixes) {
    if (destination === prefix) return true;
    if (
      destination.startsWith(prefix) &&
      (prefix.endsWith('/') || destination.charCodeAt(prefix.length) === 47)
    ) {
      return true;
    }
  }
  return false;
}

/** A user destination without the user prefix (`/user/queue/x` or `/queue/x` -> `/queue/x`). */
export function innerUserDestination(destination: string, userPrefix: string): string {
  const inner = matchesPrefix(destination, [userPrefix]) ? destination.slice(userPrefix.length) : destination;
  if (!inner.startsWith('/') || inner.length < 2) throw new Error(`Invalid user destination ${destination}`);
  return inner;
}
