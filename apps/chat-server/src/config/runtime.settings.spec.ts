import { resolve } from 'node:path';
import { EnvReader } from './env-reader';
import { runtimeSettings } from './runtime.settings';

describe('runtimeSettings', () => {
  it('is development in ./data with a random instance id by default', () => {
    const s = runtimeSettings(new EnvReader({}));
    expect(s).toMatchObject({ nodeEnv: 'development', dataDir: resolve('data'), shutdownTimeoutMs: 10000 });
    expect(s.instanceId).toMatch(/^[0-9a-f]{12}$/);
  });

  it('knows production and test, and treats anything else as development', () => {
    expect(runtimeSettings(new EnvReader({ NODE_ENV: ' production ' })).nodeEnv).toBe('production');
    expect(runtimeSettings(new EnvReader({ NODE_ENV: 'test' })).nodeEnv).toBe('test');
    expect(runtimeSettings(new EnvReader({ NODE_ENV: 'staging' })).nodeEnv).toBe('development');
  });

  it('takes INSTANCE_ID and a bounded SHUTDOWN_TIMEOUT_MS', () => {
    const reader = new EnvReader({ INSTANCE_ID: ' a1 ', SHUTDOWN_TIMEOUT_MS: '5' });
    expect(runtimeSettings(reader).instanceId).toBe('a1');
    expect(reader.errors).toEqual(['SHUTDOWN_TIMEOUT_MS must be between 100 and 600000 (got 5)']);
  });
});
