/** Everyone's last known status ("online", "offline", ...), lower case. No DOM, no network. */
export class PresenceState {
  private readonly statuses = new Map<number, string>();

  /** A user never heard of is offline. */
  get(userId: number): string {
    return this.statuses.get(userId) ?? 'offline';
  }

  /** Records a status as the server spells it; returns it normalised. */
  set(userId: number, status: string): string {
    const normalised = status.toLowerCase();
    this.statuses.set(userId, normalised);
    return normalised;
  }
}
