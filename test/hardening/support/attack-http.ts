import { createHmac } from 'node:crypto';
import { TEST_JWT_SECRET } from '../../helpers/test-app';

/** What a client sees of one HTTP exchange. */
export interface HttpResult {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed JSON body, or undefined when the body is not JSON. */
  json: any;
}

export interface CallOptions {
  token?: string;
  /** A value sent as JSON (JSON.stringify). */
  body?: unknown;
  /** Exact bytes/text of the body (for hand-made JSON such as `__proto__` keys or deep nesting). */
  rawBody?: string | Buffer;
  contentType?: string;
  headers?: Record<string, string>;
}

/** One request over loopback with fetch (keep-alive), bounded in time. */
export async function call(
  baseUrl: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<HttpResult> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | Buffer | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: body as RequestInit['body'],
    signal: AbortSignal.timeout(20_000),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** The request path as the error body reports it (no query string). */
export const pathOf = (path: string) => path.split('?')[0];

/**
 * Why a 4xx answer is not the documented error body `{timestamp, status, error, message, path}`,
 * or undefined when it is. Never a stack trace.
 */
export function errorBodyProblem(res: HttpResult, path: string): string | undefined {
  const b = res.json;
  if (!b || typeof b !== 'object' || Array.isArray(b)) return `not a JSON object: ${res.text.slice(0, 200)}`;
  if (b.status !== res.status) return `status ${b.status} in a ${res.status} body`;
  if (typeof b.timestamp !== 'string' || Number.isNaN(Date.parse(b.timestamp))) return 'no timestamp';
  if (typeof b.error !== 'string' || !b.error) return 'no error';
  if (typeof b.message !== 'string' || !b.message) return 'no message';
  if (typeof b.path !== 'string') return 'no path';
  // Fastify reports the raw (still percent-encoded) URL; compare decoded-insensitively.
  if (b.path !== pathOf(path) && safeDecode(b.path) !== safeDecode(pathOf(path)))
    return `path ${b.path} for ${pathOf(path)}`;
  if (/\bat \S+ \(|node_modules|\.ts:\d+/.test(res.text)) return 'looks like a stack trace';
  return undefined;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Counts what a hardening scenario tried and what went wrong, for recordHardening. */
export class Tally {
  inputs = 0;
  serverErrors = 0;
  readonly problems: string[] = [];
  readonly byStatus = new Map<number, number>();

  see(what: string, res: HttpResult, problem?: string): void {
    this.inputs++;
    this.byStatus.set(res.status, (this.byStatus.get(res.status) ?? 0) + 1);
    if (res.status >= 500) {
      this.serverErrors++;
      this.problems.push(`${what} -> ${res.status} ${res.text.slice(0, 300)}`);
    } else if (problem) {
      this.problems.push(`${what} -> ${res.status}: ${problem}`);
    }
  }

  statuses(): string {
    return [...this.byStatus.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([s, n]) => `${s}:${n}`)
      .join(' ');
  }
}

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

/** A JWT signed with HMAC (HS256 by default) over any header and claims. */
export function signJwt(
  payload: object,
  options: { secret?: string; header?: object; hash?: 'sha256' | 'sha512' } = {},
): string {
  const unsigned = `${b64(options.header ?? { alg: 'HS256', typ: 'JWT' })}.${b64(payload)}`;
  const sig = createHmac(options.hash ?? 'sha256', options.secret ?? TEST_JWT_SECRET)
    .update(unsigned)
    .digest('base64url');
  return `${unsigned}.${sig}`;
}

/** The claims of a token (no verification). */
export const claimsOf = (token: string): Record<string, any> =>
  JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());

export const nowSeconds = () => Math.floor(Date.now() / 1000);
