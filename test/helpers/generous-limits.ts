/**
 * Every client of a test is 127.0.0.1 and a few users do most of the work: the abuse limits
 * (README "Configuration") are lifted so that only the specs about them (which set their own)
 * meet them.
 */
export const GENEROUS_LIMITS: Record<string, string> = {
  LOGIN_MAX_FAILURES_PER_ACCOUNT: '100000',
  ...Object.fromEntries(
    ['REGISTER', 'LOGIN', 'POST', 'DM_OPEN', 'ROOM_CREATE', 'NOTIFY', 'NOTIFY_PAIR'].flatMap((name) => [
      [`${name}_RATE_PER_MINUTE`, '100000000'],
      [`${name}_BURST`, '100000000'],
    ]),
  ),
  PASSWORD_HASH_QUEUE: '100000',
  PASSWORD_HASH_QUEUE_PER_ADDRESS: '100000',
};
