import { request } from 'node:http';
import { connect } from 'node:net';
import WebSocket from 'ws';
import { ClientKind, TestApp, TestStompClient, startApp } from '../test/harness';
import { htmlfileChunk } from './transport/sockjs-http';

/** GET/POST one URL, read at most `limitMs` (streams are cut), headers and body. */
function fetchRaw(
  url: string,
  method = 'GET',
  headers: Record<string, string> = {},
  limitMs = 500,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent: false }, (res) => {
      let body = '';
      const done = () => {
        clearTimeout(timer);
        res.destroy();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      };
      const timer = setTimeout(done, limitMs);
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', done);
    });
    req.on('error', reject);
    req.end();
  });
}

function rawUpgrade(port: number, lines: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write(lines));
    let got = '';
    socket.on('data', (d: Buffer) => (got += d.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(got));
    setTimeout(() => socket.destroy(), 1000);
  });
}

describe('htmlfileChunk', () => {
  it('adds the nonce to every script tag and escapes < inside message frames', () => {
    expect(htmlfileChunk('<h2>x</h2><script>\n  var c = parent.cb;\n</script>', 'N')).toBe(
      '<h2>x</h2><script nonce="N">\n  var c = parent.cb;\n</script>',
    );
    const frame = `<script>\np(${JSON.stringify('a["</script><script>x()</script>"]')});\n</script>\r\n`;
    const safe = htmlfileChunk(frame, 'N');
    expect(safe.startsWith('<script nonce="N">\np(')).toBe(true);
    const literal = safe.slice('<script nonce="N">\np('.length, -');\n</script>\r\n'.length);
    expect(literal).not.toContain('<');
    expect(JSON.parse(literal)).toBe('a["</script><script>x()</script>"]');
  });
});

describe('SockJS HTTP policy, library defaults', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(() => t.close());

  it('serves no iframe page without a client of its own (sockjs would load a CDN script)', async () => {
    expect((await fetchRaw(`${t.sockjsUrl}/iframe.html`)).status).toBe(404);
  });

  it('answers cross-origin requests with no CORS headers unless the origin is allowed', async () => {
    const info = await fetchRaw(`${t.sockjsUrl}/info`, 'GET', { origin: 'https://elsewhere.example' });
    expect(info.status).toBe(200);
    expect(info.headers['access-control-allow-origin']).toBeUndefined();
    const es = await fetchRaw(`${t.sockjsUrl}/000/abcdefgh/eventsource`, 'GET', {
      origin: 'https://elsewhere.example',
    });
    expect(es.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses draft WebSocket handshakes on session URLs (400, Sec-WebSocket-Version: 13)', async () => {
    const port = Number(new URL(t.baseUrl).port);
    const answer = await rawUpgrade(
      port,
      `GET /ws/chat/000/abcdefgh/websocket HTTP/1.1\r\nHost: x\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\n\r\n`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\nSec-WebSocket-Version: 13\r\n/);
  });
});

describe('SockJS HTTP policy, configured', () => {
  let t: TestApp;
  const script = Buffer.from('/* a SockJS client */ window.SockJS = { bootstrap_iframe() {} };');
  beforeAll(async () => {
    t = await startApp({
      sockjs: {
        disconnectDelayMs: 300,
        clientScript: script,
        allowedOrigins: ['https://app.example'],
        responseHeaders: { 'x-content-type-options': 'nosniff', 'x-frame-options': 'SAMEORIGIN' },
        transports: ['websocket', 'xhr-streaming', 'iframe'],
        maxRequestBytes: 1024,
      },
    });
  });
  afterAll(() => t.close());

  it('serves the iframe page with its own client script and a CSP allowing only it', async () => {
    const page = await fetchRaw(`${t.sockjsUrl}/iframe.html`);
    const src = /<script src="([^"]+)">/.exec(page.body)![1];
    expect(src).toMatch(/^\/ws\/chat\/sockjs-client\.[0-9a-f]{16}\.min\.js$/);
    expect(page.headers['content-security-policy']).toMatch(
      /^default-src 'none'; script-src 'self' 'sha256-[^']+'; .*frame-ancestors 'self' https:\/\/app\.example/,
    );
    expect(page.headers['x-frame-options']).toBeUndefined();
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    const client = await fetchRaw(`${t.baseUrl}${src}`);
    expect([client.status, client.body]).toEqual([200, script.toString()]);
    expect(client.headers['cache-control']).toContain('immutable');
  });

  it('answers CORS for the allowed origin only', async () => {
    const allowed = await fetchRaw(`${t.sockjsUrl}/info`, 'GET', { origin: 'https://app.example' });
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(allowed.headers['access-control-allow-credentials']).toBe('true');
    const other = await fetchRaw(`${t.sockjsUrl}/info`, 'GET', { origin: 'https://other.example' });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers 404 for the transports left out, 413 past maxRequestBytes, and keeps the others', async () => {
    for (const path of [
      '/000/abcdefgh/eventsource',
      '/000/abcdefgh/htmlfile?c=cb',
      '/000/abcdefgh/jsonp?c=cb',
    ])
      expect([path, (await fetchRaw(`${t.sockjsUrl}${path}`)).status]).toEqual([path, 404]);
    const big = await fetchRaw(`${t.sockjsUrl}/000/abcdefgh/xhr_send`, 'POST', { 'content-length': '4096' });
    expect(big.status).toBe(413);
    const kinds: ClientKind[] = ['sockjs-xhr-streaming', 'sockjs-websocket'];
    for (const kind of kinds) {
      const client = new TestStompClient(t, kind, 'user:amy');
      await client.connect();
      await client.client.deactivate();
    }
  });

  it('closes a websocket-transport message past maxRequestBytes (1009) before reading it', async () => {
    const ws = new WebSocket(`${t.sockjsUrl.replace(/^http/, 'ws')}/000/abcdefgh/websocket`);
    const opened = new Promise((resolve) => ws.once('message', resolve));
    const closed = new Promise<number>((resolve) => ws.once('close', resolve));
    ws.on('error', () => undefined);
    expect(String(await opened)).toBe('o');
    ws.send(JSON.stringify(['x'.repeat(2048)]));
    expect(await closed).toBe(1009);
  });
});
