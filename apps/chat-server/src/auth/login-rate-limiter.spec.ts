import { InMemoryCounterStore } from '../common/rate-limit/counter-store';
import { AppConfig, loadSettings } from '../config/app-config';
import { LoginRateLimiter, TooManyAttemptsException } from './login-rate-limiter';

describe('LoginRateLimiter', () => {
  const limiter = () =>
    new LoginRateLimiter(
      new AppConfig(
        loadSettings({
          JWT_SECRET: 'x'.repeat(32),
          LOGIN_MAX_FAILURES: '3',
          LOGIN_MAX_FAILURES_PER_IP: '5',
          LOGIN_MAX_FAILURES_PER_ACCOUNT: '4',
          LOGIN_WINDOW_SECONDS: '60',
        }),
      ),
      new InMemoryCounterStore(),
    );

  it('refuses a username/address after the allowed failures, with a retry delay', async () => {
    const l = limiter();
    for (let i = 0; i < 3; i++) {
      await l.check('Alice', '1.2.3.4');
      await l.recordFailure('Alice', '1.2.3.4');
    }
    const err = await l.check('alice', '1.2.3.4').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TooManyAttemptsException);
    expect((err as TooManyAttemptsException).retryAfterSeconds).toBeGreaterThan(0);
    expect((err as TooManyAttemptsException).getStatus()).toBe(429);
    await expect(l.check('alice', '5.6.7.8')).resolves.toBeUndefined();
    await expect(l.check('bob', '1.2.3.4')).resolves.toBeUndefined();
  });

  it('a success clears the username/address counter', async () => {
    const l = limiter();
    await l.recordFailure('carol', '1.1.1.1');
    await l.recordFailure('carol', '1.1.1.1');
    await l.recordSuccess('carol', '1.1.1.1');
    await l.recordFailure('carol', '1.1.1.1');
    await expect(l.check('carol', '1.1.1.1')).resolves.toBeUndefined();
  });

  it('limits one address spraying many usernames', async () => {
    const l = limiter();
    for (let i = 0; i < 5; i++) await l.recordFailure(`user${i}`, '9.9.9.9');
    await expect(l.check('fresh-name', '9.9.9.9')).rejects.toThrow(TooManyAttemptsException);
  });

  it('limits one username guessed from many addresses, for every address', async () => {
    const l = limiter();
    for (let i = 0; i < 4; i++) await l.recordFailure('dave', `10.0.0.${i}`);
    await expect(l.check('DAVE', '10.0.0.200')).rejects.toThrow(TooManyAttemptsException);
    await expect(l.check('erin', '10.0.0.200')).resolves.toBeUndefined();
  });
});
