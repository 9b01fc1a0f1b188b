import { isWellFormedText } from '../common/validation/json-input';

/** The most bytes of UTF-8 one reaction's emoji may take (EXTENSIONS.md §4). */
export const MAX_EMOJI_BYTES = 32;

const SHORTCODE = /^:[a-z0-9_+-]{1,32}:$/;
/** One pictograph, with an optional skin tone and an optional tag sequence (subdivision flags). */
const PICTOGRAPH = String.raw`(?!\p{Regional_Indicator})(?:\p{Extended_Pictographic}|\p{Emoji_Presentation})\p{Emoji_Modifier}?(?:[\u{E0020}-\u{E007E}]+\u{E007F})?`;
/**
 * One emoji, after NFC and without U+FE0F: a flag (two regional indicators), a keycap, or
 * pictographs joined by single ZERO WIDTH JOINERs (no leading, trailing or doubled joiner).
 */
const EMOJI = new RegExp(
  String.raw`^(?:\p{Regional_Indicator}{2}|[#*0-9]\u20E3|${PICTOGRAPH}(?:\u200D${PICTOGRAPH})*)$`,
  'u',
);
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * The stored form of a reaction's emoji, or null when `raw` is not one: a shortcode `:name:`
 * (name 1-32 of `[a-z0-9_+-]`) as sent, or ONE emoji grapheme, NFC-normalised with U+FE0F
 * (variation selector 16) removed so that `❤` and `❤️` are one reaction, at most 32 bytes.
 */
export function normalizeEmoji(raw: string): string | null {
  if (raw.length > 4 * MAX_EMOJI_BYTES) return null;
  if (SHORTCODE.test(raw)) return raw;
  if (!isWellFormedText(raw)) return null;
  const emoji = raw.normalize('NFC').replace(/\uFE0F/g, '');
  if (!emoji || Buffer.byteLength(emoji, 'utf8') > MAX_EMOJI_BYTES) return null;
  let count = 0;
  for (const _ of graphemes.segment(emoji)) if (++count > 1) return null;
  return EMOJI.test(emoji) ? emoji : null;
}
