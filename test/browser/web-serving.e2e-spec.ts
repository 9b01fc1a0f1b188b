import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRepoRoot, WebModule, webRoot } from '../../apps/chat-server/src/web/web.module';
import { TestApp } from '../helpers/test-app';
import { buildWebClient, REPO_ROOT, removeWebBuild, startWebTestApp } from './browser-support';

// How the server serves the built page (no browser needed): public, cached right, and never in
// the way of the API.
describe('web client: serving', () => {
  let t: TestApp;
  let webDir: string | undefined;
  beforeAll(async () => {
    webDir = buildWebClient();
    t = await startWebTestApp(webDir);
  });
  afterAll(async () => {
    await t?.close();
    removeWebBuild(webDir);
  });

  it('finds dist/web from the TypeScript sources, as it does from dist/', () => {
    expect(findRepoRoot()).toBe(REPO_ROOT);
    expect(webRoot()).toBe(join(REPO_ROOT, 'dist', 'web'));
    const fromBuild = join(REPO_ROOT, 'dist', 'apps', 'chat-server', 'src', 'web');
    expect(findRepoRoot(fromBuild)).toBe(REPO_ROOT);
  });

  it('serves index.html at / without a token, revalidated on every load', async () => {
    const res = await request(t.url).get('/').expect(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers.etag).toBeDefined();
    expect(res.text).toContain('<div id="root"');
    await request(t.url).get('/').set('If-None-Match', res.headers.etag).expect(304);
    // A bad token changes nothing: the page is public.
    await request(t.url).get('/').set('Authorization', 'Bearer garbage').expect(200);
  });

  it('serves the hashed bundles under /assets/ as immutable, pre-compressed when asked', async () => {
    const html = (await request(t.url).get('/').expect(200)).text;
    const script = /src="(\/assets\/main-[A-Z0-9]+\.js)"/.exec(html)?.[1];
    const style = /href="(\/assets\/styles-[A-Z0-9]+\.css)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    expect(style).toBeDefined();
    const js = await request(t.url).get(script!).set('Accept-Encoding', 'identity').expect(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const css = await request(t.url).get(style!).expect(200);
    expect(css.headers['content-type']).toMatch(/text\/css/);
    const br = await request(t.url)
      .get(script!)
      .set('Accept-Encoding', 'br')
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    await request(t.url).get('/favicon.svg').expect(200);
  });

  it('answers unknown files with 404 and refuses path tricks', async () => {
    await request(t.url).get('/assets/nope-123.js').expect(404);
    await request(t.url).get('/nope.html').expect(404);
    const traversal = await request(t.url).get('/assets/..%2f..%2fpackage.json');
    expect([400, 403, 404]).toContain(traversal.status);
    expect(traversal.text).not.toContain('"devDependencies"');
  });

  it('leaves /api, /health and /metrics to the app', async () => {
    const api = await request(t.url).get('/api/v1/rooms').expect(401);
    expect(api.body).toEqual(expect.objectContaining({ status: 401, path: '/api/v1/rooms' }));
    const unknown = await request(t.url).get('/api/v1/no-such-route').expect(404);
    expect(unknown.headers['content-type']).toMatch(/json/);
    expect(unknown.body.status).toBe(404);
    const health = await request(t.url).get('/health');
    expect(health.status).toBe(200);
    expect(health.headers['content-type']).toMatch(/json/);
    const metrics = await request(t.url).get('/metrics');
    expect(metrics.text).not.toContain('<div id="root"');
    const sockjsInfo = await request(t.url).get('/ws/chat/info');
    expect(sockjsInfo.text).not.toContain('<div id="root"');
  });
});

describe('web client: not built', () => {
  it('serves a plain "not built" page at / instead of failing to start', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'web-missing-'));
    const app = await NestFactory.create<NestFastifyApplication>(WebModule, new FastifyAdapter(), {
      logger: false,
    });
    app.get(WebModule).serveFrom(join(empty, 'web'));
    try {
      await app.listen(0, '127.0.0.1');
      const res = await request(app.getHttpServer()).get('/').expect(503);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.text).toContain('Web client not built');
      expect(res.text).toContain('npm run build');
      await request(app.getHttpServer()).get('/assets/main.js').expect(404);
    } finally {
      await app.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
