/**
 * What an upload's name and bytes become (EXTENSIONS.md §7): pure functions, import-free, unit
 * tested from the attacker's side (attachment-files.spec.ts).
 */

export const MAX_NAME_LENGTH = 255;
export const OCTET_STREAM = 'application/octet-stream';
/** The only types ever served as such (and inline): every other file is application/octet-stream. */
export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;
/** How many leading bytes `sniffContentType` needs. */
export const SNIFF_BYTES = 12;

// C0 and C1 controls, DEL, and every bidirectional control (RLO/LRO overrides, embeddings,
// isolates, marks) that could make "gpj.exe" read as "exe.jpg", plus line and paragraph
// separators and the BOM / zero-width no-break space.
const UNSAFE =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
// Characters that mean something to a shell, a Windows file system or an HTTP header.
const AWKWARD = /["*:<>?|\\/]/g;

/**
 * The name shown for an upload: the client's file name without any path (after the last `/` or
 * `\`), in Unicode NFC, with control, bidirectional-override and header-breaking characters
 * removed or replaced by `_`, trimmed, and cut to 255 characters keeping its extension. Never
 * empty, never `.` or `..`. The name is only ever shown: storage keys are random.
 */
export function safeFileName(raw: string | undefined): string {
  let name = String(raw ?? '');
  const lastSep = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
  name = name.slice(lastSep + 1);
  name = name.normalize('NFC').replace(UNSAFE, '').replace(AWKWARD, '_');
  name = name.replace(/\s+/g, ' ').trim();
  // Lone surrogates cannot be stored in UTF-8 (nor sent in a header).
  name = name.replace(LONE_SURROGATE, '\ufffd');
  if (name === '' || /^\.+$/.test(name)) name = 'file';
  return cutKeepingExtension(name, MAX_NAME_LENGTH);
}

/** At most `max` characters (code points), the extension (up to 16 characters) kept. */
function cutKeepingExtension(name: string, max: number): string {
  const chars = [...name];
  if (chars.length <= max) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? [...name.slice(dot)] : [];
  if (ext.length > 1 && ext.length <= 16) {
    const stem = [...name.slice(0, dot)]
      .slice(0, max - ext.length)
      .join('')
      .trimEnd();
    return stem + ext.join('');
  }
  return chars.slice(0, max).join('').trimEnd();
}

/**
 * The content type decided from the first bytes: PNG, JPEG, GIF and WebP by their signatures,
 * everything else (SVG, HTML, JavaScript, text, whatever was declared) application/octet-stream.
 */
export function sniffContentType(head: Uint8Array): string {
  const at = (i: number, ...bytes: number[]) => bytes.every((b, j) => head[i + j] === b);
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (at(0, 0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (at(0, 0x47, 0x49, 0x46, 0x38) && (at(4, 0x37, 0x61) || at(4, 0x39, 0x61))) return 'image/gif';
  if (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return 'image/webp';
  return OCTET_STREAM;
}

export const isInlineType = (contentType: string): boolean =>
  (IMAGE_TYPES as readonly string[]).includes(contentType);
