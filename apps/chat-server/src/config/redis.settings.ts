import { EnvReader } from './env-reader';

/** Redis for a cluster of instances (broker bus, cache invalidation, rate limits); off when unset. */
export interface RedisSettings {
  redisUrl?: string;
  /** Prefix of every Redis key and channel, so several deployments can share one Redis. */
  redisPrefix: string;
}

export function redisSettings(env: EnvReader): RedisSettings {
  const redisUrl = env.text('REDIS_URL');
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl))
    env.fail('REDIS_URL must start with redis:// or rediss://');
  return { redisUrl, redisPrefix: (env.text('REDIS_PREFIX') ?? 'chat').replace(/:+$/, '') };
}
