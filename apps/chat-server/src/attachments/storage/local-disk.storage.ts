import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { AttachmentStorage, ByteRange, StoredFileMissing } from './attachment-storage';

const KEY = /^[0-9a-f]{32}$/;

/**
 * Files under ATTACHMENTS_DIR, `ab/cd/<key>` (two levels of 256 folders keep directories small).
 * The temporary file is in `<dir>/tmp`, on the same file system, so `put` is one atomic rename.
 * Several instances share the directory (a volume): everything here is safe to run on any of them.
 */
export class LocalDiskStorage extends AttachmentStorage {
  constructor(private readonly dir: string) {
    super();
  }

  pathOf(key: string): string {
    if (!KEY.test(key)) throw new Error(`Not a storage key: ${JSON.stringify(key)}`);
    return join(this.dir, key.slice(0, 2), key.slice(2, 4), key);
  }

  async put(key: string, tempPath: string): Promise<void> {
    const path = this.pathOf(key);
    try {
      await rename(tempPath, path);
    } catch (err) {
      // its folder is made by the first file that lands in it, not checked for every file
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      await mkdir(join(path, '..'), { recursive: true });
      await rename(tempPath, path);
    }
  }

  async stream(key: string, range?: ByteRange): Promise<Readable> {
    // Opened before answering, so a missing file is a clean 404, not a broken 200.
    let handle;
    try {
      handle = await open(this.pathOf(key), 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new StoredFileMissing(key);
      throw err;
    }
    return handle.createReadStream({ start: range?.start, end: range?.end, autoClose: true });
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }
}
