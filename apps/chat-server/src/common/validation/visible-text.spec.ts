import { invisibleCharacter } from './visible-text';

describe('invisibleCharacter', () => {
  it('accepts ordinary names in any script, emoji and emoji sequences', () => {
    for (const name of [
      'general',
      'Équipe produit',
      'مرحبا',
      'こんにちは',
      'café ☕',
      '👩‍💻 devs',
      '🏳️‍🌈',
      'a-b_c.d',
    ])
      expect(invisibleCharacter(name)).toBeUndefined();
  });

  it('names the first control, bidi, zero-width or blank character', () => {
    expect(invisibleCharacter('\u202Egnp.exe')).toBe('U+202E');
    expect(invisibleCharacter('abc\u2066def\u2069')).toBe('U+2066');
    expect(invisibleCharacter('adm\u200Bin')).toBe('U+200B');
    expect(invisibleCharacter('adm\u200Din')).toBe('U+200D');
    expect(invisibleCharacter('a\u200Fb')).toBe('U+200F');
    expect(invisibleCharacter('line\nbreak')).toBe('U+000A');
    expect(invisibleCharacter('tab\there')).toBe('U+0009');
    expect(invisibleCharacter('\u0085')).toBe('U+0085');
    expect(invisibleCharacter('bom\uFEFF')).toBe('U+FEFF');
    expect(invisibleCharacter('soft\u00ADhyphen')).toBe('U+00AD');
    expect(invisibleCharacter('\u3164')).toBe('U+3164');
    expect(invisibleCharacter('tag\u{E0041}')).toBe('U+E0041');
    expect(invisibleCharacter('\u200D👩')).toBe('U+200D');
  });
});
