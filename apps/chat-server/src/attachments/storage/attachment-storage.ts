import type { Readable } from 'node:stream';

/** An inclusive byte range of a stored file. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Where attachment bytes live: one small port, two implementations (local disk, S3-compatible
 * object storage), chosen by ATTACHMENTS_STORAGE. Keys are random names made by the server
 * (`[0-9a-f]{32}`): a client's file name never reaches a path or an object key.
 */
export abstract class AttachmentStorage {
  /**
   * Stores the complete temporary file `tempPath` (`size` bytes) under `key`, and removes the
   * temporary file (renamed into place on local disk, uploaded then deleted on S3). A key that
   * is put is complete: nobody can read a half-written file under it.
   */
  abstract put(key: string, tempPath: string, size: number): Promise<void>;

  /** The stored bytes (or `range` of them); rejects with StoredFileMissing when there are none. */
  abstract stream(key: string, range?: ByteRange): Promise<Readable>;

  /** Removes the file; a file already gone is fine (several instances may clean at once). */
  abstract delete(key: string): Promise<void>;
}

/** The storage has no file under that key (cleaned up meanwhile, or lost). */
export class StoredFileMissing extends Error {
  constructor(key: string) {
    super(`No stored file ${key}`);
  }
}
