import { describe, expect, it } from '@jest/globals';
import { replaceShortcodes } from './emoji';

describe('replaceShortcodes', () => {
  it('turns known shortcodes into emoji and keeps the caret after them', () => {
    expect(replaceShortcodes('ship it :rocket:')).toEqual({ text: 'ship it 🚀', caret: 'ship it 🚀'.length });
    expect(replaceShortcodes(':+1: and :tada: ok', 4)).toEqual({ text: '👍 and 🎉 ok', caret: 2 });
  });

  it('leaves unknown shortcodes, times and half-typed codes alone', () => {
    expect(replaceShortcodes(':nope: at 10:30:15 :smi').text).toBe(':nope: at 10:30:15 :smi');
  });
});
