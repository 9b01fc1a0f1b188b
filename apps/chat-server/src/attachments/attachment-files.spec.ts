import { isInlineType, safeFileName, sniffContentType } from './attachment-files';

describe('safeFileName', () => {
  it('keeps an ordinary name as sent', () => {
    expect(safeFileName('Quarterly report (final).pdf')).toBe('Quarterly report (final).pdf');
    expect(safeFileName('photo été 🌞.jpg')).toBe('photo été 🌞.jpg');
  });

  it('drops any path, Unix or Windows, and never yields . or ..', () => {
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('..\\..\\windows\\system.ini')).toBe('system.ini');
    expect(safeFileName('/abs/path/a.txt')).toBe('a.txt');
    expect(safeFileName('..')).toBe('file');
    expect(safeFileName('dir/..')).toBe('file');
    expect(safeFileName('dir/')).toBe('file');
    expect(safeFileName('')).toBe('file');
    expect(safeFileName(undefined)).toBe('file');
  });

  it('removes NUL, CR/LF and other controls, and replaces quotes and header-breaking characters', () => {
    expect(safeFileName('a\u0000b.txt')).toBe('ab.txt');
    expect(safeFileName('evil\r\nSet-Cookie: x=1.txt')).toBe('evilSet-Cookie_ x=1.txt');
    expect(safeFileName('say "hi".txt')).toBe('say _hi_.txt');
    expect(safeFileName('a\tb\u007f\u0085.txt')).toBe('ab.txt');
    expect(safeFileName('x<y>|z?*.txt')).toBe('x_y__z__.txt');
  });

  it('removes bidirectional overrides, so "gpj.exe" cannot pose as a picture', () => {
    expect(safeFileName('invoice\u202Egpj.exe')).toBe('invoicegpj.exe');
    expect(safeFileName('\u2066a\u2069\u200f.txt')).toBe('a.txt');
    expect(safeFileName('\ufeffbom.txt')).toBe('bom.txt');
  });

  it('cuts to 255 characters, keeping the extension', () => {
    const long = `${'a'.repeat(300)}.png`;
    const cut = safeFileName(long);
    expect([...cut]).toHaveLength(255);
    expect(cut.endsWith('.png')).toBe(true);
    const emoji = `${'😀'.repeat(300)}.txt`;
    expect([...safeFileName(emoji)]).toHaveLength(255);
    expect(safeFileName(emoji).endsWith('.txt')).toBe(true);
    expect([...safeFileName('b'.repeat(300))]).toHaveLength(255);
  });

  it('never returns lone surrogates', () => {
    expect(safeFileName('a\ud800b.txt')).toBe('a\ufffdb.txt');
  });
});

describe('sniffContentType', () => {
  const bytes = (...b: (number | string)[]) =>
    Uint8Array.from(b.flatMap((x) => (typeof x === 'string' ? [...Buffer.from(x)] : [x])));
  it('recognises the four image types by their signatures', () => {
    expect(sniffContentType(bytes(0x89, 'PNG\r\n', 0x1a, '\n', 0, 0, 0, 0))).toBe('image/png');
    expect(sniffContentType(bytes(0xff, 0xd8, 0xff, 0xe0))).toBe('image/jpeg');
    expect(sniffContentType(bytes('GIF89a'))).toBe('image/gif');
    expect(sniffContentType(bytes('GIF87a'))).toBe('image/gif');
    expect(sniffContentType(bytes('RIFF', 0, 0, 0, 0, 'WEBP'))).toBe('image/webp');
  });

  it('calls everything else application/octet-stream: SVG, HTML, JavaScript, text, near misses', () => {
    for (const text of [
      '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
      '<!doctype html><script>alert(1)</script>',
      'alert(document.cookie)',
      'GIF88a',
      'RIFF\0\0\0\0WAVE',
      '',
    ])
      expect(sniffContentType(bytes(text))).toBe('application/octet-stream');
    expect(sniffContentType(bytes(0x89, 'PNG'))).toBe('application/octet-stream');
  });

  it('serves inline only the four image types', () => {
    expect(['image/png', 'image/jpeg', 'image/gif', 'image/webp'].every(isInlineType)).toBe(true);
    expect(isInlineType('image/svg+xml')).toBe(false);
    expect(isInlineType('application/octet-stream')).toBe(false);
  });
});
