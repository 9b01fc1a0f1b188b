import { availableParallelism } from 'node:os';
import { EnvReader } from './env-reader';

/** A token bucket: `perMinute` tokens come back each minute, at most `burst` are held. */
export interface RateSettings {
  perMinute: number;
  burst: number;
}

/**
 * What one account or one address may cost the server (docs/RELIABILITY.md, "Rate limits and size
 * limits"): request rates per user, per address and per (sender, recipient), and the password
 * hashing queue. Every limit is counted per instance.
 */
export interface AbuseSettings {
  limits: {
    /** Registrations per client address (successes included). */
    registerPerIp: RateSettings;
    /** Login attempts per client address, successes included (failures have their own limits too). */
    loginPerIp: RateSettings;
    /** Messages sent per user (REST and STOMP). */
    posts: RateSettings;
    /** Direct-message rooms opened (created, or re-joined) per user. */
    directOpens: RateSettings;
    /** PUBLIC/PRIVATE rooms created per user. */
    roomCreations: RateSettings;
    /** Notifications a user sends through `POST /notifications`, whatever the recipient. */
    notifySends: RateSettings;
    /** Notifications caused by one user for one recipient (sent, mentions, replies, direct messages, invites). */
    notifyPair: RateSettings;
  };
  passwordHashQueue: {
    /** Hashes computed at once (each holds one libuv thread and ARGON2_MEMORY_KIB of memory). */
    concurrency: number;
    /** Hashes waiting, in all; one more is a 503 with Retry-After. */
    maxQueued: number;
    /** Hashes waiting for one client address; one more is a 503 with Retry-After. */
    maxQueuedPerAddress: number;
  };
  /** Who sees other users' e-mail addresses and roles (docs/API-DECISIONS.md, "Privacy"). */
  userEmailVisibility: 'all' | 'admins';
}

const rate = (env: EnvReader, name: string, perMinute: number, burst: number): RateSettings => ({
  perMinute: env.int(`${name}_RATE_PER_MINUTE`, perMinute, 1, 100_000_000),
  burst: env.int(`${name}_BURST`, burst, 1, 100_000_000),
});

export function abuseSettings(env: EnvReader): AbuseSettings {
  const visibility = env.text('USER_EMAIL_VISIBILITY') ?? 'all';
  if (visibility !== 'all' && visibility !== 'admins')
    env.fail(`USER_EMAIL_VISIBILITY must be "all" or "admins" (got "${visibility}")`);
  return {
    limits: {
      registerPerIp: rate(env, 'REGISTER', 1, 20),
      loginPerIp: rate(env, 'LOGIN', 60, 100),
      posts: rate(env, 'POST', 600, 100),
      directOpens: rate(env, 'DM_OPEN', 60, 20),
      roomCreations: rate(env, 'ROOM_CREATE', 10, 10),
      notifySends: rate(env, 'NOTIFY', 60, 30),
      notifyPair: rate(env, 'NOTIFY_PAIR', 6, 10),
    },
    passwordHashQueue: {
      concurrency: env.int('PASSWORD_HASH_CONCURRENCY', Math.min(4, availableParallelism()), 1, 64),
      maxQueued: env.int('PASSWORD_HASH_QUEUE', 64, 1, 100_000),
      maxQueuedPerAddress: env.int('PASSWORD_HASH_QUEUE_PER_ADDRESS', 4, 1, 100_000),
    },
    userEmailVisibility: visibility === 'admins' ? 'admins' : 'all',
  };
}
