'use strict';
// /proc sampling of a server process: CPU (utime+stime, all threads) and memory.
const fs = require('fs');
const { execFileSync } = require('child_process');

let CLK_TCK = 100;
try {
  CLK_TCK = parseInt(execFileSync('getconf', ['CLK_TCK']).toString(), 10) || 100;
} catch {
  /* default */
}

function cpuUs(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
    // rest[0] is field 3 (state); utime = field 14, stime = field 15
    const utime = Number(rest[11]);
    const stime = Number(rest[12]);
    return ((utime + stime) * 1e6) / CLK_TCK;
  } catch {
    return null;
  }
}

// CPU time of the whole machine (all cores), busy = everything but idle/iowait.
function machineBusyUs() {
  try {
    const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const busy = f[0] + f[1] + f[2] + f[5] + f[6] + (f[7] || 0);
    return (busy * 1e6) / CLK_TCK;
  } catch {
    return null;
  }
}

function memKiB(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const get = (k) => {
      const m = s.match(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm'));
      return m ? Number(m[1]) : null;
    };
    return { rss: get('VmRSS'), hwm: get('VmHWM') };
  } catch {
    return { rss: null, hwm: null };
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// Samples VmRSS every `ms` to catch the peak of a process whose VmHWM is not
// meaningful (a long-running broker such as RabbitMQ).
class RssSampler {
  constructor(pid, ms = 200) {
    this.pid = pid;
    this.max = 0;
    this.timer = setInterval(() => this.sample(), ms);
    this.timer.unref();
    this.sample();
  }
  sample() {
    const m = memKiB(this.pid);
    if (m.rss && m.rss > this.max) this.max = m.rss;
  }
  stop() {
    this.sample();
    clearInterval(this.timer);
    return this.max;
  }
}

module.exports = { machineBusyUs, cpuUs, memKiB, alive, RssSampler, CLK_TCK };
