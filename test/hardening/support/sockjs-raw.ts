import { IncomingHttpHeaders, request } from 'node:http';
import { connect } from 'node:net';
import { randomBytes } from 'node:crypto';

/** One HTTP exchange read to the end (or, for a stream, until `stopWhen` holds or `limitMs` passes). */
export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * An HTTP request as a hand-written client (or a page on another origin) sends it: nothing
 * added but what is given. Streams (htmlfile, eventsource, xhr_streaming) are read until
 * `stopWhen(body)` or `limitMs`, then cut.
 */
export function rawHttp(
  baseUrl: string,
  method: string,
  path: string,
  options: {
    headers?: Record<string, string>;
    body?: string;
    stopWhen?: (body: string) => boolean;
    limitMs?: number;
    /** Write the body this many bytes at a time, a millisecond apart (as a slow or hostile client). */
    chunkBytes?: number;
  } = {},
): Promise<RawAnswer> {
  const url = new URL(path, baseUrl);
  const { stopWhen = () => false, limitMs = 5000 } = options;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path: url.pathname + url.search,
        agent: false,
        headers: {
          ...(options.body !== undefined && !options.headers?.['transfer-encoding']
            ? { 'content-length': String(Buffer.byteLength(options.body)) }
            : {}),
          ...options.headers,
        },
      },
      (res) => {
        let body = '';
        let done = false;
        const finish = () => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          res.destroy();
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        };
        const timer = setTimeout(finish, limitMs);
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
          if (stopWhen(body)) finish();
        });
        res.on('end', finish);
        res.on('error', finish);
      },
    );
    req.on('error', reject);
    const { body, chunkBytes } = options;
    if (body === undefined || !chunkBytes) {
      req.end(body);
      return;
    }
    req.on('socket', (socket) => socket.setNoDelay(true));
    void (async () => {
      const bytes = Buffer.from(body);
      for (let at = 0; at < bytes.length && !req.destroyed; at += chunkBytes) {
        req.write(bytes.subarray(at, at + chunkBytes));
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      req.end();
    })();
  });
}

/** A SockJS session id pair (`/<server>/<session>/`), as sockjs-client makes one. */
export const sockjsSession = () => `/${Math.floor(Math.random() * 1000)}/${randomBytes(8).toString('hex')}`;

/** The STOMP frames a page sends to CONNECT with a token and SUBSCRIBE to a destination. */
export function connectAndSubscribe(token: string, destination: string): string[] {
  return [
    `CONNECT\naccept-version:1.2\nhost:localhost\nX-Auth-Token:${token}\nheart-beat:0,0\n\n\0`,
    `SUBSCRIBE\nid:sub-0\ndestination:${destination}\n\n\0`,
  ];
}

/** POSTs STOMP frames into a SockJS session (xhr_send): the status sockjs answers. */
export async function xhrSend(
  baseUrl: string,
  session: string,
  frames: string[],
  chunkBytes?: number,
): Promise<number> {
  const res = await rawHttp(baseUrl, 'POST', `/ws/chat${session}/xhr_send`, {
    headers: { 'content-type': 'text/plain' },
    body: JSON.stringify(frames),
    chunkBytes,
    limitMs: chunkBytes ? 60_000 : undefined,
  });
  return res.status;
}

/**
 * The message frames of an htmlfile page: every `p("...")` call's argument decoded (it is a JSON
 * string holding a SockJS frame: `o`, `h`, `a[...]`, `c[...]`), with the literal as written.
 */
export function htmlfileFrames(body: string): { literal: string; frame: string }[] {
  const frames: { literal: string; frame: string }[] = [];
  for (const m of body.matchAll(/\np\(("(?:[^"\\]|\\.)*")\);\n/g)) {
    frames.push({ literal: m[1], frame: JSON.parse(m[1]) as string });
  }
  return frames;
}

/** The STOMP frames inside SockJS `a[...]` frames. */
export function stompFramesOf(sockjsFrames: string[]): string[] {
  return sockjsFrames.filter((f) => f.startsWith('a')).flatMap((f) => JSON.parse(f.slice(1)) as string[]);
}

/** Sends raw bytes over TCP and returns what comes back before the server closes or `limitMs`. */
export function rawTcp(port: number, bytes: string | Buffer, limitMs = 3000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let received = '';
    const timer = setTimeout(() => socket.destroy(), limitMs);
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
  });
}
