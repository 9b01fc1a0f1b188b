import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import request, { Response } from 'supertest';
import { bearer, TestUser } from '../factories/users';

/** A valid 1x1 PNG (red pixel). */
export const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763f8cfc000000301010018dd8db00000000049454e44ae426082',
  'hex',
);

/** Uploads `bytes` as the `file` part (supertest; `filename` and `contentType` as a client declares them). */
export function upload(
  baseUrl: string,
  user: TestUser | undefined,
  roomId: number | string,
  bytes: Buffer,
  filename = 'file.bin',
  contentType = 'application/octet-stream',
) {
  const r = request(baseUrl).post(`/api/v1/rooms/${roomId}/attachments`);
  if (user) void r.set(bearer(user));
  return r.attach('file', bytes, { filename, contentType });
}

/** Every file under `dir` (relative paths), `tmp/` included; [] when the folder does not exist. */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

/** A supertest parser that keeps a binary answer as a Buffer (and an error body as JSON). */
export function binary(res: Response, done: (err: Error | null, body: unknown) => void): void {
  const stream = res as unknown as NodeJS.ReadableStream & { headers: Record<string, string> };
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => {
    const body = Buffer.concat(chunks);
    done(null, /json/.test(stream.headers['content-type'] ?? '') ? JSON.parse(body.toString()) : body);
  });
  stream.on('error', (err: Error) => done(err, Buffer.alloc(0)));
}

/**
 * Uploads with a hand-written multipart body whose file name is given RFC 5987-encoded
 * (`filename*=UTF-8''...`), so any character (NUL, CR/LF, quotes, RTL overrides) reaches the server
 * as sent: form-data libraries escape some of them themselves.
 */
export async function uploadNamed(
  baseUrl: string,
  user: TestUser,
  roomId: number,
  bytes: Buffer,
  rawName: string,
): Promise<{ status: number; body: any }> {
  const boundary = `----b${Math.random().toString(36).slice(2)}`;
  const encoded = encodeURIComponent(rawName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename*=UTF-8''${encoded}\r\n` +
        'Content-Type: text/html\r\n\r\n',
    ),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const res = await fetch(`${baseUrl}/api/v1/rooms/${roomId}/attachments`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${user.token}`,
      'content-type': `multipart/form-data; boundary=${boundary}`,
    },
    body,
  });
  return { status: res.status, body: await res.json() };
}
