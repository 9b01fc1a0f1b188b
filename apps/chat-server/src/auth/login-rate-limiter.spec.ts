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
    );

  it('refuses a username/address after the allowed failures, with a retry delay', () => {
    const l = limiter();
    for (let i = 0; i < 3; i++) {
      l.check('Alice', '1.2.3.4');
      l.recordFailure('Alice', '1.2.3.4');
    }
    expect(() => l.check('alice', '1.2.3.4')).toThrow(TooManyAttemptsException);
    try {
      l.check('alice', '1.2.3.4');
    } catch (err) {
      expect((err as TooManyAttemptsException).retryAfterSeconds).toBeGreaterThan(0);
      expect((err as TooManyAttemptsException).getStatus()).toBe(429);
    }
    expect(() => l.check('alice', '5.6.7.8')).not.toThrow();
    expect(() => l.check('bob', '1.2.3.4')).not.toThrow();
  });

  it('a success clears the username/address counter', () => {
    const l = limiter();
    l.recordFailure('carol', '1.1.1.1');
    l.recordFailure('carol', '1.1.1.1');
    l.recordSuccess('carol', '1.1.1.1');
    l.recordFailure('carol', '1.1.1.1');
    expect(() => l.check('carol', '1.1.1.1')).not.toThrow();
  });

  it('limits one address spraying many usernames', () => {
    const l = limiter();
    for (let i = 0; i < 5; i++) l.recordFailure(`user${i}`, '9.9.9.9');
    expect(() => l.check('fresh-name', '9.9.9.9')).toThrow(TooManyAttemptsException);
  });

  it('limits one username guessed from many addresses, for every address', () => {
    const l = limiter();
    for (let i = 0; i < 4; i++) l.recordFailure('dave', `10.0.0.${i}`);
    expect(() => l.check('DAVE', '10.0.0.200')).toThrow(TooManyAttemptsException);
    expect(() => l.check('erin', '10.0.0.200')).not.toThrow();
  });
});
