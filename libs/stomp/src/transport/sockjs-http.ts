import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { parse as parseQuery } from 'node:querystring';
import type { ResolvedStompOptions, SockJsTransport } from '../stomp.options';

type ResolvedSockJs = Exclude<ResolvedStompOptions['sockjs'], false>;

/** The last path segment of a SockJS session URL -> the transport it belongs to. */
const SESSION_ROUTES: Record<string, SockJsTransport | 'send'> = {
  websocket: 'websocket',
  xhr_streaming: 'xhr-streaming',
  xhr: 'xhr-polling',
  eventsource: 'eventsource',
  htmlfile: 'htmlfile',
  jsonp: 'jsonp-polling',
  jsonp_send: 'jsonp-polling',
  // Sends of every HTTP transport but JSONP: harmless on their own (they only feed a session a
  // receiving transport opened), so they stay whatever is enabled.
  xhr_send: 'send',
};

/** CORS headers sockjs sets by itself (it reflects any Origin): only ours go out. */
const SOCKJS_CORS_HEADERS = new Set([
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'access-control-allow-headers',
]);

const PROTECTED = Symbol('sockjsHeadersProtected');

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const sha256 = (s: string | Buffer, encoding: 'base64' | 'hex') =>
  createHash('sha256').update(s).digest(encoding);

/** Where a request under the SockJS prefix goes, as far as this policy is concerned. */
export type SockJsRoute =
  | { kind: 'client-script' }
  | { kind: 'iframe' }
  | { kind: 'session'; transport: SockJsTransport | 'send'; segment: string }
  | { kind: 'other' };

/**
 * What the SockJS endpoint serves over plain HTTP, made as strict as the rest of the application:
 *
 * - every answer carries `responseHeaders` (the application's security headers);
 * - cross-origin requests get CORS headers only for `allowedOrigins` (sockjs reflects any Origin,
 *   with credentials);
 * - disabled transports answer 404 (sockjs has no switch for them);
 * - the iframe page loads the SockJS client from `clientScript` (served here, under a content hash)
 *   or `clientUrl`, never sockjs' default CDN, under a CSP that allows that script and the page's
 *   one inline script (by hash), and only `allowedOrigins` may frame it;
 * - the htmlfile transport's page runs only scripts carrying a per-response nonce, and `<` inside
 *   the messages it writes is escaped, so a message containing `</script>` cannot end the script
 *   block and start one of its own (sockjs writes them raw: an XSS on the server's origin for every
 *   client on that transport).
 */
export class SockJsHttpPolicy {
  readonly clientScriptPath: string | undefined;
  private readonly clientScript: Buffer | undefined;
  private readonly sessionRoute: RegExp;
  private readonly iframeRoute: RegExp;
  private readonly iframeCsp: string | undefined;
  private readonly iframeFramable: boolean;
  private readonly frameAncestors: string;

  constructor(
    private readonly path: string,
    private readonly sockjs: ResolvedSockJs,
    /** The iframe page sockjs renders for `clientUrl` (to hash its inline script). */
    iframePage: ((clientUrl: string) => string) | undefined,
  ) {
    const prefix = escapeRegExp(path);
    this.sessionRoute = new RegExp(`^${prefix}/[^/.]+/[^/.]+/([a-z_]+)/?$`);
    this.iframeRoute = new RegExp(`^${prefix}/iframe[0-9-.a-z_]*\\.html/?$`);
    this.clientScript = sockjs.clientScript;
    this.clientScriptPath = sockjs.clientScript
      ? `${path}/sockjs-client.${sha256(sockjs.clientScript, 'hex').slice(0, 16)}.min.js`
      : undefined;
    const origins = sockjs.allowedOrigins;
    this.frameAncestors = origins === true ? '*' : ["'self'", ...origins].join(' ');
    this.iframeFramable = origins === true || origins.length > 0;
    const clientUrl = this.clientUrl();
    if (clientUrl && iframePage && sockjs.transports.has('iframe')) {
      const scripts = [...iframePage(clientUrl).matchAll(/<script>([\s\S]*?)<\/script>/g)].map(
        (m) => `'sha256-${sha256(m[1], 'base64')}'`,
      );
      this.iframeCsp = [
        "default-src 'none'",
        `script-src ${scriptSource(clientUrl)} ${scripts.join(' ')}`,
        // The iframe transports poll (XHR, EventSource) and frame the htmlfile page, all same-origin.
        "connect-src 'self'",
        "frame-src 'self'",
        `frame-ancestors ${this.frameAncestors}`,
        "base-uri 'none'",
        "form-action 'none'",
      ].join('; ');
    }
  }

  /** The SockJS client URL the iframe page loads: the served copy, else `clientUrl`. */
  clientUrl(): string | undefined {
    return this.sockjs.clientUrl ?? this.clientScriptPath;
  }

  /** Whether the iframe transport can be served at all (it needs a SockJS client that is not a CDN's). */
  get iframeAvailable(): boolean {
    return this.iframeCsp !== undefined;
  }

  route(pathname: string): SockJsRoute {
    if (pathname === this.clientScriptPath) return { kind: 'client-script' };
    const session = this.sessionRoute.exec(pathname);
    if (session) {
      const transport = SESSION_ROUTES[session[1]];
      return transport ? { kind: 'session', transport, segment: session[1] } : { kind: 'other' };
    }
    if (this.iframeRoute.test(pathname)) return { kind: 'iframe' };
    return { kind: 'other' };
  }

  private enabled(route: SockJsRoute): boolean {
    if (route.kind === 'iframe') return this.iframeAvailable;
    if (route.kind !== 'session' || route.transport === 'send') return true;
    return this.sockjs.transports.has(route.transport);
  }

  /**
   * Prepares `res` for the request (headers, CORS, page policies) and answers it itself when it
   * is ours to answer (the client script, a disabled transport). True when answered.
   */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const pathname = (req.url ?? '').split('?')[0];
    const route = this.route(pathname);
    for (const [name, value] of Object.entries(this.sockjs.responseHeaders)) res.setHeader(name, value);
    this.cors(req, res);
    if (route.kind === 'client-script') return this.serveClientScript(req, res);
    if (!this.enabled(route)) return answer(res, 404, '404 Error: Page not found');
    if (req.method === 'POST' && this.bodyTooLarge(req, res)) return true;
    if (route.kind === 'iframe') this.iframePage(res);
    else if (route.kind === 'session' && route.transport === 'htmlfile') this.htmlfilePage(res);
    else if (route.kind === 'session' && route.segment === 'jsonp_send') this.jsonpSendAnswer(res);
    return false;
  }

  /**
   * An upgrade on a SockJS session URL: refused (400, true) unless it is RFC 6455 (version 13).
   * sockjs would accept the hixie-75/76 drafts, and the connection writes RFC 6455 frames, which
   * a draft client cannot parse; every browser of the last decade speaks version 13.
   */
  refuseUpgrade(req: IncomingMessage, socket: Duplex): boolean {
    const route = this.route((req.url ?? '').split('?')[0]);
    const draft = req.headers['sec-websocket-version'] !== '13';
    if (
      route.kind === 'session' &&
      route.transport === 'websocket' &&
      this.sockjs.transports.has('websocket') &&
      !draft
    )
      return false;
    const reason = draft ? 'Only RFC 6455 WebSocket (version 13) is supported' : 'Not found';
    socket.end(
      `HTTP/1.1 ${draft ? '400 Bad Request' : '404 Not Found'}\r\n` +
        (draft ? 'Sec-WebSocket-Version: 13\r\n' : '') +
        `Content-Type: text/plain; charset=UTF-8\r\nContent-Length: ${Buffer.byteLength(reason)}\r\nConnection: close\r\n\r\n${reason}`,
    );
    return true;
  }

  /**
   * A body over `maxRequestBytes` is refused with 413: at once when its length is declared, else
   * as soon as it passes the limit (the connection is then closed).
   */
  private bodyTooLarge(req: IncomingMessage, res: ServerResponse): boolean {
    const max = this.sockjs.maxRequestBytes;
    const declared = Number(req.headers['content-length']);
    if (declared > max) {
      res.setHeader('connection', 'close');
      answer(res, 413, `Request body larger than ${max} bytes`);
      return true;
    }
    if (!Number.isNaN(declared)) return false;
    let seen = 0;
    req.on('data', (chunk: Buffer) => {
      seen += chunk.length;
      if (seen <= max) return;
      if (!res.headersSent) {
        res.setHeader('connection', 'close');
        answer(res, 413, `Request body larger than ${max} bytes`);
      }
      req.destroy();
    });
    return false;
  }

  private cors(req: IncomingMessage, res: ServerResponse): void {
    const origin = req.headers.origin;
    const allowed = this.sockjs.allowedOrigins;
    if (origin && origin !== 'null' && (allowed === true || allowed.includes(origin))) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      const requested = req.headers['access-control-request-headers'];
      if (requested) res.setHeader('Access-Control-Allow-Headers', requested);
    }
    res.setHeader('Vary', 'Origin');
    // From here on, sockjs' own CORS headers are dropped.
    const protectedRes = res as ServerResponse & { [PROTECTED]?: true };
    if (protectedRes[PROTECTED]) return;
    protectedRes[PROTECTED] = true;
    const setHeader = res.setHeader.bind(res);
    res.setHeader = (name: string, value: number | string | readonly string[]) =>
      SOCKJS_CORS_HEADERS.has(name.toLowerCase()) ? res : setHeader(name, value);
  }

  private serveClientScript(req: IncomingMessage, res: ServerResponse): true {
    const body = this.clientScript!;
    res.writeHead(req.method === 'GET' || req.method === 'HEAD' ? 200 : 405, {
      'content-type': 'application/javascript; charset=UTF-8',
      'content-length': String(body.length),
      // Named by its content hash: it never changes under this name.
      'cache-control': 'public, max-age=31536000, immutable',
    });
    res.end(req.method === 'GET' ? body : undefined);
    return true;
  }

  private iframePage(res: ServerResponse): void {
    res.setHeader('Content-Security-Policy', this.iframeCsp!);
    // Framed by the pages of allowedOrigins: frame-ancestors says who (X-Frame-Options cannot).
    if (this.iframeFramable) res.removeHeader('X-Frame-Options');
  }

  /**
   * JSONP sends are form posts into a hidden frame of the client's page (this origin or one of
   * `allowedOrigins`): their plain-text answer may be framed there, and holds nothing else.
   */
  private jsonpSendAnswer(res: ServerResponse): void {
    res.setHeader('Content-Security-Policy', `default-src 'none'; frame-ancestors ${this.frameAncestors}`);
    if (this.iframeFramable) res.removeHeader('X-Frame-Options');
  }

  private htmlfilePage(res: ServerResponse): void {
    const nonce = randomBytes(16).toString('base64');
    res.setHeader(
      'Content-Security-Policy',
      [
        "default-src 'none'",
        `script-src 'nonce-${nonce}'`,
        // Framed by the page (htmlfile) or the iframe page (iframe-htmlfile), both same-origin.
        "frame-ancestors 'self'",
        "base-uri 'none'",
        "form-action 'none'",
      ].join('; '),
    );
    const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
    (res as { write: (chunk: unknown, ...rest: unknown[]) => boolean }).write = (chunk, ...rest) =>
      write(typeof chunk === 'string' ? htmlfileChunk(chunk, nonce) : chunk, ...rest);
  }
}

/** A plain-text answer the endpoint gives itself. */
function answer(res: ServerResponse, status: number, text: string): true {
  res.writeHead(status, { 'content-type': 'text/plain; charset=UTF-8', 'cache-control': 'no-store' });
  res.end(`${text}\n`);
  return true;
}

const FRAME_START = '<script>\np(';
const FRAME_END = ');\n</script>\r\n';

/**
 * One chunk sockjs writes on the htmlfile transport, made safe: every `<script>` gets the nonce,
 * and in a message frame (`<script>\np("...");\n</script>`) every `<` of the JSON string becomes
 * `\u003c`, the same string to the script and never markup to the HTML parser.
 */
export function htmlfileChunk(chunk: string, nonce: string): string {
  const tag = `<script nonce="${nonce}">`;
  if (chunk.startsWith(FRAME_START) && chunk.endsWith(FRAME_END)) {
    const literal = chunk.slice(FRAME_START.length, chunk.length - FRAME_END.length);
    return `${tag}\np(${literal.replace(/</g, '\\u003c')}${FRAME_END}`;
  }
  return chunk.replace(/<script>/g, tag);
}

/** The CSP source that allows the SockJS client at `url`: its origin, or 'self' when relative. */
function scriptSource(url: string): string {
  try {
    return /^https?:\/\//i.test(url) ? new URL(url).origin : "'self'";
  } catch {
    return "'self'";
  }
}

/** sockjs' app, as far as its body filters go. */
interface SockJsBodyApp {
  log(severity: string, message: string): void;
}

/** A sockjs filter that reads a request body, then carries on with it (`next`). */
type SockJsBodyFilter = (
  this: SockJsBodyApp,
  req: IncomingMessage,
  res: ServerResponse,
  data: unknown,
  next: (body: unknown) => unknown,
) => never;

/** How sockjs 0.3 reads the body of an xhr_send (`expect_xhr`) and of a jsonp_send (`expect_form`). */
const BODY_TYPES: Record<'expect_xhr' | 'expect_form', Record<string, (text: string) => unknown>> = {
  expect_xhr: Object.fromEntries(
    ['text/plain', 'T', 'application/json', 'application/xml', '', 'text/xml'].map((t) => [
      t,
      (text) => text,
    ]),
  ),
  expect_form: {
    'application/x-www-form-urlencoded': (text) => parseQuery(text),
    'text/plain': (text) => text,
    '': (text) => text,
  },
};

/**
 * sockjs' body filters, reading the body in linear time and answering as sockjs 0.3 does. sockjs'
 * own copies everything read so far on every chunk (`utils.buffer_concat`): a 512 KiB body
 * costs megabytes of copies (128 MiB when it comes 1 KiB at a time), and a few xhr_send bodies at
 * once made the server's RSS jump by far more than they held (attack-memory, "pending frames").
 */
export function linearBodyFilters(): Record<keyof typeof BODY_TYPES, SockJsBodyFilter> {
  const filter = (types: Record<string, (text: string) => unknown>): SockJsBodyFilter =>
    function (this: SockJsBodyApp, req, _res, _data, next) {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const contentType = (req.headers['content-type'] ?? '').split(';')[0];
        const parse = Object.hasOwn(types, contentType) ? types[contentType] : undefined;
        if (!parse) this.log('error', `Unsupported content-type ${req.headers['content-type']}`);
        next(parse?.(Buffer.concat(chunks).toString('utf8')));
      });
      // sockjs' way of saying "the chain goes on later, through `next`".
      throw { status: 0 };
    };
  return { expect_xhr: filter(BODY_TYPES.expect_xhr), expect_form: filter(BODY_TYPES.expect_form) };
}
