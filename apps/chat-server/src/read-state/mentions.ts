/** At most this many distinct users are mentioned by one message; further names are plain text. */
export const MAX_MENTIONS = 50;
/**
 * At most this many distinct names (candidates and their trimmed forms) are looked up for one
 * message, in ONE query; `@names` past that point are plain text. Bounds the work an attacker can
 * cause with a message full of `@`s (4000 characters hold at most ~1000 three-letter names).
 */
export const MAX_MENTION_LOOKUPS = 500;
const MIN_NAME = 3;
const MAX_NAME = 32;

/** `[A-Za-z0-9_.-]`, the characters of a username. */
function isNameChar(code: number): boolean {
  return (
    (code >= 48 && code <= 57) || // 0-9
    (code >= 65 && code <= 90) || // A-Z
    (code >= 97 && code <= 122) || // a-z
    code === 95 || // _
    code === 46 || // .
    code === 45 // -
  );
}

/** One `@name` of a text: where it starts (the `@`), where its run ends, the names it may be. */
export interface MentionRun {
  start: number;
  end: number;
  /** Lower-cased, longest first: the run, then with trailing `.` / `-` dropped one at a time. */
  variants: string[];
}

/**
 * The `@name` runs of a text, in order (the web page uses this too, to highlight mentions): an
 * `@` counts at the start or after a character that is not a username character; the name is the
 * run of username characters after it; only names a username can be (3-32 characters) are kept.
 */
export function mentionRuns(content: string): MentionRun[] {
  const runs: MentionRun[] = [];
  let at = content.indexOf('@');
  while (at !== -1) {
    let end = at + 1;
    if (at === 0 || !isNameChar(content.charCodeAt(at - 1))) {
      while (end < content.length && isNameChar(content.charCodeAt(end))) end++;
      const run = content.slice(at + 1, end).toLowerCase();
      const variants: string[] = [];
      for (let length = run.length; length >= MIN_NAME; length--) {
        if (length <= MAX_NAME) variants.push(run.slice(0, length));
        const last = run.charCodeAt(length - 1);
        if (last !== 46 && last !== 45) break;
      }
      if (variants.length) runs.push({ start: at, end, variants });
    }
    at = content.indexOf('@', Math.max(end, at + 1));
  }
  return runs;
}

/**
 * The occurrences of {@link mentionRuns} as the server resolves them, and the distinct names to
 * look up, stopping before the lookups would pass MAX_MENTION_LOOKUPS.
 */
export function mentionCandidates(content: string): { occurrences: string[][]; lookups: string[] } {
  const occurrences: string[][] = [];
  const lookups = new Set<string>();
  for (const { variants } of mentionRuns(content)) {
    const fresh = variants.filter((v) => !lookups.has(v));
    if (lookups.size + fresh.length > MAX_MENTION_LOOKUPS) break;
    for (const v of fresh) lookups.add(v);
    occurrences.push(variants);
  }
  return { occurrences, lookups: [...lookups] };
}

export interface MentionedUser {
  id: number;
  username: string;
}

/**
 * The users a text mentions, in order of first appearance: each occurrence stands for the first
 * (longest) of its names that is a member's; the sender and repeats are skipped; at most
 * MAX_MENTIONS. `members` maps lower-cased usernames of the room's members (as looked up).
 */
export function resolveMentions(
  occurrences: string[][],
  members: ReadonlyMap<string, MentionedUser>,
  senderId: number,
): MentionedUser[] {
  const mentioned: MentionedUser[] = [];
  const seen = new Set<number>();
  for (const variants of occurrences) {
    const user = variants.map((v) => members.get(v)).find((u) => u !== undefined);
    if (!user || user.id === senderId || seen.has(user.id)) continue;
    seen.add(user.id);
    mentioned.push(user);
    if (mentioned.length === MAX_MENTIONS) break;
  }
  return mentioned;
}
