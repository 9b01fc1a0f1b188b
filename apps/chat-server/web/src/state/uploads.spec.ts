import { describe, expect, it } from '@jest/globals';
import { formatSize, MAX_FILES, StagedUploads } from './uploads';

const file = (name: string, size = 10) => ({ name, size });
const attachment = (id: number) => ({
  id,
  name: `f${id}`,
  size: 1,
  contentType: 'image/png',
  url: `/api/v1/attachments/${id}`,
});

describe('StagedUploads', () => {
  it('stages files per room, with progress, and hands the ready ones to the next send in order', () => {
    const s = new StagedUploads();
    const { added } = s.add(1, [file('a.png'), file('b.txt')]);
    s.add(2, [file('other.txt')]);
    expect(s.inRoom(1).map((u) => u.name)).toEqual(['a.png', 'b.txt']);
    expect(s.busy(1)).toBe(true);
    s.progress(added[0].localId, 0.5);
    s.progress(added[0].localId, 0.25); // never goes back
    expect(s.get(added[0].localId)!.progress).toBe(0.5);
    s.done(added[1].localId, attachment(8));
    s.done(added[0].localId, attachment(7));
    expect(s.busy(1)).toBe(false);
    expect(s.ready(1).map((a) => a.id)).toEqual([7, 8]);
    expect(s.take(1).map((a) => a.id)).toEqual([7, 8]);
    expect(s.inRoom(1)).toEqual([]);
    expect(s.inRoom(2)).toHaveLength(1);
  });

  it('a failed upload is not sent and leaves with the send; one still uploading stays', () => {
    const s = new StagedUploads();
    const { added } = s.add(1, [file('a'), file('b'), file('c')]);
    s.fail(added[0].localId, 'too large');
    s.done(added[1].localId, attachment(1));
    expect(s.get(added[0].localId)!.error).toBe('too large');
    expect(s.take(1).map((a) => a.id)).toEqual([1]);
    expect(s.inRoom(1).map((u) => u.name)).toEqual(['c']);
    s.remove(added[2].localId);
    expect(s.inRoom(1)).toEqual([]);
  });

  it(`refuses files past ${MAX_FILES} per message`, () => {
    const s = new StagedUploads();
    const files = Array.from({ length: MAX_FILES + 2 }, (_, i) => file(`f${i}`));
    const { added, refused } = s.add(1, files);
    expect(added).toHaveLength(MAX_FILES);
    expect(refused).toBe(2);
    expect(s.add(1, [file('x')]).refused).toBe(1);
  });
});

describe('formatSize', () => {
  it('reads as people read sizes', () => {
    expect(formatSize(1)).toBe('1 byte');
    expect(formatSize(12)).toBe('12 bytes');
    expect(formatSize(1536)).toBe('1.5 KB');
    expect(formatSize(820 * 1024)).toBe('820 KB');
    expect(formatSize(10 * 1024 * 1024)).toBe('10 MB');
    expect(formatSize(1.25 * 1024 ** 3)).toBe('1.3 GB');
  });
});
