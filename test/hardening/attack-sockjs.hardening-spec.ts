import { createHash } from 'node:crypto';
import { WebSocket } from 'ws';
import { createRoom } from '../factories/rooms';
import { bearer, createUser } from '../factories/users';
import { StompTestClient } from '../helpers/stomp-client';
import { startTestApp, TestApp } from '../helpers/test-app';
import { recordHardening } from './summary';
import { waitFor } from './support/chat-traffic';
import {
  connectAndSubscribe,
  htmlfileFrames,
  rawHttp,
  rawTcp,
  sockjsSession,
  stompFramesOf,
  xhrSend,
} from './support/sockjs-raw';

const ALLOWED = 'https://app.example';
const FOREIGN = ['https://evil.example', 'null', 'https://app.example.evil.example', 'http://app.example'];

/** Markup a message may carry to break out of the htmlfile page's `<script>` blocks. */
const BREAKOUTS = [
  '</script><script>parent.pwned=1</script>',
  '</SCRIPT ><script>parent.pwned=2</script>',
  '<!--<script>',
  '</script><img src=x onerror=parent.pwned=3>',
  'a\u2028b\u2029c</script\t>',
];

/**
 * The SockJS endpoint (`/ws/chat/**`) seen by an attacker with one account: it must be as strict
 * as the REST surface: the same security headers on every page it serves, no script from a third
 * party, CORS only for CORS_ORIGINS, no way for a message to become markup on the htmlfile page,
 * no WebSocket draft it would answer in frames the client cannot parse, and legacy transports off
 * when the operator says so.
 */
describe('attack: the SockJS surface', () => {
  let t: TestApp;
  let off: TestApp | undefined;
  let probes = 0;
  const statuses: number[] = [];
  const get = async (...args: Parameters<typeof rawHttp>) => {
    probes++;
    const res = await rawHttp(...args);
    statuses.push(res.status);
    return res;
  };

  beforeAll(async () => {
    t = await startTestApp({ CORS_ORIGINS: ALLOWED });
  });
  afterAll(async () => {
    await off?.close();
    await t?.close();
  });

  it('serves its HTML pages with the security headers, and only its own scripts', async () => {
    const pages = [
      await get(t.url, 'GET', '/ws/chat/iframe.html'),
      await get(t.url, 'GET', '/ws/chat/iframe-1.6.1.html'),
    ];
    const htmlfile = await get(t.url, 'GET', `/ws/chat${sockjsSession()}/htmlfile?c=_jp.abc`, {
      stopWhen: (body) => body.includes('</script>'),
    });
    for (const page of [...pages, htmlfile]) {
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.headers['x-content-type-options']).toBe('nosniff');
      expect(page.headers['referrer-policy']).toBe('no-referrer');
      expect(page.headers['cross-origin-opener-policy']).toBe('same-origin');
      const csp = String(page.headers['content-security-policy']);
      expect(csp).toMatch(/^default-src 'none'/);
      const scriptSrc = /script-src ([^;]*)/.exec(csp)![1];
      expect(scriptSrc).not.toMatch(/unsafe-inline|unsafe-eval|\*|https?:|data:/);
      // No script from anywhere else: every src is a path on this server.
      expect(
        [...page.body.matchAll(/src="([^"]*)"/g)].map((m) => m[1]).filter((src) => !src.startsWith('/')),
      ).toEqual([]);
    }

    // The iframe page: its inline script allowed by hash, the SockJS client from this server,
    // framed only by this origin and CORS_ORIGINS.
    for (const page of pages) {
      const csp = String(page.headers['content-security-policy']);
      const inline = [...page.body.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
      expect(inline).toHaveLength(1);
      expect(csp).toContain(`'sha256-${createHash('sha256').update(inline[0]).digest('base64')}'`);
      expect(csp).toContain(`frame-ancestors 'self' ${ALLOWED}`);
      const src = /<script src="([^"]+)"><\/script>/.exec(page.body)![1];
      expect(src).toMatch(/^\/ws\/chat\/sockjs-client\.[0-9a-f]{16}\.min\.js$/);
      const client = await get(t.url, 'GET', src);
      expect(client.status).toBe(200);
      expect(client.headers['content-type']).toMatch(/^application\/javascript/);
      expect(client.body).toContain('bootstrap_iframe');
    }

    // The htmlfile page: only scripts carrying this answer's nonce run.
    const nonce = /script-src 'nonce-([^']+)'/.exec(String(htmlfile.headers['content-security-policy']))![1];
    const tags = [...htmlfile.body.matchAll(/<script[^>]*>/g)].map((m) => m[0]);
    expect(tags.length).toBeGreaterThan(0);
    expect(tags.filter((tag) => tag !== `<script nonce="${nonce}">`)).toEqual([]);
    expect(String(htmlfile.headers['content-security-policy'])).toContain("frame-ancestors 'self'");
    expect(htmlfile.headers['x-frame-options']).toBe('SAMEORIGIN');

    // The other answers of the endpoint carry the same headers as the REST surface.
    for (const path of ['/ws/chat', '/ws/chat/info', '/ws/chat/nothing-here']) {
      const res = await get(t.url, 'GET', path);
      expect([path, res.headers['x-content-type-options'], res.headers['content-security-policy']]).toEqual([
        path,
        'nosniff',
        expect.stringContaining("frame-ancestors 'none'"),
      ]);
    }
  });

  it('never lets a message become markup on the htmlfile page', async () => {
    const [attacker, victim] = [await createUser(t), await createUser(t)];
    const room = await createRoom(t, attacker, { members: [victim] });
    const session = sockjsSession();
    // The victim's page: an htmlfile stream, then CONNECT and SUBSCRIBE through xhr_send.
    const stream = get(t.url, 'GET', `/ws/chat${session}/htmlfile?c=_jp.victim`, {
      stopWhen: (body) =>
        BREAKOUTS.every((text) =>
          stompFramesOf(htmlfileFrames(body).map((f) => f.frame)).some((f) =>
            f.includes(JSON.stringify(text).slice(1, -1)),
          ),
        ),
      limitMs: 15_000,
    });
    await waitFor(
      async () => (await xhrSend(t.url, session, [])) !== 404,
      'the htmlfile session to open',
      5000,
    ).catch(() => undefined);
    expect(await xhrSend(t.url, session, connectAndSubscribe(victim.token, `/topic/rooms/${room.id}`))).toBe(
      204,
    );
    // Give the SUBSCRIBE a moment to be processed before the messages go out (the receipt-less
    // frames of one session are handled in order, the REST sends are not part of that order).
    const probe = await StompTestClient.connect(t.url, attacker.token);
    await probe.close();
    for (const content of BREAKOUTS) {
      probes++;
      const res = await fetch(`${t.url}/api/v1/messages/room/${room.id}`, {
        method: 'POST',
        headers: { ...bearer(attacker), 'content-type': 'application/json' },
        body: JSON.stringify({ content }),
      });
      expect(res.status).toBe(201);
    }
    const page = await stream;

    const nonce = /script-src 'nonce-([^']+)'/.exec(String(page.headers['content-security-policy']))![1];
    const frames = htmlfileFrames(page.body);
    const delivered = stompFramesOf(frames.map((f) => f.frame))
      .filter((f) => f.startsWith('MESSAGE'))
      .map((f) => (JSON.parse(f.slice(f.indexOf('\n\n') + 2, -1)) as { content: string }).content);
    // Every message arrived, byte for byte (text is data)...
    expect(delivered).toEqual(BREAKOUTS);
    // ... and none of it is markup: no '<' in any written literal, every script tag is ours.
    expect(frames.filter((f) => f.literal.includes('<'))).toEqual([]);
    expect(
      [...page.body.matchAll(/<script[^>]*>/gi)].filter((m) => m[0] !== `<script nonce="${nonce}">`),
    ).toEqual([]);
    expect(page.body.match(/<script/gi)!.length).toBe(page.body.match(/<\/script>/gi)!.length);
  });

  it('answers CORS on /ws/chat/** for CORS_ORIGINS only', async () => {
    const session = sockjsSession();
    const endpoints: [string, string, Record<string, string>?][] = [
      ['GET', '/ws/chat/info'],
      ['OPTIONS', '/ws/chat/info', { 'access-control-request-method': 'GET' }],
      [
        'OPTIONS',
        `/ws/chat${session}/xhr_streaming`,
        { 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      ],
      ['OPTIONS', `/ws/chat${session}/xhr_send`, { 'access-control-request-method': 'POST' }],
      ['POST', `/ws/chat${sockjsSession()}/xhr`],
      ['GET', `/ws/chat${sockjsSession()}/eventsource`],
      ['POST', `/ws/chat${sockjsSession()}/xhr_send`],
    ];
    const leaks: string[] = [];
    for (const [method, path, headers] of endpoints) {
      for (const origin of [ALLOWED, ...FOREIGN]) {
        const res = await get(t.url, method, path, {
          headers: { origin, ...headers },
          limitMs: 1000,
          stopWhen: () => true,
        });
        const allowOrigin = res.headers['access-control-allow-origin'];
        const credentials = res.headers['access-control-allow-credentials'];
        const expected = origin === ALLOWED ? [ALLOWED, 'true'] : [undefined, undefined];
        if (JSON.stringify([allowOrigin, credentials]) !== JSON.stringify(expected))
          leaks.push(`${method} ${path} from ${origin}: ${allowOrigin} / ${credentials}`);
      }
    }
    expect(leaks).toEqual([]);
  });

  it("answers a client's bad or oversized body with 4xx, never 500, and reads no more than the limit", async () => {
    const session = sockjsSession();
    const big = 'x'.repeat(1024 * 1024);
    const answers = {
      declaredTooLarge: await get(t.url, 'POST', `/ws/chat${session}/xhr_send`, {
        headers: { 'content-type': 'text/plain', 'content-length': String(64 * 1024 * 1024) },
        limitMs: 3000,
      }),
      chunkedTooLarge: await get(t.url, 'POST', `/ws/chat${session}/xhr_send`, {
        headers: { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' },
        body: big,
        limitMs: 3000,
        // The server may close while the client still writes: then no status reaches it.
      }).catch(() => ({ status: -1, headers: {}, body: 'connection closed' })),
      noPayload: await get(t.url, 'POST', `/ws/chat${sockjsSession()}/xhr_send`, { body: '' }),
      brokenJson: await get(t.url, 'POST', `/ws/chat${sockjsSession()}/xhr_send`, {
        headers: { 'content-type': 'text/plain' },
        body: '["unterminated',
      }),
      noCallback: await get(t.url, 'GET', `/ws/chat${sockjsSession()}/jsonp`),
      badCallback: await get(t.url, 'GET', `/ws/chat${sockjsSession()}/htmlfile?c=alert(1)`),
      jsonpBroken: await get(t.url, 'POST', `/ws/chat${sockjsSession()}/jsonp_send`, {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'd=%5B%22x',
      }),
    };
    expect([413, -1]).toContain(answers.chunkedTooLarge.status);
    expect(Object.fromEntries(Object.entries(answers).map(([k, v]) => [k, v.status]))).toEqual({
      declaredTooLarge: 413,
      chunkedTooLarge: answers.chunkedTooLarge.status,
      noPayload: 400,
      brokenJson: 400,
      noCallback: 400,
      badCallback: 400,
      jsonpBroken: 400,
    });
  });

  it('refuses WebSocket drafts (hixie-75/76) on the SockJS websocket path and keeps serving RFC 6455', async () => {
    const path = `/ws/chat${sockjsSession()}/websocket`;
    const base = `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${t.port}\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\nOrigin: http://127.0.0.1\r\n`;
    const handshakes = {
      'hixie-76': `${base}Sec-WebSocket-Key1: 4 @1  46546xW%0l 1 5\r\nSec-WebSocket-Key2: 12998 5 Y3 1  .P00\r\n\r\n^n:ds[4U`,
      'hixie-75': `${base}\r\n`,
      'hybi-8': `${base}Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n`,
    };
    const answers: Record<string, string> = {};
    for (const [name, bytes] of Object.entries(handshakes)) {
      probes++;
      answers[name] = (await rawTcp(t.port, bytes)).split('\r\n')[0];
    }
    expect(answers).toEqual({
      'hixie-76': 'HTTP/1.1 400 Bad Request',
      'hixie-75': 'HTTP/1.1 400 Bad Request',
      'hybi-8': 'HTTP/1.1 400 Bad Request',
    });

    // RFC 6455 on the same path: SockJS' open frame, then STOMP.
    const user = await createUser(t);
    const ws = new WebSocket(`${t.url.replace('http', 'ws')}${path}`);
    const frames: string[] = [];
    ws.on('message', (data) => frames.push(String(data)));
    await waitFor(() => frames.includes('o'), 'the SockJS open frame', 5000);
    ws.send(JSON.stringify([`CONNECT\naccept-version:1.2\nhost:x\nX-Auth-Token:${user.token}\n\n\0`]));
    await waitFor(() => frames.some((f) => f.startsWith('a["CONNECTED')), 'CONNECTED', 5000);
    ws.close();
  });

  it('serves only websocket and xhr with SOCKJS_LEGACY_TRANSPORTS=false', async () => {
    off = await startTestApp({ SOCKJS_LEGACY_TRANSPORTS: 'false' });
    const legacy = [
      ['GET', '/ws/chat/iframe.html'],
      ['GET', `/ws/chat${sockjsSession()}/htmlfile?c=cb`],
      ['GET', `/ws/chat${sockjsSession()}/eventsource`],
      ['GET', `/ws/chat${sockjsSession()}/jsonp?c=cb`],
      ['POST', `/ws/chat${sockjsSession()}/jsonp_send`],
    ];
    const answers = [];
    for (const [method, path] of legacy)
      answers.push(`${path.split('/').pop()} ${(await get(off.url, method, path)).status}`);
    expect(answers).toEqual(legacy.map(([, path]) => `${path.split('/').pop()} 404`));
    const user = await createUser(off);
    for (const transport of ['sockjs', 'xhr-streaming'] as const) {
      const client = await StompTestClient.connect(off.url, user.token, { transport });
      expect(client.closed).toBe(false);
      await client.close();
    }

    recordHardening('attack-sockjs', {
      badInputsTried: probes,
      serverErrorsSeen: statuses.filter((s) => s >= 500).length,
      notes: {
        htmlPages: 'iframe x2, htmlfile: headers + CSP',
        breakoutMessages: BREAKOUTS.length,
        corsOrigins: `1 allowed, ${FOREIGN.length} refused`,
        draftHandshakesRefused: 3,
        legacyOff: `${legacy.length} routes 404`,
      },
    });
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
  });
});
