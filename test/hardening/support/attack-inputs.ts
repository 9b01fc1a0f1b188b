import fc from 'fast-check';

/**
 * Hostile values as raw JSON text, so that what cannot be written as a JS value (1e309, -0, a
 * `__proto__` own key, 4000 levels of nesting) reaches the server exactly as an attacker sends it.
 */
const str = (s: string) => JSON.stringify(s);
const nested = (depth: number, open: string, close: string, leaf = '1') =>
  open.repeat(depth) + leaf + close.repeat(depth);

export const HUGE_STRINGS: Record<string, string> = {
  'x*5000': str('x'.repeat(5000)),
  'é*20000': str('é'.repeat(20_000)),
  'spaces*20000+a': str(`${' '.repeat(20_000)}a`),
  'emoji*5000': str('😀'.repeat(5000)),
};

export const UNICODE_EDGES: Record<string, string> = {
  'lone high surrogate': str('\uD800'),
  'lone low surrogate inside': str('a\uDC00b'),
  'reversed surrogates': str('\uDC00\uD800'),
  'RTL override': str('\u202Eevil\u202C'),
  'zero-width only': str('\u200B\u200C\u200D'),
  'BOM only': str('\uFEFF'),
  'family emoji ZWJ': str('👩‍👩‍👧‍👦'),
  NUL: str('a\u0000b'),
  'NUL only': str('\u0000'),
  'combining zalgo': str('Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǒ̝'),
  'max code point': str('\u{10FFFF}'),
  'CR LF': str('a\r\nb'),
  'mathematical letters': str('𝔘𝔫𝔦𝔠𝔬𝔡𝔢'),
  'arabic digit one': str('١'),
  'fullwidth digit one': str('１'),
  'variation selectors (100 counted, 200 code points)': str('a\uFE0F'.repeat(100)),
  'variation selectors (600 counted, 1200 code points)': str('a\uFE0F'.repeat(600)),
  'dotted capital I *100 (lower-cases to 200 units)': str('\u0130'.repeat(100)),
  'empty string': str(''),
  'whitespace only': str(' \t\n '),
};

export const NUMBERS: Record<string, string> = {
  '1e309': '1e309',
  '-1e309': '-1e309',
  '-0': '-0',
  '0': '0',
  '-1': '-1',
  '1.5': '1.5',
  '2^31': '2147483648',
  '2^53+1': '9007199254740993',
  '1e21': '1e21',
  '5e-324': '5e-324',
  '"NaN"': str('NaN'),
  '"Infinity"': str('Infinity'),
  '"-1"': str('-1'),
  '"1e3"': str('1e3'),
  '"0x10"': str('0x10'),
  '" 1"': str(' 1'),
  '"01"': str('01'),
  '"+1"': str('+1'),
  '"99999999999999999999"': str('99999999999999999999'),
};

export const WRONG_TYPES: Record<string, string> = {
  null: 'null',
  true: 'true',
  false: 'false',
  '{}': '{}',
  '[]': '[]',
  '[1]': '[1]',
  '["a","b"]': '["a","b"]',
  '{"a":1}': '{"a":1}',
  'array of 10000': `[${Array.from({ length: 10_000 }, () => '1').join(',')}]`,
  'nested array 4000': nested(4000, '[', ']'),
  'nested object 4000': nested(4000, '{"a":', '}'),
  'nested object 40': nested(40, '{"a":', '}'),
};

export const PROTO_VALUES: Record<string, string> = {
  '{"__proto__":{"isAdmin":true}}': '{"__proto__":{"isAdmin":true}}',
  '{"constructor":{"prototype":{"x":1}}}': '{"constructor":{"prototype":{"x":1}}}',
  '{"prototype":{}}': '{"prototype":{}}',
};

export const INJECTION_STRINGS: Record<string, string> = {
  'sql drop': str("'; DROP TABLE users; --"),
  'sql or': str('" OR 1=1 --'),
  'like %': str('%'),
  'like _': str('_'),
  backslashes: str('\\\\\\'),
  script: str('<script>alert(1)</script>'),
};

/** Every hostile field value, by name: the deterministic sweep goes through all of them. */
export const HOSTILE_VALUES: Record<string, string> = {
  ...HUGE_STRINGS,
  ...UNICODE_EDGES,
  ...NUMBERS,
  ...WRONG_TYPES,
  ...PROTO_VALUES,
  ...INJECTION_STRINGS,
};

/** Extra top-level keys an attacker adds to a body. */
export const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'roles', 'id', 'isAdmin', ''];

/** Whole bodies that are not the object an endpoint expects. */
export const HOSTILE_BODIES: Record<string, string> = {
  'JSON null': 'null',
  'JSON array': '[]',
  'array of the object': '[{"a":1}]',
  'JSON string': str('hello'),
  'JSON number': '42',
  'JSON true': 'true',
  'empty object': '{}',
  'proto pollution': '{"__proto__":{"roles":["ROLE_ADMIN"]}}',
  'constructor pollution': '{"constructor":{"prototype":{"roles":["ROLE_ADMIN"]}}}',
  'deep nesting 4000': nested(4000, '{"a":', '}'),
  'deep array 4000': nested(4000, '[', ']'),
  'truncated JSON': '{"a":',
  'trailing garbage': '{}garbage',
  'duplicate keys': '{"a":1,"a":2}',
  'over the body limit': str('x'.repeat(300_000)),
};

/** Hostile query-parameter values (already URL-encoded where needed). */
export const HOSTILE_QUERY_VALUES: string[] = [
  '',
  '-1',
  '-0',
  '1e309',
  '1.5',
  'NaN',
  'Infinity',
  '9007199254740993',
  '99999999999999999999',
  '0x10',
  '%20',
  '%00',
  '%zz',
  '%',
  '%E0%A4%A',
  '%ED%A0%80',
  '%F0%9F%98%80',
  encodeURIComponent("'; DROP TABLE users; --"),
  encodeURIComponent('<script>alert(1)</script>'),
  encodeURIComponent('%_\\'),
  'true',
  'TRUE',
  'x'.repeat(5000),
  '1,2,3',
  ','.repeat(300),
  Array.from({ length: 250 }, (_, i) => i + 1).join(','),
];

export const HOSTILE_QUERY_KEYS = ['__proto__', 'constructor', 'prototype', 'constructor[prototype]', 'a[]'];

/** Percent-encodes a string's UTF-8 bytes (lone surrogates become U+FFFD, as a browser sends them). */
export const encodeBytes = (s: string) =>
  [...Buffer.from(s, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join('');

/** Hostile path segments for `:id` / `:username` parameters (already URL-encoded). */
export const HOSTILE_PATH_SEGMENTS: string[] = [
  '0',
  '-1',
  '-0',
  '1.5',
  '1e3',
  '1e309',
  'NaN',
  'Infinity',
  '9007199254740993',
  '2147483648',
  '99999999999999999999',
  '0x10',
  '+1',
  '01',
  '%20',
  '%00',
  '%zz',
  '%E0%A4%A',
  '%ED%A0%80',
  encodeBytes('\uD800'),
  encodeBytes('١'),
  encodeBytes('\u202E1'),
  encodeURIComponent("1' OR '1'='1"),
  encodeURIComponent('1; DROP TABLE users'),
  '%25',
  '_',
  '__proto__',
  'constructor',
  'x'.repeat(199),
  'x'.repeat(400),
];

/** A raw JSON value: mostly hostile, sometimes an arbitrary JSON value fast-check makes up. */
export const hostileJson = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...Object.values(HOSTILE_VALUES)) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null') },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }).map((s) => JSON.stringify(s)) },
    {
      weight: 1,
      arbitrary: fc.oneof(fc.integer(), fc.double(), fc.bigInt()).map((n) => String(n).replace('n', '')),
    },
  );

/** A JSON object text from raw member texts (keys may repeat and may be `__proto__`). */
export const objectText = (members: [string, string][]) =>
  `{${members.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;
