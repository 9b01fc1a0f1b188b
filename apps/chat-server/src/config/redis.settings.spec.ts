import { EnvReader } from './env-reader';
import { redisSettings } from './redis.settings';

describe('redisSettings', () => {
  const read = (env: Record<string, string>) => {
    const reader = new EnvReader(env);
    return { ...redisSettings(reader), errors: reader.errors };
  };

  it('is off by default with the "chat" prefix', () => {
    expect(read({})).toEqual({ redisUrl: undefined, redisPrefix: 'chat', errors: [] });
  });

  it('takes redis:// and rediss:// urls and a prefix without trailing colons', () => {
    expect(read({ REDIS_URL: 'rediss://h:6380', REDIS_PREFIX: 'blue::' })).toEqual({
      redisUrl: 'rediss://h:6380',
      redisPrefix: 'blue',
      errors: [],
    });
    expect(read({ REDIS_URL: 'http://h' }).errors).toEqual([
      'REDIS_URL must start with redis:// or rediss://',
    ]);
  });
});
