import { execFileSync, spawn, ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { GENEROUS_LIMITS } from './generous-limits';

export const ROOT = join(__dirname, '..', '..');
export const BUILT_MAIN = join(ROOT, 'dist', 'apps', 'chat-server', 'src', 'main.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts'))
      newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds the server (`npm run build`) when dist is missing or older than the sources. */
export function ensureBuilt(): string {
  const sources = Math.max(
    newestSource(join(ROOT, 'apps', 'chat-server', 'src')),
    newestSource(join(ROOT, 'libs')),
  );
  if (!existsSync(BUILT_MAIN) || statSync(BUILT_MAIN).mtimeMs < sources) {
    try {
      execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'pipe', timeout: 300_000 });
    } catch (err) {
      // tsc still emits on type errors (e.g. in a library being worked on): use that output when fresh.
      if (!existsSync(BUILT_MAIN) || statSync(BUILT_MAIN).mtimeMs < sources) throw err;
      console.warn(
        `npm run build reported errors; testing the emitted build:\n${String(err).slice(0, 2000)}`,
      );
    }
  }
  if (!existsSync(BUILT_MAIN)) throw new Error(`${BUILT_MAIN} is missing after npm run build`);
  return BUILT_MAIN;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs the built server as production runs it (`node dist/.../main.js`) and waits for /health. */
export async function startBuiltServer(env: Record<string, string>, cwd: string): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [BUILT_MAIN], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(port), ...GENEROUS_LIMITS, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = `http://127.0.0.1:${port}`;
  let done = false;
  void exited.then(() => (done = true));
  for (;;) {
    if (done) throw new Error(`server exited during startup:\n${out}\n${err}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, url, stdout: () => out, stderr: () => err, exited };
}
