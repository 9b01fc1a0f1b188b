import { EnvReader } from './env-reader';
import { loggingSettings } from './logging.settings';
import { NodeEnv } from './runtime.settings';

describe('loggingSettings', () => {
  const read = (env: Record<string, string>, nodeEnv: NodeEnv = 'production') => {
    const reader = new EnvReader(env);
    const runtime = { nodeEnv, dataDir: '/tmp', instanceId: 'i', shutdownTimeoutMs: 1000 };
    return { ...loggingSettings(reader, runtime), errors: reader.errors };
  };

  it('logs JSON at info, and at warn under test', () => {
    expect(read({})).toEqual({ logLevel: 'info', logPretty: false, errors: [] });
    expect(read({}, 'test').logLevel).toBe('warn');
  });

  it('takes LOG_LEVEL and LOG_PRETTY, and names the allowed levels', () => {
    expect(read({ LOG_LEVEL: 'debug', LOG_PRETTY: 'true' })).toMatchObject({
      logLevel: 'debug',
      logPretty: true,
    });
    expect(read({ LOG_LEVEL: 'loud' }).errors).toEqual([
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
    ]);
  });
});
