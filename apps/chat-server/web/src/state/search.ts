import type { Message } from '../types';

/** Results per page (the server's default is 20, at most 100). */
export const SEARCH_PAGE = 20;

/** A part of a message's text: `match` when it is one of the searched words. */
export interface TextPart {
  text: string;
  match: boolean;
}

const WORD = /[\p{L}\p{N}_]+/gu;

/**
 * The words of a search as the server reads them (docs/API-DECISIONS.md, "Message search"): runs
 * of letters, digits and `_` with a letter or digit; a `*` right after a word makes it a prefix. Phrases only
 * matter to the server: each of their words is highlighted.
 */
export function searchWords(q: string): { word: string; prefix: boolean }[] {
  const out = new Map<string, { word: string; prefix: boolean }>();
  const text = q.normalize('NFC');
  for (const m of text.matchAll(WORD)) {
    if (!/[\p{L}\p{N}]/u.test(m[0])) continue;
    const prefix = text[m.index + m[0].length] === '*';
    const key = `${m[0].toLowerCase()}${prefix ? '*' : ''}`;
    if (!out.has(key)) out.set(key, { word: m[0], prefix });
  }
  return [...out.values()];
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Splits `text` into its parts, the searched words (whole words, or prefixes) marked. */
export function highlight(text: string, q: string): TextPart[] {
  const words = searchWords(q);
  if (!words.length) return [{ text, match: false }];
  const alternatives = words
    .sort((a, b) => b.word.length - a.word.length)
    .map((w) => `${escape(w.word)}${w.prefix ? '[\\p{L}\\p{N}_]*' : ''}`);
  const re = new RegExp(`(?<![\\p{L}\\p{N}_])(?:${alternatives.join('|')})(?![\\p{L}\\p{N}_])`, 'giu');
  const parts: TextPart[] = [];
  let at = 0;
  for (const m of text.matchAll(re)) {
    if (m.index > at) parts.push({ text: text.slice(at, m.index), match: false });
    parts.push({ text: m[0], match: true });
    at = m.index + m[0].length;
  }
  if (at < text.length) parts.push({ text: text.slice(at), match: false });
  return parts;
}

/** The search box's results: the query they answer, newest first, and whether more remain. */
export class SearchState {
  query = '';
  results: Message[] = [];
  hasMore = false;
  loading = false;
  error: string | undefined;
  private seq = 0;

  /** A new search: returns its ticket (answers to older tickets are dropped). */
  start(query: string): number {
    this.query = query;
    this.results = [];
    this.hasMore = false;
    this.loading = true;
    this.error = undefined;
    return ++this.seq;
  }

  /** The id to page on from, or undefined when nothing more can load. */
  startMore(): { ticket: number; before: number } | undefined {
    const last = this.results[this.results.length - 1];
    if (!last || !this.hasMore || this.loading) return undefined;
    this.loading = true;
    return { ticket: this.seq, before: last.id };
  }

  /** A page arrived for `ticket`: false when it is stale. */
  page(ticket: number, page: Message[], pageSize: number): boolean {
    if (ticket !== this.seq) return false;
    const held = new Set(this.results.map((m) => m.id));
    for (const m of page) {
      if (held.has(m.id)) continue;
      held.add(m.id);
      this.results.push(m);
    }
    this.hasMore = page.length >= pageSize;
    this.loading = false;
    return true;
  }

  failed(ticket: number, message: string): boolean {
    if (ticket !== this.seq) return false;
    this.loading = false;
    this.error = message;
    return true;
  }

  /** A result deleted meanwhile (a live MESSAGE_DELETED). */
  remove(id: number): boolean {
    const before = this.results.length;
    this.results = this.results.filter((m) => m.id !== id);
    return this.results.length !== before;
  }

  clear(): void {
    this.start('');
    this.loading = false;
  }
}
