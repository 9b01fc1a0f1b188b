import { describe, expect, it } from '@jest/globals';
import { PresenceState } from './presence';

describe('PresenceState', () => {
  it('is offline for unknown users and stores statuses in lower case', () => {
    const s = new PresenceState();
    expect(s.get(1)).toBe('offline');
    expect(s.set(1, 'ONLINE')).toBe('online');
    expect(s.get(1)).toBe('online');
  });
});
