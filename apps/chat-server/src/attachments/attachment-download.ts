import { create as contentDisposition } from 'content-disposition';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { combineRanges, parse as parseRange } from 'range-parser';
import { isInlineType, OCTET_STREAM } from './attachment-files';
import type { AttachmentRow } from './attachments.repository';
import { AttachmentStorage, ByteRange, StoredFileMissing } from './storage/attachment-storage';
import { NotFoundException } from '@nestjs/common';
import { errorBody } from '../common/filters/error-body';

/** Nothing in a downloaded file may run, even if a browser were to render it. */
export const DOWNLOAD_CSP = "default-src 'none'; sandbox";

/** The strong ETag of a stored file, drawn at its upload (attachment-upload.ts, newEtag). */
export const etagOf = (row: Pick<AttachmentRow, 'etag'>): string => `"${row.etag}"`;

/** Whether an If-None-Match header matches the ETag (weak comparison, as RFC 9110 asks for it). */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .includes(etag);
}

/**
 * The byte range to serve: undefined for the whole file (no Range, a malformed one, several
 * ranges, or an If-Range that no longer matches), 'unsatisfiable' for a range past the end.
 */
export function rangeOf(
  size: number,
  range: string | undefined,
  ifRange: string | undefined,
  etag: string,
): ByteRange | 'unsatisfiable' | undefined {
  if (!range || size === 0) return undefined;
  if (ifRange && ifRange.trim() !== etag) return undefined;
  const parsed = parseRange(size, range);
  // a malformed header or another unit is ignored (RFC 9110 §14.2): the whole file
  if (parsed.type !== 'bytes' || parsed.code & 1) return undefined;
  if (!parsed.ranges.length) return 'unsatisfiable';
  const ranges = combineRanges(parsed.ranges);
  if (ranges.length !== 1) return undefined;
  return { start: ranges[0].start, end: ranges[0].end };
}

/**
 * Answers a download (EXTENSIONS.md §7): ETag with If-None-Match (304), single byte ranges (206,
 * 416 past the end), `X-Content-Type-Options: nosniff`, `Cache-Control: private`, a sandboxing
 * Content-Security-Policy, and `Content-Disposition` with the name RFC 6266-encoded: `inline` for
 * the four image types only, `attachment` for everything else, which is always
 * application/octet-stream whatever its name (nothing a browser would render or run).
 */
export async function sendAttachment(
  request: FastifyRequest,
  reply: FastifyReply,
  row: AttachmentRow,
  storage: AttachmentStorage,
): Promise<void> {
  const etag = etagOf(row);
  const inline = isInlineType(row.contentType);
  void reply.headers({
    etag,
    'cache-control': 'private',
    'x-content-type-options': 'nosniff',
    'content-security-policy': DOWNLOAD_CSP,
    'accept-ranges': 'bytes',
  });
  if (matchesIfNoneMatch(header(request, 'if-none-match'), etag)) {
    await reply.status(304).send();
    return;
  }
  const range = rangeOf(row.size, header(request, 'range'), header(request, 'if-range'), etag);
  if (range === 'unsatisfiable') {
    void reply.header('content-range', `bytes */${row.size}`);
    await reply
      .status(416)
      .send(errorBody(416, `The range is outside the file's ${row.size} bytes`, request.url));
    return;
  }
  let body;
  try {
    body = await storage.stream(row.storageKey, range);
  } catch (err) {
    if (err instanceof StoredFileMissing) throw new NotFoundException(`Attachment ${row.id} not found`);
    throw err;
  }
  void reply.headers({
    'content-type': inline ? row.contentType : OCTET_STREAM,
    'content-disposition': contentDisposition(row.name, { type: inline ? 'inline' : 'attachment' }),
    'content-length': String(range ? range.end - range.start + 1 : row.size),
  });
  if (range) void reply.status(206).header('content-range', `bytes ${range.start}-${range.end}/${row.size}`);
  await reply.send(body);
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
