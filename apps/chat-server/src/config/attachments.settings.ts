import { join, resolve } from 'node:path';
import { EnvReader } from './env-reader';
import { RuntimeSettings } from './runtime.settings';

export const MIB = 1024 * 1024;

/** Where uploaded files go: local disk (the embedded default) or S3-compatible object storage. */
export type AttachmentStorageSettings =
  | { kind: 'local' }
  | {
      kind: 's3';
      bucket: string;
      /** Unset: AWS's own endpoint for the region. */
      endpoint?: string;
      region: string;
      /** Unset: the SDK's default credential chain (environment, instance role). */
      credentials?: { accessKeyId: string; secretAccessKey: string };
      forcePathStyle: boolean;
      /** Prepended to every object key ("chat/" keeps a shared bucket tidy). */
      prefix: string;
    };

/** EXTENSIONS.md §7: limits of an upload, the storage, and the cleanup's pace. */
export interface AttachmentsSettings {
  attachments: {
    /** ATTACHMENT_MAX_BYTES: an upload over this is refused with 413 (default 10 MiB). */
    maxBytes: number;
    /** The local store, and the temporary files of uploads in progress (`<dir>/tmp`) on both backends. */
    dir: string;
    storage: AttachmentStorageSettings;
    /** An upload that sends nothing for this long is cut (408) and leaves nothing. */
    uploadIdleTimeoutMs: number;
    /** How often the cleanup looks for garbage (deletions trigger it at once too). */
    sweepIntervalMs: number;
  };
}

export function attachmentsSettings(env: EnvReader, { dataDir }: RuntimeSettings): AttachmentsSettings {
  const kind = env.text('ATTACHMENTS_STORAGE') ?? 'local';
  if (kind !== 'local' && kind !== 's3')
    env.fail(`ATTACHMENTS_STORAGE must be "local" or "s3" (got "${kind}")`);
  let storage: AttachmentStorageSettings = { kind: 'local' };
  if (kind === 's3') {
    const bucket = env.text('ATTACHMENTS_S3_BUCKET');
    if (!bucket) env.fail('ATTACHMENTS_S3_BUCKET is required when ATTACHMENTS_STORAGE=s3');
    const endpoint = env.text('ATTACHMENTS_S3_ENDPOINT');
    if (endpoint && !/^https?:\/\/[^\s]+$/.test(endpoint))
      env.fail(`ATTACHMENTS_S3_ENDPOINT must be an http(s) URL (got "${endpoint}")`);
    const accessKeyId = env.text('ATTACHMENTS_S3_ACCESS_KEY_ID');
    const secretAccessKey = env.text('ATTACHMENTS_S3_SECRET_ACCESS_KEY');
    if (!accessKeyId !== !secretAccessKey)
      env.fail('ATTACHMENTS_S3_ACCESS_KEY_ID and ATTACHMENTS_S3_SECRET_ACCESS_KEY go together');
    storage = {
      kind: 's3',
      bucket: bucket ?? '',
      endpoint,
      region: env.text('ATTACHMENTS_S3_REGION') ?? 'us-east-1',
      credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined,
      forcePathStyle: env.flag('ATTACHMENTS_S3_FORCE_PATH_STYLE'),
      prefix: env.text('ATTACHMENTS_S3_PREFIX') ?? '',
    };
  }
  return {
    attachments: {
      maxBytes: env.int('ATTACHMENT_MAX_BYTES', 10 * MIB, 1, 5 * 1024 * MIB),
      dir: resolve(env.text('ATTACHMENTS_DIR') ?? join(dataDir, 'attachments')),
      storage,
      uploadIdleTimeoutMs: env.int('ATTACHMENTS_UPLOAD_IDLE_TIMEOUT_MS', 30_000, 100, 3_600_000),
      sweepIntervalMs: env.int('ATTACHMENTS_SWEEP_INTERVAL_MS', 600_000, 1000, 86_400_000),
    },
  };
}
