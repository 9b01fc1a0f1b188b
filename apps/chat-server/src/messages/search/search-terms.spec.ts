import fc from 'fast-check';
import {
  fts5Query,
  INNODB_DEFAULT_STOPWORDS,
  mysqlFulltextQuery,
  parseSearchTerms,
  SearchTerm,
} from './search-terms';

const LIMITS = { minToken: 3, maxToken: 84, stopwords: new Set(INNODB_DEFAULT_STOPWORDS) };

describe('parseSearchTerms', () => {
  it.each<[string, SearchTerm[]]>([
    [
      'deploy cluster',
      [
        { kind: 'word', word: 'deploy' },
        { kind: 'word', word: 'cluster' },
      ],
    ],
    ['deploy*', [{ kind: 'prefix', word: 'deploy' }]],
    [
      '"release notes" q4',
      [
        { kind: 'phrase', words: ['release', 'notes'] },
        { kind: 'word', word: 'q4' },
      ],
    ],
    ['"unclosed phrase here', [{ kind: 'phrase', words: ['unclosed', 'phrase', 'here'] }]],
    ['"single"', [{ kind: 'word', word: 'single' }]],
    [
      "e-mail don't",
      [
        { kind: 'phrase', words: ['e', 'mail'] },
        { kind: 'phrase', words: ['don', 't'] },
      ],
    ],
    [
      'e-ma*',
      [
        { kind: 'word', word: 'e' },
        { kind: 'prefix', word: 'ma' },
      ],
    ],
    ['feature_flag', [{ kind: 'word', word: 'feature_flag' }]],
    ['Deploy deploy DEPLOY', [{ kind: 'word', word: 'Deploy' }]],
    [
      '+a -b (c) ~d <e >f @g',
      ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((word) => ({ kind: 'word' as const, word })),
    ],
    ['content:secret', [{ kind: 'phrase', words: ['content', 'secret'] }]],
    [
      'NEAR(a b)',
      [
        { kind: 'phrase', words: ['NEAR', 'a'] },
        { kind: 'word', word: 'b' },
      ],
    ],
    ['* ** "" " "', []],
    ['Cafe\u0301', [{ kind: 'word', word: 'Café' }]],
    ['___* _ \u0301\u0301\u0301*', []],
    ['__init__', [{ kind: 'word', word: '__init__' }]],
    ['क्षत्रिय', [{ kind: 'phrase', words: ['क', 'षत', 'र', 'य'] }]],
  ])('%j', (q, terms) => {
    expect(parseSearchTerms(q)).toEqual(terms);
  });

  it('never yields a character outside letters, digits and _, nor a word without a letter or digit (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (q) => {
        for (const t of parseSearchTerms(q))
          for (const w of t.kind === 'phrase' ? t.words : [t.word])
            expect(w).toMatch(/^[\p{L}\p{N}_]*[\p{L}\p{N}][\p{L}\p{N}_]*$/u);
      }),
    );
  });
});

describe('engine queries', () => {
  const terms = parseSearchTerms('the Deploy* "release notes" ok "to be" cluster');

  it('FTS5: every term quoted, prefixes as "pre"*', () => {
    expect(fts5Query(terms)).toBe('"the" "Deploy"* "release notes" "ok" "to be" "cluster"');
  });

  it('MySQL: indexable terms required, stop words and short words as whole-word patterns', () => {
    expect(mysqlFulltextQuery(terms, LIMITS)).toEqual({
      against: '+Deploy* +"release notes" +cluster',
      patterns: [
        '(*UCP)(?<![\\p{L}\\p{N}_])the(?![\\p{L}\\p{N}_])',
        '(*UCP)(?<![\\p{L}\\p{N}_])ok(?![\\p{L}\\p{N}_])',
        '(*UCP)(?<![\\p{L}\\p{N}_])to[^\\p{L}\\p{N}_]+be(?![\\p{L}\\p{N}_])',
      ],
    });
  });

  it('MySQL: a phrase with one indexable word stays in the MATCH; nothing indexable is null', () => {
    expect(mysqlFulltextQuery(parseSearchTerms('"ok go now"'), LIMITS)).toEqual({
      against: '+"ok go now"',
      patterns: [],
    });
    expect(mysqlFulltextQuery(parseSearchTerms('ok "on the" With'), LIMITS)).toBeNull();
    expect(mysqlFulltextQuery(parseSearchTerms('x'.repeat(85)), LIMITS)).toBeNull();
    expect(mysqlFulltextQuery(parseSearchTerms('ok'), { ...LIMITS, minToken: 2 })).toEqual({
      against: '+ok',
      patterns: [],
    });
  });
});
