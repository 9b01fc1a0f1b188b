import fastifyStatic from '@fastify/static';
import { Logger, Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { existsSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';

/** Hashed bundles never change under their name: cache them for a year. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html names the current bundles: always revalidate it (cheap, thanks to ETag). */
const REVALIDATE = 'no-cache';

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Chat: web client not built</title></head>
<body>
<h1>Web client not built</h1>
<p>The server is running, but the web client has not been built. Run <code>npm run build</code>
(or <code>node apps/chat-server/web/build.mjs</code>) and restart the server.</p>
<p>The REST API is under <code>/api</code>, its documentation at <code>/api/docs</code>.</p>
</body></html>
`;

/**
 * The repository root: the nearest folder above `from` that holds a package.json. The same from
 * the TypeScript sources (jest, ts-node: apps/chat-server/src/web) and from the build
 * (dist/apps/chat-server/src/web), and in an image that keeps package.json beside dist/.
 */
export function findRepoRoot(from: string = __dirname): string | undefined {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && !dir.split(sep).includes('node_modules')) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Where the built web client lives: `<repo>/dist/web`. */
export function webRoot(): string {
  return join(findRepoRoot() ?? process.cwd(), 'dist', 'web');
}

/**
 * Serves the web client built by `apps/chat-server/web/build.mjs`: `index.html` at `/`, bundles
 * under `/assets/`. The files are served by @fastify/static on the Fastify instance itself, so
 * Nest's global JWT guard (which guards Nest routes only) does not apply: the page is public, as
 * the contract says. Only `/`, the files at the root of dist/web and `/assets/*` are routed, so
 * nothing shadows `/api/**`, `/ws/**`, `/health` or `/metrics`. Security headers (CSP and the
 * rest) come from the app-wide helmet registration; the page needs only 'self'.
 */
@Module({})
export class WebModule implements OnModuleInit {
  private readonly logger = new Logger('Web');

  private rootOverride: string | undefined;

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  /**
   * Serve the page from `root` instead of `<repo>/dist/web`; call before the app initializes
   * (before `listen()`). The browser tests build into a folder of their own, because `nest
   * build` empties dist/ and may run meanwhile.
   */
  serveFrom(root: string): void {
    this.rootOverride = root;
  }

  async onModuleInit(): Promise<void> {
    const fastify = this.adapterHost.httpAdapter?.getInstance?.() as FastifyInstance | undefined;
    if (!fastify || typeof fastify.register !== 'function') {
      this.logger.warn('No Fastify instance: the web client is not served');
      return;
    }
    const root = this.rootOverride ?? webRoot();
    if (!existsSync(join(root, 'index.html'))) {
      this.logger.warn(`Web client not built (no ${join(root, 'index.html')}): run npm run build`);
      const notBuilt = (_request: unknown, reply: FastifyReply) => {
        void reply
          .status(503)
          .header('cache-control', 'no-store')
          .type('text/html; charset=utf-8')
          .send(NOT_BUILT_PAGE);
      };
      fastify.get('/', notBuilt);
      return;
    }

    // Bundles: any file under assets/, also ones a `build.mjs --watch` writes after startup.
    await fastify.register(fastifyStatic, {
      root: join(root, 'assets'),
      prefix: '/assets/',
      wildcard: true,
      preCompressed: true,
      cacheControl: false,
      dotfiles: 'deny',
      decorateReply: false,
      setHeaders: (reply: FastifyReply) => {
        reply.header('cache-control', IMMUTABLE);
      },
    });
    // The page itself: the files at the root of dist/web, each on its own route, and `/`.
    await fastify.register(fastifyStatic, {
      root,
      prefix: '/',
      wildcard: false,
      index: ['index.html'],
      globIgnore: ['assets/**', '**/*.br', '**/*.gz', '**/*.tmp'],
      preCompressed: true,
      cacheControl: false,
      dotfiles: 'deny',
      decorateReply: false,
      setHeaders: (reply: FastifyReply) => {
        reply.header('cache-control', REVALIDATE);
      },
    });
    this.logger.log(`Web client served from ${root}`);
  }
}
