import { EnvReader } from './env-reader';
import { opsSettings } from './ops.settings';
import { NodeEnv } from './runtime.settings';

describe('opsSettings', () => {
  const read = (env: Record<string, string>, nodeEnv: NodeEnv = 'production') => {
    const reader = new EnvReader(env);
    const runtime = { nodeEnv, dataDir: '/d', instanceId: 'i', shutdownTimeoutMs: 1000 };
    const http = { host: '0.0.0.0', port: 8080, trustProxy: false, corsOrigins: [], bodyLimitBytes: 1024 };
    return { ...opsSettings(reader, runtime, http as never), errors: reader.errors };
  };

  it('keeps metrics and the API docs private in production unless configured', () => {
    expect(read({})).toEqual({
      metrics: { token: undefined, exposure: 'off', port: undefined, host: '0.0.0.0' },
      apiDocs: false,
      errors: [],
    });
    expect(read({ METRICS_TOKEN: 's3cret', API_DOCS: 'true' })).toEqual(
      expect.objectContaining({ metrics: expect.objectContaining({ exposure: 'http-port' }), apiDocs: true }),
    );
  });

  it('serves both openly outside production', () => {
    expect(read({}, 'development')).toEqual(
      expect.objectContaining({ metrics: expect.objectContaining({ exposure: 'http-port' }), apiDocs: true }),
    );
  });

  it('moves metrics to a port of their own with METRICS_PORT, token or not', () => {
    expect(read({ METRICS_PORT: '9464', METRICS_HOST: '10.0.0.5' }).metrics).toEqual({
      token: undefined,
      exposure: 'own-port',
      port: 9464,
      host: '10.0.0.5',
    });
  });

  it('refuses a bad port or flag', () => {
    expect(read({ METRICS_PORT: 'x', API_DOCS: 'yes' }).errors).toEqual([
      'METRICS_PORT must be an integer (got "x")',
      'API_DOCS must be true or false (got "yes")',
    ]);
  });
});
