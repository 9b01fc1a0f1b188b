import { abuseSettings } from './abuse.settings';
import { EnvReader } from './env-reader';

describe('abuseSettings', () => {
  const read = (env: Record<string, string>) => {
    const reader = new EnvReader(env);
    return { ...abuseSettings(reader), errors: reader.errors };
  };

  it('defaults to Mattermost-like posting limits and shows e-mails as the documents do', () => {
    const s = read({});
    expect(s.limits.posts).toEqual({ perMinute: 600, burst: 100 });
    expect(s.limits.registerPerIp).toEqual({ perMinute: 1, burst: 20 });
    expect(s.limits.loginPerIp).toEqual({ perMinute: 60, burst: 100 });
    expect(s.limits.notifyPair).toEqual({ perMinute: 6, burst: 10 });
    expect(s.passwordHashQueue.maxQueued).toBe(64);
    expect(s.passwordHashQueue.maxQueuedPerAddress).toBe(4);
    expect(s.passwordHashQueue.concurrency).toBeGreaterThanOrEqual(1);
    expect(s.userEmailVisibility).toBe('all');
    expect(s.errors).toEqual([]);
  });

  it('reads every limit and reports bad values all at once', () => {
    expect(read({ POST_RATE_PER_MINUTE: '60', POST_BURST: '5' }).limits.posts).toEqual({
      perMinute: 60,
      burst: 5,
    });
    expect(read({ USER_EMAIL_VISIBILITY: 'admins' }).userEmailVisibility).toBe('admins');
    expect(
      read({ USER_EMAIL_VISIBILITY: 'nobody', DM_OPEN_BURST: '0', PASSWORD_HASH_QUEUE: 'x' }).errors,
    ).toEqual([
      'USER_EMAIL_VISIBILITY must be "all" or "admins" (got "nobody")',
      'DM_OPEN_BURST must be between 1 and 100000000 (got 0)',
      'PASSWORD_HASH_QUEUE must be an integer (got "x")',
    ]);
  });
});
