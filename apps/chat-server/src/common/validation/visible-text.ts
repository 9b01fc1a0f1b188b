import { ValidateBy, ValidationOptions } from 'class-validator';

/**
 * Characters that change how text is shown without being seen: controls (C0, C1, line and
 * paragraph separators), bidirectional embeddings, overrides and isolates (U+202A-202E,
 * U+2066-2069, the LRM/RLM/ALM marks), zero-width spaces and joiners, word joiners and invisible
 * operators, the byte-order mark, soft hyphens, tag characters, and letters that render as blanks
 * (Hangul fillers, the Braille blank). A name holding one can pose as another ("admin" vs
 * "adm\u200Bin") or reverse the text around it ("\u202Egnp.exe"). Only a ZERO WIDTH JOINER inside an
 * emoji sequence (👩‍💻: a pictograph on both sides) is kept.
 */
const CONTROL = /[\p{Cc}\p{Zl}\p{Zp}]/u;
/** Inclusive code point ranges of the other invisible characters (a class would hold combining ones). */
const INVISIBLE_RANGES: readonly [number, number][] = [
  [0x00ad, 0x00ad], // soft hyphen
  [0x034f, 0x034f], // combining grapheme joiner
  [0x061c, 0x061c], // Arabic letter mark
  [0x115f, 0x1160], // Hangul fillers
  [0x17b4, 0x17b5], // Khmer inherent vowels
  [0x180b, 0x180f], // Mongolian variation selectors and vowel separator
  [0x200b, 0x200f], // zero-width space, ZWNJ, ZWJ, LRM, RLM
  [0x202a, 0x202e], // bidi embeddings and overrides
  [0x2060, 0x206f], // word joiner, invisible operators, bidi isolates, deprecated format characters
  [0x2800, 0x2800], // Braille blank
  [0x3164, 0x3164], // Hangul filler
  [0xfe00, 0xfe0e], // variation selectors 1-15 (16 is an emoji's, kept)
  [0xfeff, 0xfeff], // byte-order mark
  [0xffa0, 0xffa0], // halfwidth Hangul filler
  [0xfff0, 0xfffb], // specials, interlinear annotations
  [0xe0000, 0xe007f], // tags
  [0x1d173, 0x1d17a], // musical formatting
];
const PICTOGRAPH = /\p{Extended_Pictographic}/u;
const ZWJ = 0x200d;

const isInvisible = (c: string): boolean => {
  const cp = c.codePointAt(0)!;
  return CONTROL.test(c) || INVISIBLE_RANGES.some(([from, to]) => cp >= from && cp <= to);
};
/** Whatever may stand next to a joiner inside an emoji sequence: a pictograph, a skin tone, VS16. */
const emojiPart = (c: string | undefined): boolean => {
  if (c === undefined) return false;
  const cp = c.codePointAt(0)!;
  return PICTOGRAPH.test(c) || (cp >= 0x1f3fb && cp <= 0x1f3ff) || cp === 0xfe0f;
};

/** The first invisible or direction-changing character of `text` (as U+XXXX), or undefined. */
export function invisibleCharacter(text: string): string | undefined {
  const chars = [...text];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c.codePointAt(0) === ZWJ && emojiPart(chars[i - 1]) && emojiPart(chars[i + 1])) continue;
    if (isInvisible(c)) return `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return undefined;
}

/** A string with no invisible or direction-changing character (see invisibleCharacter). */
export function VisibleText(options: ValidationOptions = {}): PropertyDecorator {
  return ValidateBy(
    {
      name: 'visibleText',
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || invisibleCharacter(value) === undefined,
        defaultMessage: (args) =>
          `$property must not contain invisible or direction-changing characters (found ${invisibleCharacter(String(args?.value)) ?? 'one'})`,
      },
    },
    options,
  );
}
