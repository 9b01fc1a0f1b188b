import { describe, expect, it } from '@jest/globals';
import { check, emailError, passwordError, roomNameError, statusWords, usernameError } from './rules';

describe('input rules (as the server checks them)', () => {
  it('usernames: 3-32 letters, digits, _ . -', () => {
    for (const ok of ['abc', 'a.b-c_d', 'x'.repeat(32)]) expect(usernameError(ok)).toBeUndefined();
    for (const bad of ['ab', 'x'.repeat(33), 'has space', 'émile', 'a@b'])
      expect(usernameError(bad)).toBeDefined();
  });

  it('e-mail, password and room name', () => {
    expect(emailError('a@example.com')).toBeUndefined();
    for (const bad of ['', 'a', 'a@b', 'a b@example.com', `${'x'.repeat(250)}@example.com`])
      expect(emailError(bad)).toBeDefined();
    expect(passwordError('12345678')).toBeUndefined();
    expect(passwordError('1234567')).toBeDefined();
    expect(passwordError('x'.repeat(129))).toBeDefined();
    expect(roomNameError('  general ')).toBeUndefined();
    expect(roomNameError('   ')).toBeDefined();
    expect(roomNameError('x'.repeat(101))).toBeDefined();
  });

  it('check keeps the failing fields in order', () => {
    expect(
      check({ username: usernameError('ab'), password: passwordError('12345678'), email: 'bad' }),
    ).toEqual([
      { field: 'username', message: expect.any(String) },
      { field: 'email', message: 'bad' },
    ]);
  });

  it('says every status in words, never a bare number', () => {
    for (const status of [0, 400, 401, 403, 404, 409, 413, 429, 500, 503, 418])
      expect(statusWords(status)).not.toMatch(/\d{3}/);
  });
});
