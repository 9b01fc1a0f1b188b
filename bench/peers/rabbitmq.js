'use strict';
// Peer: RabbitMQ Web-STOMP (ws://127.0.0.1:15674/ws, guest/guest, vhost "/").
// ensureWebStomp() makes sure the broker runs and the rabbitmq_web_stomp plugin
// is enabled and answering; it never hangs (every step has a timeout) and
// returns { ok:false, reason } when the peer cannot be used.
const { execFile } = require('child_process');
const fs = require('fs');
const { waitTcp } = require('../lib/procs');

const WS_PORT = 15674;

function run(cmd, args, timeoutMs) {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs }, (err, stdout, stderr) => {
      resolve({ err, out: String(stdout || '') + String(stderr || '') });
    });
  });
}

async function up(port, ms) {
  try {
    await waitTcp(port, ms);
    return true;
  } catch {
    return false;
  }
}

// The broker's OS pid, from /proc (rabbitmqctl is far too slow on a busy machine).
async function findPid() {
  const found = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8');
      if (cmd.includes('beam.smp') && cmd.includes('rabbit')) found.push(Number(d));
    } catch {
      /* gone */
    }
  }
  return { pid: found.length === 1 ? found[0] : null, version: null };
}

function fdLimit(pid) {
  try {
    const m = fs.readFileSync(`/proc/${pid}/limits`, 'utf8').match(/Max open files\s+(\d+)/);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

// RabbitMQ sizes its socket table from `ulimit -n` at boot (Debian's default
// 1024 gives ~830 sockets). When a workload needs more connections than that,
// the broker is restarted once with a raised limit (BENCH_RABBITMQ_RESTART=0
// disables this; the peer's rows are then skipped with the reason).
async function restartWithFds(fds) {
  await run('rabbitmqctl', ['stop'], 90000);
  for (let i = 0; i < 60 && (await up(5672, 300)); i++) await new Promise((r) => setTimeout(r, 500));
  // `rabbitmq-server` as root goes through `su rabbitmq`, whose PAM limits reset
  // `ulimit -n` to 1024; setpriv keeps the raised limit.
  const cmd = `ulimit -n ${fds} && cd /var/lib/rabbitmq && /usr/lib/rabbitmq/bin/rabbitmq-server -detached`;
  const r = await run('setpriv', ['--reuid', 'rabbitmq', '--regid', 'rabbitmq', '--init-groups', 'env', 'HOME=/var/lib/rabbitmq', 'sh', '-c', cmd], 30000);
  if (r.err) await run('rabbitmq-server', ['-detached'], 30000); // never leave the broker down
  return (await up(5672, 60000)) && (await up(WS_PORT, 60000));
}

function hardFdLimit() {
  try {
    const m = fs.readFileSync('/proc/self/limits', 'utf8').match(/Max open files\s+\d+\s+(\d+)/);
    return m ? Number(m[1]) : 65536;
  } catch {
    return 65536;
  }
}

async function ensureWebStomp(minFds = 0) {
  const which = await run('sh', ['-c', 'command -v rabbitmq-plugins'], 5000);
  if (which.err) return { ok: false, reason: 'rabbitmq-plugins not installed' };
  if (!(await up(WS_PORT, 1000))) {
    if (!(await up(5672, 1000))) {
      await run('rabbitmq-server', ['-detached'], 30000);
      if (!(await up(5672, 60000))) return { ok: false, reason: 'RabbitMQ not answering on 127.0.0.1:5672 after `rabbitmq-server -detached`' };
    }
    const en = await run('rabbitmq-plugins', ['enable', 'rabbitmq_web_stomp'], 90000);
    if (en.err) return { ok: false, reason: `rabbitmq-plugins enable rabbitmq_web_stomp failed: ${en.out.trim().slice(-300)}` };
    if (!(await up(WS_PORT, 30000))) return { ok: false, reason: `Web-STOMP not answering on 127.0.0.1:${WS_PORT} after enabling the plugin` };
  }
  let { pid, version } = await findPid();
  if (!pid) return { ok: false, reason: 'could not find the RabbitMQ (beam.smp) pid for /proc sampling' };
  let fds = fdLimit(pid);
  if (minFds && fds && fds < minFds) {
    if (process.env.BENCH_RABBITMQ_RESTART === '0') {
      return { ok: false, reason: `RabbitMQ fd limit ${fds} < ${minFds} needed (BENCH_RABBITMQ_RESTART=0)` };
    }
    const want = Math.min(hardFdLimit(), Math.max(minFds, 65536));
    console.error(`[bench] RabbitMQ fd limit ${fds} < ${minFds}: restarting it with ulimit -n ${want}`);
    if (!(await restartWithFds(want))) return { ok: false, reason: 'RabbitMQ did not come back after the restart with a raised fd limit' };
    ({ pid, version } = await findPid());
    fds = fdLimit(pid);
    if (!pid || fds < minFds) return { ok: false, reason: `RabbitMQ fd limit still ${fds} after restart` };
  }
  return { ok: true, pid, version, port: WS_PORT, fdLimit: fds };
}

// Sets the nice value of every thread of `pid` (Linux nice is per thread);
// returns a function restoring the previous values.
function reniceAll(pid, nice) {
  const os = require('os');
  const prev = [];
  let tids;
  try {
    tids = fs.readdirSync(`/proc/${pid}/task`).map(Number);
  } catch {
    return () => {};
  }
  for (const t of tids) {
    try {
      prev.push([t, os.getPriority(t)]);
      os.setPriority(t, nice);
    } catch {
      /* thread gone or not permitted */
    }
  }
  return () => {
    for (const [t, p] of prev) {
      try {
        os.setPriority(t, p);
      } catch {
        /* gone */
      }
    }
  };
}

module.exports = { ensureWebStomp, reniceAll };

if (require.main === module) {
  ensureWebStomp(Number(process.argv[2] || 0)).then(
    (r) => console.log(JSON.stringify(r)),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
