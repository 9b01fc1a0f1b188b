import fc from 'fast-check';
import { MAX_EMOJI_BYTES, normalizeEmoji } from './emoji';

describe('normalizeEmoji', () => {
  it.each([
    ['👍', '👍'],
    ['❤️', '❤'],
    ['❤', '❤'],
    ['👍🏽', '👍🏽'],
    ['🇫🇷', '🇫🇷'],
    ['1️⃣', '1\u20E3'],
    ['👨‍👩‍👧‍👦', '👨‍👩‍👧‍👦'],
    ['🏳️‍🌈', '🏳‍🌈'],
    ['🏴󠁧󠁢󠁳󠁣󠁴󠁿', '🏴󠁧󠁢󠁳󠁣󠁴󠁿'],
    [':thumbsup:', ':thumbsup:'],
    [':+1:', ':+1:'],
    [`:${'a'.repeat(32)}:`, `:${'a'.repeat(32)}:`],
  ])('accepts %s as %s', (raw, stored) => {
    expect(normalizeEmoji(raw)).toBe(stored);
  });

  it.each([
    ['two emojis', '👍👍'],
    ['text', 'a'],
    ['a word', 'ok'],
    ['a digit', '1'],
    ['empty', ''],
    ['only a variation selector', '\uFE0F'],
    ['a 33-byte shortcode name', `:${'a'.repeat(33)}:`],
    ['an upper-case shortcode', ':Smile:'],
    ['a shortcode with a space', ':a b:'],
    ['an empty shortcode', '::'],
    ['a trailing joiner', '👍\u200D'],
    ['a leading joiner', '\u200D👍'],
    ['a doubled joiner', '👍\u200D\u200D👍'],
    ['a lone joiner', '\u200D'],
    ['a joiner to a letter', '👍\u200Da'],
    ['an emoji with a combining mark', '👍\u0301'],
    ['a lone regional indicator', '🇫'],
    ['three regional indicators', '🇫🇷🇫'],
    ['a lone surrogate', '\uD83D'],
    ['a null byte', '👍\u0000'],
    ['a percent-encoded emoji left encoded', '%F0%9F%91%8D'],
    ['more than 32 bytes joined into one grapheme', Array(6).fill('👨').join('\u200D')],
  ])('refuses %s', (_name, raw) => {
    expect(normalizeEmoji(raw)).toBeNull();
  });

  it('keeps every accepted emoji within 32 bytes and one grapheme, and is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 3 }), (raw) => {
        const stored = normalizeEmoji(raw);
        if (stored === null) return;
        expect(Buffer.byteLength(stored)).toBeLessThanOrEqual(MAX_EMOJI_BYTES);
        expect(normalizeEmoji(stored)).toBe(stored);
        expect(stored.includes('\uFE0F')).toBe(false);
      }),
    );
  });
});
