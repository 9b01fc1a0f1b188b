/** A message body: bytes, text, or any other value (sent as JSON with `content-type: application/json`). */
export type StompBody = Buffer | string | object | number | boolean | null;

export function toBuffer(body: Buffer | string): Buffer {
  return typeof body === 'string' ? Buffer.from(body) : body;
}

/** The bytes of a body and the content type it implies (none for bytes). */
export function toBytes(body: StompBody): [Buffer, string | undefined] {
  if (Buffer.isBuffer(body)) return [body, undefined];
  if (typeof body === 'string') return [Buffer.from(body), 'text/plain;charset=UTF-8'];
  return [Buffer.from(JSON.stringify(body)), 'application/json'];
}

export function withContentType(
  headers: Record<string, string>,
  contentType: string | undefined,
): Record<string, string> {
  if (!contentType || headers['content-type'] !== undefined) return headers;
  return { ...headers, 'content-type': contentType };
}
