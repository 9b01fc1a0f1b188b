import { Injectable, Logger, BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { OnDomainEvent } from '../common/events/on-domain-event.decorator';
import { AppConfig } from '../config/app-config';
import { AttachmentsRepository } from './attachments.repository';
import { UNATTACHED_TTL_MS } from './attachments.service';
import { AttachmentStorage } from './storage/attachment-storage';

/** Files deleted per round of a sweep (a sweep goes on until nothing is left). */
const BATCH = 100;
/** A temporary upload file untouched this long belongs to no upload in progress. */
export const STALE_TEMP_MS = 60 * 60 * 1000;

/**
 * Removes stored files nobody can reach any more (EXTENSIONS.md §7): those of deleted messages
 * and rooms, and uploads never attached after 24 hours (or whose uploader was deleted).
 *
 * A sweep first claims the garbage rows in the database (conditional UPDATEs: see
 * AttachmentsRepository.claimGarbage), then deletes each claimed file, then its row. Every step is
 * safe to run on several instances at once: a claim is atomic, deleting a file that is already
 * gone succeeds, and a row is removed once. A crash between the steps leaves claimed rows that the
 * next sweep (here or elsewhere) finishes. Deletions start a sweep at once; a timer
 * (ATTACHMENTS_SWEEP_INTERVAL_MS) catches the 24-hour expiry and anything missed.
 */
@Injectable()
export class AttachmentsCleanup implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AttachmentsCleanup.name);
  private running: Promise<number> | null = null;
  private again = false;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly repository: AttachmentsRepository,
    private readonly storage: AttachmentStorage,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweepSoon(), this.config.settings.attachments.sweepIntervalMs);
    this.timer.unref();
    void this.sweepSoon();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  @OnDomainEvent('message.deleted')
  onMessageDeleted(): void {
    void this.sweepSoon();
  }

  @OnDomainEvent('room.deleted')
  onRoomDeleted(): void {
    void this.sweepSoon();
  }

  @OnDomainEvent('user.deleted')
  onUserDeleted(): void {
    void this.sweepSoon();
  }

  /**
   * Starts a sweep, or asks the running one to go round once more; resolves when done with the
   * number of files deleted. Failures are logged (the next sweep retries), never thrown.
   */
  sweepSoon(): Promise<number> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      let removed = 0;
      try {
        do {
          this.again = false;
          removed += await this.sweep();
        } while (this.again && !this.stopped);
      } catch (err) {
        if (!this.stopped) this.logger.warn({ err }, 'Attachment cleanup failed; the next sweep retries');
      } finally {
        this.running = null;
      }
      return removed;
    })();
    return this.running;
  }

  /** One sweep: claim, delete files, delete rows; then stale temporary files. */
  async sweep(now = new Date()): Promise<number> {
    await this.repository.claimGarbage(new Date(now.getTime() - UNATTACHED_TTL_MS), now);
    let removed = 0;
    for (;;) {
      if (this.stopped) return removed;
      const batch = await this.repository.discarded(BATCH);
      for (const { id, storageKey } of batch) {
        await this.storage.delete(storageKey);
        await this.repository.remove(id);
        removed++;
      }
      if (batch.length < BATCH) break;
    }
    await this.removeStaleTempFiles(now);
    return removed;
  }

  private async removeStaleTempFiles(now: Date): Promise<void> {
    const dir = join(this.config.settings.attachments.dir, 'tmp');
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(dir, name);
      const info = await stat(path).catch(() => null);
      if (info && now.getTime() - info.mtimeMs > STALE_TEMP_MS) await rm(path, { force: true });
    }
  }
}
