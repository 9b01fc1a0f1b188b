// `npm start` builds only when a source is newer than the build: a start with nothing changed
// takes a few seconds instead of a full `nest build` and web bundle.
// Sources: the server (apps/chat-server/src), libs/, the web client (apps/chat-server/web, its
// dist aside) and the build configuration; outputs: the server's main.js and the page's index.html.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outputs = ['dist/apps/chat-server/src/main.js', 'dist/web/index.html'].map((p) => join(root, p));
const sources = ['apps/chat-server/src', 'libs', 'apps/chat-server/web'];
const configs = ['tsconfig.json', 'nest-cli.json', 'package-lock.json', 'apps/chat-server/web/tsconfig.json'];

/** Newest modification time of the files under `dir` (build output and specs excluded). */
function newest(dir) {
  let time = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) time = Math.max(time, newest(path));
    else if (!entry.name.endsWith('.spec.ts')) time = Math.max(time, statSync(path).mtimeMs);
  }
  return time;
}

const sourceTime = Math.max(
  ...sources.map((d) => newest(join(root, d))),
  ...configs.map((f) => join(root, f)).filter(existsSync).map((f) => statSync(f).mtimeMs),
);
const stale = outputs.filter((o) => !existsSync(o) || statSync(o).mtimeMs < sourceTime);
if (stale.length === 0) {
  console.error('build is up to date: starting dist/ (npm run build rebuilds it)');
} else {
  console.error('sources are newer than dist/: npm run build');
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
}
