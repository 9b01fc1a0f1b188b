import {
  DeleteObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { AttachmentStorageSettings } from '../../config/attachments.settings';
import { AttachmentStorage, ByteRange, StoredFileMissing } from './attachment-storage';

type S3Settings = Extract<AttachmentStorageSettings, { kind: 's3' }>;

/**
 * S3-compatible object storage (AWS S3, MinIO, Ceph, R2, ...), configured by ATTACHMENTS_S3_*.
 * Objects are `<prefix><key>`; the upload is streamed from the temporary file with its length
 * known (one PUT, never buffered whole). Checksums are only sent where the service requires them,
 * so S3-compatible stores that do not implement the newer flexible checksums work too.
 */
export class S3Storage extends AttachmentStorage {
  private readonly client: S3Client;

  constructor(private readonly settings: S3Settings) {
    super();
    this.client = new S3Client({
      region: settings.region,
      endpoint: settings.endpoint,
      forcePathStyle: settings.forcePathStyle,
      credentials: settings.credentials,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 3,
    });
  }

  private objectKey(key: string): string {
    return `${this.settings.prefix}${key}`;
  }

  async put(key: string, tempPath: string, size: number): Promise<void> {
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.settings.bucket,
          Key: this.objectKey(key),
          Body: createReadStream(tempPath),
          ContentLength: size,
          ContentType: 'application/octet-stream',
        }),
      );
    } finally {
      await rm(tempPath, { force: true });
    }
  }

  async stream(key: string, range?: ByteRange): Promise<Readable> {
    try {
      const answer = await this.client.send(
        new GetObjectCommand({
          Bucket: this.settings.bucket,
          Key: this.objectKey(key),
          Range: range ? `bytes=${range.start}-${range.end}` : undefined,
        }),
      );
      if (!(answer.Body instanceof Readable)) throw new Error('S3 answered without a body stream');
      return answer.Body;
    } catch (err) {
      if (
        err instanceof NoSuchKey ||
        (err instanceof S3ServiceException && err.$metadata.httpStatusCode === 404)
      )
        throw new StoredFileMissing(key);
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    // Deleting a missing object succeeds on S3: idempotent, as the port asks.
    await this.client.send(
      new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: this.objectKey(key) }),
    );
  }

  onApplicationShutdown(): void {
    this.client.destroy();
  }
}
