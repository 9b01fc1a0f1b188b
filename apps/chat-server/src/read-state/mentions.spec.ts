import {
  MAX_MENTION_LOOKUPS,
  MAX_MENTIONS,
  mentionCandidates,
  MentionedUser,
  resolveMentions,
} from './mentions';

const members = (...names: string[]) =>
  new Map<string, MentionedUser>(names.map((n, i) => [n.toLowerCase(), { id: i + 1, username: n }]));

const mentioned = (content: string, room: Map<string, MentionedUser>, senderId = 999) => {
  const { occurrences, lookups } = mentionCandidates(content);
  const visible = new Map([...room].filter(([name]) => lookups.includes(name)));
  return resolveMentions(occurrences, visible, senderId).map((u) => u.username);
};

describe('mentions', () => {
  const room = members('bob', 'Carol', 'bob.', 'dan-the-man');

  it('finds @names at the start or after a non-name character, case-insensitively, in order', () => {
    expect(mentioned('@carol hi (@BOB) and @carol again', room)).toEqual(['Carol', 'bob']);
  });

  it('ignores an @ inside a word (e-mail addresses) and an @ with no name', () => {
    expect(mentioned('write x@bob.com or @ or @@', room)).toEqual([]);
  });

  it('drops trailing . and - one at a time until a member matches', () => {
    expect(mentioned('thanks @dan-the-man.-.', room)).toEqual(['dan-the-man']);
    expect(mentioned('thanks @bob.', room)).toEqual(['bob.']);
    expect(mentioned('thanks @bob.', members('bob'))).toEqual(['bob']);
    expect(mentioned('thanks @bob-x', room)).toEqual([]);
  });

  it('never mentions the sender, and a name that is the sender does not fall back to a shorter one', () => {
    expect(mentioned('@bob. @carol', room, 3)).toEqual(['Carol']);
  });

  it('looks up only names a username can be (3-32 characters)', () => {
    const { lookups } = mentionCandidates(`@ab @${'x'.repeat(33)} @abc`);
    expect(lookups).toEqual(['abc']);
  });

  it(`bounds the work: at most ${MAX_MENTION_LOOKUPS} names looked up, at most ${MAX_MENTIONS} users`, () => {
    const many = Array.from({ length: 2000 }, (_, i) => `@user${i}`).join(' ');
    const { occurrences, lookups } = mentionCandidates(many);
    expect(lookups.length).toBe(MAX_MENTION_LOOKUPS);
    expect(occurrences.length).toBe(MAX_MENTION_LOOKUPS);
    const everyone = members(...Array.from({ length: 2000 }, (_, i) => `user${i}`));
    expect(resolveMentions(occurrences, everyone, 0)).toHaveLength(MAX_MENTIONS);
    const dots = `@abc${'.'.repeat(3000)}`;
    expect(mentionCandidates(dots).lookups.length).toBeLessThanOrEqual(30);
  });
});
