// Builds the web client into <repo>/dist/web: index.html at the root, content-hashed bundles
// under assets/ (so the server can cache them forever and index.html not at all).
//
//   node apps/chat-server/web/build.mjs              one production build into dist/web
//   node apps/chat-server/web/build.mjs --watch      rebuild on change (development)
//   node apps/chat-server/web/build.mjs --out <dir>  build elsewhere (the browser tests use a
//                                                    private folder: `nest build` empties dist/)
//
// Every file is written to a temporary name and renamed into place, so a server (or a test
// file running the build concurrently) never reads a half-written file.
import { build, context } from 'esbuild';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const webDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(webDir, '../../..');
const outFlag = process.argv.indexOf('--out');
const outDir =
  outFlag > 0 && process.argv[outFlag + 1]
    ? resolve(process.argv[outFlag + 1])
    : join(repoRoot, 'dist', 'web');
const assetsDir = join(outDir, 'assets');
const watch = process.argv.includes('--watch');

/** @type {import('esbuild').BuildOptions} */
const options = {
  entryPoints: [join(webDir, 'src', 'main.ts'), join(webDir, 'src', 'styles.css')],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
  minify: !watch,
  sourcemap: watch ? 'inline' : false,
  legalComments: 'none',
  entryNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  outdir: assetsDir,
  write: false,
  metafile: true,
  logLevel: 'warning',
  // sockjs-client was written for browserify: it expects `global` and reads NODE_ENV.
  define: { global: 'globalThis', 'process.env.NODE_ENV': '"production"' },
  loader: { '.svg': 'file' },
};

function writeAtomically(file, contents) {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, contents);
  renameSync(tmp, file);
}

function emit(result) {
  const written = new Set();
  let script;
  let style;
  for (const file of result.outputFiles) {
    writeAtomically(file.path, file.contents);
    written.add(basename(file.path));
    // Pre-compressed twins, served by @fastify/static to clients that accept them.
    if (!watch) {
      const br = brotliCompressSync(file.contents, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
      writeAtomically(`${file.path}.br`, br);
      writeAtomically(`${file.path}.gz`, gzipSync(file.contents, { level: 9 }));
      written.add(`${basename(file.path)}.br`).add(`${basename(file.path)}.gz`);
    }
    const url = `/assets/${relative(assetsDir, file.path).split('\\').join('/')}`;
    if (file.path.endsWith('.js')) script = url;
    else if (file.path.endsWith('.css')) style = url;
  }
  if (!script || !style) throw new Error('esbuild produced no script or no stylesheet');
  const template = readFileSync(join(webDir, 'index.html'), 'utf8');
  const html = template.replace('%STYLE%', style).replace('%SCRIPT%', script);
  writeAtomically(join(outDir, 'index.html'), html);
  writeAtomically(join(outDir, 'favicon.svg'), readFileSync(join(webDir, 'favicon.svg')));
  // Drop bundles of earlier builds once they are a day old (a page loaded just before a deploy
  // may still ask for the previous ones), and temporary files a killed build left behind.
  const dayAgo = Date.now() - 24 * 3600 * 1000;
  for (const name of readdirSync(assetsDir)) {
    if (written.has(name)) continue;
    const path = join(assetsDir, name);
    try {
      const limit = name.endsWith('.tmp') ? Date.now() - 60_000 : dayAgo;
      if (statSync(path).mtimeMs < limit) rmSync(path, { force: true });
    } catch {
      // Another build removed it first.
    }
  }
  return { script, style };
}

if (watch) {
  const ctx = await context({
    ...options,
    plugins: [
      {
        name: 'emit',
        setup(b) {
          b.onEnd((result) => {
            if (result.errors.length === 0) {
              const { script } = emit(result);
              process.stdout.write(`web: rebuilt ${script}\n`);
            }
          });
        },
      },
    ],
  });
  await ctx.watch();
  process.stdout.write(`web: watching, output in ${relative(process.cwd(), outDir) || '.'}\n`);
} else {
  const started = Date.now();
  const result = await build(options);
  const { script, style } = emit(result);
  const bytes = result.outputFiles.reduce((n, f) => n + f.contents.length, 0);
  process.stdout.write(
    `web: built ${script} and ${style} (${(bytes / 1024).toFixed(1)} KiB) into ${relative(process.cwd(), outDir) || '.'} in ${Date.now() - started} ms\n`,
  );
}
