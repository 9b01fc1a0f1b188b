import { HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { Principal } from '../common/principal';
import { DIRECTORY_DEFAULT_SIZE, DirectoryEntryDto, DirectoryQueryDto } from './dto/directory.dto';
import { UsersRepository } from './users.repository';

/** Directory reads per user per window (EXTENSIONS.md §9: rate-limited like reads that walk users). */
export const DIRECTORY_RATE_LIMIT = { requests: 60, windowSeconds: 60 };

export class DirectoryRateLimitedException extends HttpException {
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many directory searches; retry in ${retryAfterSeconds} s`, HttpStatus.TOO_MANY_REQUESTS);
  }
}

interface Window {
  count: number;
  resetAt: number;
}

/**
 * Finding people by name (EXTENSIONS.md §9): every signed-in user may, at most
 * {@link DIRECTORY_RATE_LIMIT} times per window, each counted per user in fixed windows on this
 * instance (a page typed letter by letter stays well under it; walking the whole user base does not).
 */
@Injectable()
export class UserDirectoryService {
  private readonly windows = new Map<number, Window>();
  private lastSweep = Date.now();

  constructor(private readonly repository: UsersRepository) {}

  async search(caller: Principal, query: DirectoryQueryDto): Promise<DirectoryEntryDto[]> {
    this.count(caller.id);
    const prefix = (query.q ?? '').trim().toLowerCase();
    const after = query.after === undefined ? undefined : query.after.trim().toLowerCase();
    return this.repository.directoryPage(prefix, after, query.size ?? DIRECTORY_DEFAULT_SIZE);
  }

  private count(userId: number): void {
    const now = Date.now();
    this.sweep(now);
    const w = this.windows.get(userId);
    if (!w || w.resetAt <= now) {
      this.windows.set(userId, { count: 1, resetAt: now + DIRECTORY_RATE_LIMIT.windowSeconds * 1000 });
      return;
    }
    if (w.count >= DIRECTORY_RATE_LIMIT.requests)
      throw new DirectoryRateLimitedException(Math.max(1, Math.ceil((w.resetAt - now) / 1000)));
    w.count++;
  }

  /** Drops expired windows once per window length, so the map holds only recent searchers. */
  private sweep(now: number): void {
    if (now - this.lastSweep < DIRECTORY_RATE_LIMIT.windowSeconds * 1000) return;
    this.lastSweep = now;
    for (const [key, w] of this.windows) if (w.resetAt <= now) this.windows.delete(key);
  }
}
