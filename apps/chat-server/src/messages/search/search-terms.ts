/**
 * The search language of `GET /api/v1/messages/search` (EXTENSIONS.md §6), parsed here into
 * terms made of word characters only; the engine queries are built from those terms alone, so no
 * character of `q` ever reaches a full-text engine's syntax (`+ - < > ( ) ~ * " @`, `NEAR`,
 * `AND`/`OR`/`NOT`, `column:` are words or separators, never operators).
 *
 * - A word is a run of letters, digits and `_` (after NFC normalisation) holding at least one
 *   letter or digit: what both engines index as one token (for both, combining marks that remain
 *   separate characters split words, as in many Indic scripts); everything else separates words.
 * - `word*` is a prefix. `"a quoted phrase"` is a phrase; an unclosed quote runs to the end.
 * - A chunk of several words joined by separators (`e-mail`, `don't`) is a phrase of them; with a
 *   trailing `*` its words are separate terms, the last a prefix.
 * - Every term must match (AND). Terms are compared case-insensitively (duplicates dropped).
 */
export type SearchTerm =
  { kind: 'word'; word: string } | { kind: 'prefix'; word: string } | { kind: 'phrase'; words: string[] };

const WORD = /[\p{L}\p{N}_]+/gu;
const HAS_LETTER = /[\p{L}\p{N}]/u;

export function parseSearchTerms(q: string): SearchTerm[] {
  const terms: SearchTerm[] = [];
  const seen = new Set<string>();
  const add = (term: SearchTerm) => {
    const key = JSON.stringify(term).toLowerCase();
    if (!seen.has(key)) {
      seen.add(key);
      terms.push(term);
    }
  };
  // Outside quotes at even indexes, inside at odd ones (an unclosed quote's rest included).
  q.normalize('NFC')
    .split('"')
    .forEach((segment, index) => {
      if (index % 2 === 1) {
        const words = wordsOf(segment);
        if (words.length === 1) add({ kind: 'word', word: words[0] });
        else if (words.length > 1) add({ kind: 'phrase', words });
        return;
      }
      for (const chunk of segment.split(/\s+/)) {
        const words = wordsOf(chunk);
        if (!words.length) continue;
        const last = words[words.length - 1];
        const prefix = chunk[chunk.lastIndexOf(last) + last.length] === '*';
        if (prefix) {
          for (const w of words.slice(0, -1)) add({ kind: 'word', word: w });
          add({ kind: 'prefix', word: last });
        } else if (words.length === 1) add({ kind: 'word', word: last });
        else add({ kind: 'phrase', words });
      }
    });
  return terms;
}

/** The words of a piece of `q`: a run of `_` alone is no word (InnoDB would read `___*` as `*`). */
function wordsOf(text: string): string[] {
  return (text.match(WORD) ?? []).filter((w) => HAS_LETTER.test(w));
}

/**
 * SQLite FTS5: every term quoted (a quoted string is always a string or a phrase to FTS5, never
 * an operator or a column filter), a prefix as `"pre"*`; juxtaposed terms are ANDed.
 */
export function fts5Query(terms: readonly SearchTerm[]): string {
  return terms
    .map((t) =>
      t.kind === 'phrase' ? `"${t.words.join(' ')}"` : t.kind === 'prefix' ? `"${t.word}"*` : `"${t.word}"`,
    )
    .join(' ');
}

/** What InnoDB's FULLTEXT index holds: token lengths and stop words (server settings). */
export interface FulltextLimits {
  minToken: number;
  maxToken: number;
  stopwords: ReadonlySet<string>;
}

/** InnoDB's default stop word list (`INFORMATION_SCHEMA.INNODB_FT_DEFAULT_STOPWORD`). */
// prettier-ignore
export const INNODB_DEFAULT_STOPWORDS: readonly string[] = [
  'a', 'about', 'an', 'are', 'as', 'at', 'be', 'by', 'com', 'de', 'en', 'for', 'from', 'how', 'i',
  'in', 'is', 'it', 'la', 'of', 'on', 'or', 'that', 'the', 'this', 'to', 'was', 'what', 'when',
  'where', 'who', 'will', 'with', 'und', 'www',
];

export interface MysqlFulltextQuery {
  /** `MATCH(content) AGAINST(? IN BOOLEAN MODE)`: every indexable term required. */
  against: string;
  /**
   * Terms the index cannot see (too short, too long, stop words), checked on the rows the index
   * found, as PCRE patterns matching the whole word or phrase (case-insensitive through the
   * column's collation).
   */
  patterns: string[];
}

const WORD_CLASS = '[\\p{L}\\p{N}_]';

/**
 * MySQL/MariaDB boolean mode: `+word`, `+pre*`, `+"a phrase"`. A required word InnoDB did not
 * index (shorter than `innodb_ft_min_token_size`, a stop word) would make the whole query match
 * nothing, so such words leave the MATCH and are checked with a pattern instead. A prefix is
 * always indexable; a phrase is when one of its words is. Null when no term is indexable: the
 * index alone cannot narrow the search, and a pattern over every message is the scan §6 forbids.
 */
export function mysqlFulltextQuery(
  terms: readonly SearchTerm[],
  limits: FulltextLimits,
): MysqlFulltextQuery | null {
  const indexable = (w: string) => {
    const length = [...w].length;
    return length >= limits.minToken && length <= limits.maxToken && !limits.stopwords.has(w.toLowerCase());
  };
  const required: string[] = [];
  const patterns: string[] = [];
  for (const t of terms) {
    if (t.kind === 'prefix') required.push(`+${t.word}*`);
    else if (t.kind === 'word' && indexable(t.word)) required.push(`+${t.word}`);
    else if (t.kind === 'phrase' && t.words.some(indexable)) required.push(`+"${t.words.join(' ')}"`);
    else {
      const words = t.kind === 'phrase' ? t.words : [t.word];
      patterns.push(`(*UCP)(?<!${WORD_CLASS})${words.join(`[^\\p{L}\\p{N}_]+`)}(?!${WORD_CLASS})`);
    }
  }
  return required.length ? { against: required.join(' '), patterns } : null;
}
