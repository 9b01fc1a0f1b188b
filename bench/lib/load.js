'use strict';
// Orchestrator side of one load phase: forks worker processes, hands them their
// connections, runs the publishers for a bounded time, drains, and aggregates
// the per-run figures.
const path = require('path');
const { forkTracked, killChild, sleep } = require('./procs');
const { Histogram } = require('./hist');
const { nowUs } = require('./clock');
const proc = require('./proc');

const WORKER = path.join(__dirname, 'worker.js');

class Worker {
  constructor(name, file = WORKER) {
    this.cp = forkTracked(file, [], name, { execArgv: ['--max-old-space-size=4096', ...(process.env.BENCH_WORKER_PROF ? ['--cpu-prof', '--cpu-prof-dir=' + process.env.BENCH_WORKER_PROF] : [])] });
    this.waiters = [];
    this.cp.on('message', (m) => {
      if (m.type === 'error' || m.type === 'fatal') console.error(`[${name}] ${m.error}`);
      const i = this.waiters.findIndex((w) => w.type === m.type);
      if (i >= 0) this.waiters.splice(i, 1)[0].resolve(m);
    });
    this.cp.on('exit', (code) => {
      for (const w of this.waiters.splice(0)) w.reject(new Error(`${name} exited (${code})`));
    });
  }
  request(msg, type, timeoutMs = 60000) {
    return new Promise((resolve, reject) => {
      const w = { type, resolve, reject };
      const t = setTimeout(() => {
        const i = this.waiters.indexOf(w);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Error(`timeout waiting for ${type} from ${this.cp.benchName}`));
      }, timeoutMs);
      w.resolve = (m) => {
        clearTimeout(t);
        resolve(m);
      };
      w.reject = (e) => {
        clearTimeout(t);
        reject(e);
      };
      this.waiters.push(w);
      this.cp.send(msg);
    });
  }
  send(msg) {
    if (this.cp.connected) this.cp.send(msg);
  }
}

class LoadRun {
  // opts: spec, conns[{room,user,pub,count,pubId}], subWorkers, serverPid,
  //       concurrency, connectTimeoutMs, padLen
  constructor(opts) {
    this.o = opts;
    this.subWorkers = [];
    this.pubWorker = null;
  }

  async connect() {
    const o = this.o;
    // publishers get their own worker (and join last) unless spreadPubs (P1)
    const subs = o.spreadPubs ? o.conns : o.conns.filter((c) => !c.pub);
    const pubs = o.spreadPubs ? [] : o.conns.filter((c) => c.pub);
    const n = Math.max(1, o.subWorkers || 2);
    const slices = Array.from({ length: n }, () => []);
    subs.forEach((c, i) => slices[i % n].push(c));
    const ready = { ok: 0, failed: 0, errors: [], ms: 0 };
    const t0 = Date.now();
    const add = (r) => {
      ready.ok += r.ok;
      ready.failed += r.failed;
      ready.errors.push(...r.errors);
    };
    const timeout = o.connectTimeoutMs || 120000;
    const init = (w, list) => w.request({ cmd: 'init', spec: o.spec, conns: list, concurrency: o.concurrency || 50, padLen: o.padLen }, 'ready', timeout);
    this.subWorkers = slices.filter((s) => s.length).map((_, i) => new Worker(`sub-worker-${i}`));
    const rs = await Promise.all(this.subWorkers.map((w, i) => init(w, slices[i])));
    rs.forEach(add);
    if (pubs.length) {
      // publishers join last, so a broadcast reaches them after the subscribers
      this.pubWorker = new Worker('pub-worker');
      add(await init(this.pubWorker, pubs));
    }
    ready.ms = Date.now() - t0;
    this.ready = ready;
    return ready;
  }

  get workers() {
    return this.pubWorker ? [...this.subWorkers, this.pubWorker] : this.subWorkers;
  }

  // p: mode 'max'|'rate', rate, window, warmupMs, durationMs, drainMs, maxMsgs, completion
  async run(p) {
    const o = this.o;
    const bucketUs = 100000;
    const t0 = nowUs() + 300000;
    const warmupUs = p.warmupMs * 1000;
    const durationUs = p.durationMs * 1000;
    const drainUs = (p.drainMs || 5000) * 1000;
    const msg = {
      cmd: 'start',
      t0,
      warmupUs,
      durationUs,
      drainUs,
      bucketUs,
      mode: p.mode,
      rate: p.rate || 0,
      window: p.window || 8,
      maxMsgs: p.maxMsgs || 1e7,
      completion: p.completion || 'echo',
      stallMs: p.stallMs || 3000,
    };
    const cpu = {};
    const pid = o.serverPid;
    const sampler = pid ? new proc.RssSampler(pid) : null;
    for (const w of this.workers) w.send(msg);
    const at = (us) => sleep(Math.max(0, (us - nowUs()) / 1000));
    await at(t0 + warmupUs);
    const genPids = this.workers.map((w) => w.cp.pid);
    const genCpu = () => genPids.reduce((acc, q) => acc + (proc.cpuUs(q) || 0), 0);
    cpu.a = pid ? proc.cpuUs(pid) : null;
    cpu.ga = genCpu();
    cpu.ma = proc.machineBusyUs();
    cpu.at = nowUs();
    await at(t0 + durationUs);
    cpu.b = pid ? proc.cpuUs(pid) : null;
    cpu.gb = genCpu();
    cpu.mb = proc.machineBusyUs();
    cpu.bt = nowUs();
    // drain: wait until deliveries stop growing (or the drain limit)
    let last = -1;
    let stable = 0;
    const drainEnd = Date.now() + drainUs / 1000;
    while (Date.now() < drainEnd) {
      await sleep(250);
      const polls = await Promise.all(this.workers.map((w) => w.request({ cmd: 'poll' }, 'poll', 10000)));
      const d = polls.reduce((s, x) => s + x.delivered + x.completed, 0);
      const infl = polls.reduce((s, x) => s + x.inflight, 0);
      if (d === last && (infl === 0 || stable >= 8)) {
        if (++stable >= 3) break;
      } else stable = d === last ? stable + 1 : 0;
      last = d;
    }
    const reps = await Promise.all(this.workers.map((w) => w.request({ cmd: 'report' }, 'report', 30000)));
    const peakRssKiB = sampler ? sampler.stop() : null;
    const mem = pid ? proc.memKiB(pid) : {};
    return aggregate(reps, { ...msg, cpu, peakRssKiB, hwmKiB: mem.hwm, rssEndKiB: mem.rss });
  }

  async close() {
    await Promise.all(
      this.workers.map(async (w) => {
        w.send({ cmd: 'close' });
        await Promise.race([new Promise((r) => w.cp.once('exit', r)), sleep(3000)]);
        await killChild(w.cp);
      }),
    );
  }

  // heartbeat liveness of idle connections (C1)
  async liveness() {
    const reps = await Promise.all(this.workers.map((w) => w.request({ cmd: 'report' }, 'report', 30000)));
    return {
      stale: reps.reduce((s, r) => s + r.stale, 0),
      dead: reps.reduce((s, r) => s + r.dead, 0),
      hbIn: reps.reduce((s, r) => s + (r.hbIn || 0), 0),
      hbOut: reps.reduce((s, r) => s + (r.hbOut || 0), 0),
      genRssKiB: reps.reduce((s, r) => s + r.rssKiB, 0),
      errors: reps.flatMap((r) => r.errors).slice(0, 5),
    };
  }
}

function aggregate(reps, m) {
  const sumArr = (key) => {
    const out = new Float64Array(Math.max(...reps.map((r) => r[key].length), 0));
    for (const r of reps) r[key].forEach((v, i) => (out[i] += v));
    return out;
  };
  const del = sumArr('delBuckets');
  const sent = sumArr('sentBuckets');
  const comp = sumArr('compBuckets');
  const b0 = Math.round(m.warmupUs / m.bucketUs);
  const b1 = Math.round(m.durationUs / m.bucketUs);
  const winS = (m.durationUs - m.warmupUs) / 1e6;
  const inWin = (a) => {
    let s = 0;
    for (let i = b0; i < b1 && i < a.length; i++) s += a[i];
    return s;
  };
  const lat = new Histogram();
  const compLat = new Histogram();
  const st = { delivered: 0, distinct: 0, dups: 0, order: 0, foreign: 0, errorsAfterReady: 0, timeouts: 0 };
  const sentToRoom = {};
  const countingByRoom = {};
  let sentTotal = 0;
  const errors = [];
  for (const r of reps) {
    lat.merge(r.lat);
    compLat.merge(r.compLat);
    for (const k in st) st[k] += r.stats[k] || 0;
    for (const p of r.sentByPub) {
      sentToRoom[p.room] = (sentToRoom[p.room] || 0) + p.sent;
      sentTotal += p.sent;
    }
    for (const k in r.countingByRoom) countingByRoom[k] = (countingByRoom[k] || 0) + r.countingByRoom[k];
    errors.push(...r.errors);
  }
  let expected = 0;
  for (const k in countingByRoom) expected += countingByRoom[k] * (sentToRoom[k] || 0);
  const deliveriesWin = inWin(del);
  const cpuDelta = m.cpu.a != null && m.cpu.b != null ? m.cpu.b - m.cpu.a : null;
  const cpuWinS = (m.cpu.bt - m.cpu.at) / 1e6;
  const completedWin = inWin(comp);
  const round = (v, d = 1) => (v == null || !isFinite(v) ? null : Math.round(v * 10 ** d) / 10 ** d);
  return {
    deliveriesPerSec: round(deliveriesWin / winS, 0),
    sentPerSec: round(inWin(sent) / winS, 1),
    completedPerSec: round(completedWin / winS, 1),
    messagesSent: sentTotal,
    expectedDeliveries: expected,
    receivedDeliveries: st.delivered,
    distinctDeliveries: st.distinct,
    lost: expected - st.distinct,
    lossPct: expected ? round((100 * (expected - st.distinct)) / expected, 3) : null,
    duplicates: st.dups,
    orderViolations: st.order,
    completionTimeouts: st.timeouts,
    latency: lat.summary(),
    completionLatency: compLat.summary(),
    serverCpuUsPerDelivery: cpuDelta != null && deliveriesWin ? round((cpuDelta * (winS / cpuWinS)) / deliveriesWin, 2) : null,
    serverCpuUsPerCompleted: cpuDelta != null && completedWin ? round((cpuDelta * (winS / cpuWinS)) / completedWin, 1) : null,
    serverCpuPct: cpuDelta != null ? round((100 * cpuDelta) / 1e6 / cpuWinS, 0) : null,
    serverPeakRssKiB: m.peakRssKiB,
    serverVmHWMKiB: m.hwmKiB,
    generatorCpuPct: round((100 * (m.cpu.gb - m.cpu.ga)) / 1e6 / cpuWinS, 0), // all load workers, in the window
    // CPU used in the window by processes that are neither the server nor the
    // load generator (other work on the machine): a noise indicator
    otherCpuPct: cpuDelta != null && m.cpu.ma != null ? round((100 * (m.cpu.mb - m.cpu.ma - cpuDelta - (m.cpu.gb - m.cpu.ga))) / 1e6 / cpuWinS, 0) : null,
    windowSec: round(winS, 2),
    errors: errors.slice(0, 5),
  };
}

module.exports = { LoadRun, Worker };
