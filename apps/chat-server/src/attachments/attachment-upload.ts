import '@fastify/multipart';
import { HttpException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { randomBytes } from 'node:crypto';
import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { SNIFF_BYTES, sniffContentType } from './attachment-files';

/** What the part headers of a multipart body may add to a file's size (boundaries, part headers). */
export const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

/** A complete upload, in a temporary file of its own. */
export interface ReceivedFile {
  tempPath: string;
  /** As the client named it (not yet made safe). */
  clientName: string;
  size: number;
  contentType: string;
}

/** Why an upload was refused, with its HTTP status (the error filter turns it into the error body). */
export class UploadRefused extends HttpException {
  constructor(status: 400 | 408 | 413, message: string) {
    super(message, status);
  }
}

export const newStorageKey = (): string => randomBytes(16).toString('hex');

/**
 * A stored file's strong ETag: 256 random bits drawn once per upload. The bytes under an
 * attachment never change, so a value unique to the upload validates it for its whole life
 * without reading the bytes (docs/API-DECISIONS.md, "Attachments").
 */
export const newEtag = (): string => randomBytes(32).toString('hex');

/**
 * Reads the one `file` part of a multipart/form-data request into a temporary file under
 * `tempDir`, streaming (backpressure from the disk reaches the socket: memory stays flat
 * whatever the size). Refuses with 413 the moment the file passes `maxBytes` (the rest of the
 * body is never read), 408 when the client stalls for `idleMs`, 400 without a `file` part. A
 * refused or broken upload leaves no file behind.
 */
export async function receiveUpload(
  request: FastifyRequest,
  opts: { tempDir: string; maxBytes: number; idleMs: number },
): Promise<ReceivedFile> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > opts.maxBytes + MULTIPART_OVERHEAD_BYTES)
    throw tooLarge(opts.maxBytes);
  if (!request.isMultipart())
    throw new UploadRefused(400, 'Send the file as multipart/form-data, in a part named "file"');

  let stalled: NodeJS.Timeout | undefined;
  const part = await Promise.race([
    request.file({
      limits: { fileSize: opts.maxBytes, files: 1, fields: 10, fieldSize: 1024, parts: 12, headerPairs: 20 },
    }),
    new Promise<never>((_, reject) => {
      stalled = setTimeout(
        () => reject(new UploadRefused(408, `The upload sent nothing for ${opts.idleMs} ms and was cut`)),
        opts.idleMs,
      );
    }),
  ])
    .catch((err: unknown) => {
      throw asRefusal(err, opts.maxBytes);
    })
    .finally(() => clearTimeout(stalled));
  if (!part)
    throw new UploadRefused(400, 'The request has no file part: send the file in a part named "file"');
  if (part.fieldname !== 'file') {
    part.file.destroy();
    throw new UploadRefused(400, `The file must be sent in a part named "file" (got "${part.fieldname}")`);
  }

  const tempPath = join(opts.tempDir, `${newStorageKey()}.part`);
  const out = await createTempFile(tempPath);
  // The bytes go straight from the parser to the file (as in a bare @fastify/multipart route);
  // on their way this listener only keeps the first bytes for sniffing and re-arms the idle timer.
  let head = Buffer.alloc(0);
  const idle = setTimeout(
    () =>
      part.file.destroy(new UploadRefused(408, `The upload sent nothing for ${opts.idleMs} ms and was cut`)),
    opts.idleMs,
  );
  part.file.on('data', (chunk: Buffer) => {
    idle.refresh();
    if (head.length < SNIFF_BYTES) head = Buffer.concat([head, chunk.subarray(0, SNIFF_BYTES - head.length)]);
  });
  // busboy stops passing bytes at the limit and would then read (and drop) the rest of the body:
  // the upload is cut at once instead.
  part.file.once('limit', () => part.file.destroy(tooLarge(opts.maxBytes)));
  try {
    await pipeline(part.file, out.createWriteStream());
    if (part.file.truncated) throw tooLarge(opts.maxBytes);
  } catch (err) {
    await rm(tempPath, { force: true });
    throw asRefusal(err, opts.maxBytes);
  } finally {
    clearTimeout(idle);
  }
  return {
    tempPath,
    clientName: part.filename,
    // busboy's count of the part's bytes (all of them were written: the stream ended untruncated)
    size: part.file.bytesRead,
    contentType: sniffContentType(head),
  };
}

/**
 * Creates the temporary file (never an existing one); the temporary folder is only made when it
 * is missing (the first upload, or after someone removed it), not checked on every upload.
 */
async function createTempFile(tempPath: string) {
  try {
    return await open(tempPath, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    await mkdir(join(tempPath, '..'), { recursive: true });
    return await open(tempPath, 'wx');
  }
}

function tooLarge(maxBytes: number): UploadRefused {
  return new UploadRefused(413, `The file is larger than ${maxBytes} bytes (ATTACHMENT_MAX_BYTES)`);
}

/** Multipart parser errors as refusals: limits 413, malformed or cut-off bodies 400. */
function asRefusal(err: unknown, maxBytes: number): unknown {
  if (err instanceof UploadRefused) return err;
  const code = (err as { code?: string }).code;
  if (code === 'FST_REQ_FILE_TOO_LARGE') return tooLarge(maxBytes);
  if (code === 'FST_FILES_LIMIT') return new UploadRefused(413, 'Send one file per upload');
  if (code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT')
    return new UploadRefused(413, 'Too many parts: send one part named "file"');
  if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE')
    return new UploadRefused(400, 'Send the file as multipart/form-data, in a part named "file"');
  if (
    code === 'FST_MP_PREMATURE_CLOSE' ||
    code === 'FST_PROTO_VIOLATION' ||
    code === 'ERR_STREAM_PREMATURE_CLOSE' ||
    /multipart|boundary|terminated early|Unexpected end/i.test(String((err as Error)?.message))
  )
    return new UploadRefused(400, 'The multipart body is malformed or was cut off');
  return err;
}
