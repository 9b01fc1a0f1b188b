'use strict';
// Child process bookkeeping: every process the harness starts is tracked and
// killed on exit, on errors and on SIGINT/SIGTERM.
const { spawn, fork } = require('child_process');
const net = require('net');

const children = new Set();

function track(cp, name) {
  cp.benchName = name;
  children.add(cp);
  cp.on('exit', () => children.delete(cp));
  return cp;
}

function killChild(cp, signal = 'SIGTERM') {
  if (!cp || cp.exitCode !== null || cp.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      try {
        cp.kill('SIGKILL');
      } catch {
        /* ignore */
      }
      resolve();
    }, 3000);
    cp.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    try {
      cp.kill(signal);
    } catch {
      clearTimeout(t);
      resolve();
    }
  });
}

function killAllSync() {
  for (const cp of children) {
    try {
      cp.kill('SIGKILL');
    } catch {
      /* ignore */
    }
  }
}

let installed = false;
function installExitHandlers() {
  if (installed) return;
  installed = true;
  process.on('exit', killAllSync);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      console.error(`\n[bench] ${sig}: stopping ${children.size} child process(es)`);
      killAllSync();
      process.exit(130);
    });
  }
}

function forkTracked(file, args, name, opts = {}) {
  return track(fork(file, args || [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], ...opts }), name);
}

// Starts a process that prints "LISTENING <port>" on stdout when ready.
/**
 * @param {string} cmd
 * @param {string[]} args
 * @param {string} name
 * @param {{ env?: NodeJS.ProcessEnv, cwd?: string, timeoutMs?: number }} [options]
 */
function spawnListening(cmd, args, name, { env, cwd, timeoutMs = 30000 } = {}) {
  return new Promise((resolve, reject) => {
    const cp = track(spawn(cmd, args, { env: { ...process.env, ...env }, cwd, stdio: ['ignore', 'pipe', 'pipe'] }), name);
    let out = '';
    let err = '';
    const t = setTimeout(() => {
      void killChild(cp);
      reject(new Error(`${name}: not listening after ${timeoutMs} ms; stderr: ${err.slice(-500)}`));
    }, timeoutMs);
    cp.stdout.on('data', (d) => {
      out += d.toString();
      const m = out.match(/LISTENING (\d+)/);
      if (m && !cp.benchPort) {
        cp.benchPort = Number(m[1]);
        clearTimeout(t);
        resolve(cp);
      }
    });
    cp.stderr.on('data', (d) => {
      err += d.toString();
      if (err.length > 20000) err = err.slice(-10000);
    });
    cp.on('exit', (code) => {
      clearTimeout(t);
      if (!cp.benchPort) reject(new Error(`${name} exited with ${code}: ${err.slice(-500)}`));
    });
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = /** @type {import('net').AddressInfo} */ (s.address()).port;
      s.close(() => resolve(p));
    });
  });
}

function waitTcp(port, timeoutMs) {
  const end = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tryOnce = () => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve();
      });
      s.once('error', () => {
        s.destroy();
        if (Date.now() > end) reject(new Error(`port ${port} not answering after ${timeoutMs} ms`));
        else setTimeout(tryOnce, 200);
      });
    };
    tryOnce();
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Node flags for a peer process, from BENCH_PEER_NODE_ARGS (e.g. '--cpu-prof --cpu-prof-dir=/tmp/pp'). */
function peerNodeArgs() {
  return process.env.BENCH_PEER_NODE_ARGS ? process.env.BENCH_PEER_NODE_ARGS.split(' ').filter(Boolean) : [];
}

module.exports = { peerNodeArgs, children, track, killChild, killAllSync, installExitHandlers, forkTracked, spawnListening, freePort, waitTcp, sleep };
