import { describe, expect, it } from '@jest/globals';
import { OwnTyping, TYPING_REFRESH_MS, TYPING_SHOWN_MS, TypingState, typingText } from './typing';

describe('TypingState', () => {
  it('shows a typist until the indicator expires or they stop', () => {
    const s = new TypingState();
    s.apply(2, 'bob', true, 1000);
    s.apply(3, undefined, true, 2000);
    expect(s.names(1000)).toEqual(['bob', 'user 3']);
    expect(s.nextExpiry()).toBe(1000 + TYPING_SHOWN_MS);
    expect(s.names(1000 + TYPING_SHOWN_MS)).toEqual(['user 3']);
    s.apply(3, 'carol', false, 2500);
    expect(s.names(2500)).toEqual([]);
    expect(s.nextExpiry()).toBeUndefined();
  });

  it('drops a typist who sent a message', () => {
    const s = new TypingState();
    s.apply(2, 'bob', true, 0);
    expect(s.stopped(2)).toBe(true);
    expect(s.stopped(2)).toBe(false);
  });

  it('words one to three names, then "several"', () => {
    expect(typingText([])).toBe('');
    expect(typingText(['a'])).toBe('a is typing…');
    expect(typingText(['a', 'b'])).toBe('a and b are typing…');
    expect(typingText(['a', 'b', 'c'])).toBe('a, b and c are typing…');
    expect(typingText(['a', 'b', 'c', 'd'])).toBe('Several people are typing…');
  });
});

describe('OwnTyping', () => {
  it('says typing:true once per refresh interval per room and remembers the room to stop', () => {
    const s = new OwnTyping();
    expect(s.typed(1, 0)).toBe(true);
    expect(s.typed(1, TYPING_REFRESH_MS)).toBe(false);
    expect(s.typed(2, TYPING_REFRESH_MS)).toBe(true);
    expect(s.typed(2, 2 * TYPING_REFRESH_MS + 1)).toBe(true);
    expect(s.stop()).toBe(2);
    expect(s.stop()).toBeUndefined();
    expect(s.typed(2, 2 * TYPING_REFRESH_MS + 2)).toBe(true);
  });
});
