import { attachmentsSettings } from './attachments.settings';
import { EnvReader } from './env-reader';

const runtime = { nodeEnv: 'test' as const, dataDir: '/srv/chat', instanceId: 'a', shutdownTimeoutMs: 1000 };

describe('attachmentsSettings', () => {
  it('has the documented defaults: 10 MiB, local disk under <DATA_DIR>/attachments', () => {
    const reader = new EnvReader({});
    expect(attachmentsSettings(reader, runtime).attachments).toEqual({
      maxBytes: 10485760,
      dir: '/srv/chat/attachments',
      storage: { kind: 'local' },
      uploadIdleTimeoutMs: 30000,
      sweepIntervalMs: 600000,
    });
    expect(reader.errors).toEqual([]);
  });

  it('reads the S3 settings', () => {
    const reader = new EnvReader({
      ATTACHMENTS_STORAGE: 's3',
      ATTACHMENTS_S3_BUCKET: 'chat',
      ATTACHMENTS_S3_ENDPOINT: 'http://127.0.0.1:9000',
      ATTACHMENTS_S3_ACCESS_KEY_ID: 'id',
      ATTACHMENTS_S3_SECRET_ACCESS_KEY: 'secret',
      ATTACHMENTS_S3_FORCE_PATH_STYLE: 'true',
      ATTACHMENTS_S3_PREFIX: 'files/',
      ATTACHMENTS_DIR: '/tmp/x',
    });
    expect(attachmentsSettings(reader, runtime).attachments.storage).toEqual({
      kind: 's3',
      bucket: 'chat',
      endpoint: 'http://127.0.0.1:9000',
      region: 'us-east-1',
      credentials: { accessKeyId: 'id', secretAccessKey: 'secret' },
      forcePathStyle: true,
      prefix: 'files/',
    });
    expect(reader.errors).toEqual([]);
  });

  it('reports every problem at once', () => {
    const reader = new EnvReader({
      ATTACHMENTS_STORAGE: 's3',
      ATTACHMENTS_S3_ENDPOINT: 'ftp://x',
      ATTACHMENTS_S3_ACCESS_KEY_ID: 'id',
      ATTACHMENT_MAX_BYTES: '0',
    });
    attachmentsSettings(reader, runtime);
    expect(reader.errors).toEqual([
      'ATTACHMENTS_S3_BUCKET is required when ATTACHMENTS_STORAGE=s3',
      'ATTACHMENTS_S3_ENDPOINT must be an http(s) URL (got "ftp://x")',
      'ATTACHMENTS_S3_ACCESS_KEY_ID and ATTACHMENTS_S3_SECRET_ACCESS_KEY go together',
      'ATTACHMENT_MAX_BYTES must be between 1 and 5368709120 (got 0)',
    ]);
    const other = new EnvReader({ ATTACHMENTS_STORAGE: 'ftp' });
    attachmentsSettings(other, runtime);
    expect(other.errors).toEqual(['ATTACHMENTS_STORAGE must be "local" or "s3" (got "ftp")']);
  });
});
