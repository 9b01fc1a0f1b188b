import { EnvReader } from './env-reader';

describe('EnvReader', () => {
  it('reads integers within bounds, the default when blank, and collects every problem', () => {
    const env = new EnvReader({ A: ' 42 ', B: '', C: 'ten', D: '7' });
    expect(env.int('A', 1, 0, 100)).toBe(42);
    expect(env.int('B', 5, 0, 100)).toBe(5);
    expect(env.int('MISSING', 6, 0, 100)).toBe(6);
    expect(env.int('C', 3, 0, 100)).toBe(3);
    env.int('D', 1, 10, 20);
    expect(env.errors).toEqual(['C must be an integer (got "ten")', 'D must be between 10 and 20 (got 7)']);
  });

  it('trims text, treats blank as unset and reads "true"/"1" as flags', () => {
    const env = new EnvReader({ T: '  x ', BLANK: '  ', ON: '1', YES: 'true', OFF: 'yes' });
    expect(env.text('T')).toBe('x');
    expect(env.text('BLANK')).toBeUndefined();
    expect(env.raw('T')).toBe('  x ');
    expect([env.flag('ON'), env.flag('YES'), env.flag('OFF'), env.flag('MISSING')]).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });
});
