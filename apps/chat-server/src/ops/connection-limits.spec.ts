import { effectiveMaxConnections, openFileLimit, RESERVED_DESCRIPTORS } from './connection-limits';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            1024                 524288               files
Max locked memory         8388608              8388608              bytes
`;

describe('descriptor budget', () => {
  it('reads the soft open-file limit of the process', () => {
    expect(openFileLimit(() => LIMITS)).toBe(1024);
    expect(openFileLimit(() => LIMITS.replace('1024   ', 'unlimited'))).toBeUndefined();
    expect(
      openFileLimit(() => {
        throw new Error('no /proc');
      }),
    ).toBeUndefined();
  });

  it('lowers HTTP_MAX_CONNECTIONS to what the descriptors allow, and says why', () => {
    expect(effectiveMaxConnections(10000, 1_048_576)).toEqual({ maxConnections: 10000 });
    const lowered = effectiveMaxConnections(10000, 1024);
    expect(lowered.maxConnections).toBe(1024 - RESERVED_DESCRIPTORS);
    expect(lowered.lowered).toMatch(/lowered from 10000 to 768: the open-file limit is 1024/);
    expect(effectiveMaxConnections(10000, undefined)).toEqual({ maxConnections: 10000 });
  });
});
