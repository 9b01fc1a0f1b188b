import { MAX_FILES } from '../state/uploads';
import type { Attachment } from '../types';
import type { ChatContext } from './context';

/**
 * Files attached to the message being written (EXTENSIONS.md §7): uploads with progress, the
 * staged list in the composer, and the attachments of shown messages (image previews and
 * downloads fetched with the bearer token, shown through blob: URLs).
 */
export class UploadsController {
  /** Image previews already fetched, by attachment id (an attachment's bytes never change). */
  private readonly images = new Map<number, Promise<string>>();
  private frame = 0;

  constructor(private readonly ctx: ChatContext) {}

  /** Files picked, dropped or pasted: each is uploaded to the open room at once. */
  add(files: File[]): void {
    const { state, views } = this.ctx;
    const roomId = state.rooms.current;
    if (roomId === undefined) return;
    const { added, refused } = state.uploads.add(roomId, files);
    if (refused) views.toasts.show(`A message can carry at most ${MAX_FILES} files.`);
    this.render();
    added.forEach((u, i) => void this.upload(u.localId, roomId, files[i]));
  }

  private async upload(localId: number, roomId: number, file: File): Promise<void> {
    const { api, state } = this.ctx;
    try {
      const attachment = await api.uploadAttachment(roomId, file, (fraction) => {
        state.uploads.progress(localId, fraction);
        this.renderSoon();
      });
      state.uploads.done(localId, attachment);
    } catch (err) {
      state.uploads.fail(localId, err instanceof Error ? err.message : String(err));
    }
    this.render();
  }

  remove(localId: number): void {
    this.ctx.state.uploads.remove(localId);
    this.render();
  }

  /**
   * The attachment ids the next send of the open room takes, or undefined (and a word to the
   * user) while some file is still uploading.
   */
  take(roomId: number): number[] | undefined {
    const { state, views } = this.ctx;
    if (state.uploads.busy(roomId)) {
      views.toasts.show('Wait for the files to finish uploading, then send.');
      return undefined;
    }
    const ids = state.uploads.take(roomId).map((a) => a.id);
    this.render();
    return ids;
  }

  /** The open room's staged files in the composer. */
  render(): void {
    this.ctx.views.composer.renderUploads(this.ctx.state.uploads.inRoom(this.ctx.state.rooms.current));
  }

  private renderSoon(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  /** A blob: URL of an image attachment, fetched once. */
  image(a: Attachment): Promise<string> {
    let url = this.images.get(a.id);
    if (!url) {
      url = this.ctx.api.attachmentBlob(a.url).then((blob) => URL.createObjectURL(blob));
      url.catch(() => this.images.delete(a.id));
      this.images.set(a.id, url);
    }
    return url;
  }

  /** Saves an attachment under its name (fetched with the token: a plain link would have none). */
  async download(a: Attachment): Promise<void> {
    try {
      const blob = await this.ctx.api.attachmentBlob(a.url);
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = a.name;
      link.rel = 'noopener';
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (err) {
      this.ctx.views.toasts.error(err, `Could not download ${a.name}`);
    }
  }
}
