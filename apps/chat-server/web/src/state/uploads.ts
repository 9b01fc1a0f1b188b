import type { Attachment } from '../types';

/** At most this many files on one message (the server's limit, EXTENSIONS.md §7). */
export const MAX_FILES = 10;

export type UploadState = 'uploading' | 'ready' | 'failed';

/** A file the user is attaching to the message being written. */
export interface StagedUpload {
  readonly localId: number;
  readonly roomId: number;
  readonly name: string;
  readonly size: number;
  state: UploadState;
  /** 0 to 1 while uploading. */
  progress: number;
  attachment?: Attachment;
  error?: string;
}

/**
 * The composer's uploads, per room: added when picked or dropped, progressing, ready (with the
 * server's attachment) or failed; taken by the next send. No DOM, no network.
 */
export class StagedUploads {
  private readonly list: StagedUpload[] = [];
  private nextId = 1;

  /** Stages files; those past MAX_FILES for the room are refused (returned as `refused`). */
  add(
    roomId: number,
    files: readonly { name: string; size: number }[],
  ): { added: StagedUpload[]; refused: number } {
    const room = this.inRoom(roomId).length;
    const roomLeft = Math.max(0, MAX_FILES - room);
    const added = files.slice(0, roomLeft).map((f) => {
      const u: StagedUpload = {
        localId: this.nextId++,
        roomId,
        name: f.name,
        size: f.size,
        state: 'uploading',
        progress: 0,
      };
      this.list.push(u);
      return u;
    });
    return { added, refused: files.length - added.length };
  }

  inRoom(roomId: number | undefined): StagedUpload[] {
    return this.list.filter((u) => u.roomId === roomId);
  }

  get(localId: number): StagedUpload | undefined {
    return this.list.find((u) => u.localId === localId);
  }

  progress(localId: number, fraction: number): void {
    const u = this.get(localId);
    if (u && u.state === 'uploading') u.progress = Math.min(1, Math.max(u.progress, fraction));
  }

  done(localId: number, attachment: Attachment): void {
    const u = this.get(localId);
    if (!u) return;
    u.state = 'ready';
    u.progress = 1;
    u.attachment = attachment;
  }

  fail(localId: number, error: string): void {
    const u = this.get(localId);
    if (!u) return;
    u.state = 'failed';
    u.error = error;
  }

  remove(localId: number): void {
    const at = this.list.findIndex((u) => u.localId === localId);
    if (at >= 0) this.list.splice(at, 1);
  }

  /** Whether a file of the room is still on its way (sending waits for it). */
  busy(roomId: number): boolean {
    return this.inRoom(roomId).some((u) => u.state === 'uploading');
  }

  /** The room's ready attachments, in the order they were added. */
  ready(roomId: number): Attachment[] {
    return this.inRoom(roomId).flatMap((u) => (u.state === 'ready' && u.attachment ? [u.attachment] : []));
  }

  /** A send took the room's ready files: they leave the composer (failed ones too). */
  take(roomId: number): Attachment[] {
    const taken = this.ready(roomId);
    for (const u of this.inRoom(roomId)) if (u.state !== 'uploading') this.remove(u.localId);
    return taken;
  }
}

/** "1.5 MB", "820 KB", "12 bytes": a file's size as people read it. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1).replace(/\.0$/, '') : Math.round(value)} ${units[unit]}`;
}
