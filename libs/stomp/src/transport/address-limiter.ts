/**
 * Counts the open sockets of each remote address, so one address cannot hold more than `max`
 * (0 = no limit). A slot is taken when a socket is accepted and given back when it closes.
 */
export class AddressLimiter {
  private readonly counts = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** Takes a slot for `address`; false when the address already holds `max` sockets. */
  acquire(address: string | undefined): boolean {
    if (this.max <= 0) return true;
    const key = normalize(address);
    const count = this.counts.get(key) ?? 0;
    if (count >= this.max) return false;
    this.counts.set(key, count + 1);
    return true;
  }

  /** Gives back a slot taken by {@link acquire}. */
  release(address: string | undefined): void {
    if (this.max <= 0) return;
    const key = normalize(address);
    const count = (this.counts.get(key) ?? 0) - 1;
    if (count > 0) this.counts.set(key, count);
    else this.counts.delete(key);
  }

  /** Open sockets of an address (for tests and diagnostics). */
  count(address: string | undefined): number {
    return this.counts.get(normalize(address)) ?? 0;
  }
}

/** `::ffff:127.0.0.1` and `127.0.0.1` are one address. */
function normalize(address: string | undefined): string {
  if (!address) return 'unknown';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
