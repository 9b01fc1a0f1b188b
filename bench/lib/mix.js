'use strict';
// M1: a realistic mix on our server (users in rooms of 2-200 members, a message per user every
// ~20 s with typing first, read markers, reactions, presence churn), against the ceiling: the raw
// ws peer broadcasting the same message rate to one room of the mix's mean fan-out (so the same
// deliveries/s with no application work at all). See bench/README.md, "M1".
const path = require('path');
const { sleep } = require('./procs');
const { LoadRun, Worker } = require('./load');
const { Histogram } = require('./hist');
const { nowUs } = require('./clock');
const proc = require('./proc');
const plan = require('./plan');
const serverCfg = require('../server.config');
const { targets } = require('../targets');

const MIX_WORKER = path.join(__dirname, 'mix-worker.js');
const round = (v, d = 2) => (v == null || !isFinite(v) ? null : Math.round(v * 10 ** d) / 10 ** d);

// The mix's plan: rooms, memberships, the message rate and the ceiling's fan-out.
function mixPlan(w) {
  const sizes = plan.roomSizes(w.rooms, w.minMembers, Math.min(w.maxMembers, w.users));
  const members = plan.memberships(sizes, w.users);
  const roomsOf = plan.roomsOfUsers(members, w.users);
  return {
    sizes,
    members,
    roomsOf,
    memberships: sizes.reduce((s, n) => s + n, 0),
    messagesPerSec: (w.users * 1000) / w.messageIntervalMs,
    fanout: plan.expectedFanout(members, w.users),
  };
}

async function runMixOnServer(w, mp, { log, smoke }) {
  const started = await serverCfg.start({ transport: 'ws', env: w.serverEnv });
  if (started.skipped) return { target: 'server', status: 'skipped', reason: started.skipped };
  const workers = [];
  try {
    const t0 = Date.now();
    const prep = await started.prepare({ rooms: w.rooms, users: w.users, members: mp.members, uncapped: true });
    log(`  M1 server: ${w.users} users, ${w.rooms} rooms, ${mp.memberships} memberships set up in ${Date.now() - t0} ms`);
    const slices = Array.from({ length: w.workers }, () => []);
    prep.users.forEach((u, i) => {
      const rooms = mp.roomsOf[i].map((r) => prep.roomIds[r]);
      if (rooms.length) slices[i % w.workers].push({ idx: i, token: u.token, rooms });
    });
    const params = {
      messageIntervalMs: w.messageIntervalMs,
      typingLeadMs: w.typingLeadMs,
      visibleProb: w.visibleProb,
      switchProb: w.switchProb,
      readDelayMs: w.readDelayMs,
      reactProb: w.reactProb,
      churnPerHour: w.churnPerHour,
      awayMs: w.awayMs,
    };
    const rss0 = proc.memKiB(started.pid).rss;
    const c0 = Date.now();
    for (let i = 0; i < w.workers; i++) workers.push(new Worker(`mix-worker-${i}`, MIX_WORKER));
    const readies = await Promise.all(
      workers.map((wk, i) => wk.request({ cmd: 'init', spec: started.spec, users: slices[i], params, seed: (w.seed || 1) + i, concurrency: 50 }, 'ready', 600000)),
    );
    const ready = { ok: readies.reduce((s, r) => s + r.ok, 0), failed: readies.reduce((s, r) => s + r.failed, 0), errors: readies.flatMap((r) => r.errors).slice(0, 3) };
    log(`  M1 server: ${ready.ok} users connected, ${ready.failed} failed in ${Date.now() - c0} ms`);
    if (ready.ok === 0) return { target: 'server', status: 'error', reason: `no user connected: ${ready.errors[0]}` };
    await sleep(w.settleMs);
    const rssStart = proc.memKiB(started.pid).rss;

    const bucketUs = 1000000;
    const start = { cmd: 'start', t0: nowUs() + 300000, warmupUs: w.warmupMs * 1000, durationUs: w.durationMs * 1000, drainUs: w.drainMs * 1000, bucketUs };
    const sampler = new proc.RssSampler(started.pid, 1000);
    for (const wk of workers) wk.send(start);
    const at = (us) => sleep(Math.max(0, (us - nowUs()) / 1000));
    await at(start.t0 + start.warmupUs);
    const cpuA = proc.cpuUs(started.pid);
    const genA = workers.reduce((s, wk) => s + (proc.cpuUs(wk.cp.pid) || 0), 0);
    const machineA = proc.machineBusyUs();
    const tA = nowUs();
    await at(start.t0 + start.durationUs);
    const cpuB = proc.cpuUs(started.pid);
    const genB = workers.reduce((s, wk) => s + (proc.cpuUs(wk.cp.pid) || 0), 0);
    const machineB = proc.machineBusyUs();
    const tB = nowUs();
    const rssEnd = proc.memKiB(started.pid).rss;
    // drain: every send on a live session answered (bounded)
    const drainEnd = Date.now() + w.drainMs;
    while (Date.now() < drainEnd) {
      await sleep(250);
      const polls = await Promise.all(workers.map((wk) => wk.request({ cmd: 'poll' }, 'poll', 10000)));
      if (polls.every((p) => p.pending === 0)) break;
    }
    const reps = await Promise.all(workers.map((wk) => wk.request({ cmd: 'report' }, 'report', 30000)));
    const peakRssKiB = sampler.stop();

    const st = {};
    const lat = new Histogram();
    const sum = (arrays) => {
      const out = new Float64Array(Math.max(...arrays.map((a) => a.length)));
      for (const a of arrays) a.forEach((v, i) => (out[i] += v));
      return out;
    };
    for (const r of reps) {
      for (const k in r.stats) st[k] = (st[k] || 0) + r.stats[k];
      lat.merge(r.lat);
    }
    const b0 = Math.round(start.warmupUs / bucketUs);
    const b1 = Math.round(start.durationUs / bucketUs);
    const inWin = (a) => a.slice(b0, b1).reduce((s, v) => s + v, 0);
    const winS = (start.durationUs - start.warmupUs) / 1e6;
    const cpuWinS = (tB - tA) / 1e6;
    const sentWin = inWin(sum(reps.map((r) => r.sentBuckets)));
    const delWin = inWin(sum(reps.map((r) => r.delBuckets)));
    const cpu = cpuA != null && cpuB != null ? (cpuB - cpuA) * (winS / cpuWinS) : null;
    const errors = st.errors + ready.failed;
    return {
      target: 'server',
      status: 'ok',
      connections: { ok: ready.ok, failed: ready.failed, errors: ready.errors },
      mix: {
        users: w.users,
        rooms: w.rooms,
        memberships: mp.memberships,
        roomSizes: { min: Math.min(...mp.sizes), max: Math.max(...mp.sizes) },
        fanout: round(mp.fanout, 1),
        plannedMessagesPerSec: round(mp.messagesPerSec, 1),
        windowSec: round(winS, 1),
        messagesPerSec: round(sentWin / winS, 1),
        deliveriesPerSec: round(delWin / winS, 0),
        latency: lat.summary(),
        serverCpuPct: cpu == null ? null : round((100 * cpu) / 1e6 / winS, 0),
        serverCpuUsPerMessage: cpu == null || !sentWin ? null : round(cpu / sentWin, 1),
        serverCpuUsPerDelivery: cpu == null || !delWin ? null : round(cpu / delWin, 2),
        generatorCpuPct: round((100 * (genB - genA)) / 1e6 / cpuWinS, 0),
        otherCpuPct: cpuA != null && machineA != null ? round((100 * (machineB - machineA - (cpuB - cpuA) - (genB - genA))) / 1e6 / cpuWinS, 0) : null,
        rssBeforeUsersKiB: rss0,
        rssStartKiB: rssStart,
        rssEndKiB: rssEnd,
        peakRssKiB,
        counts: st,
        unanswered: reps.reduce((s, r) => s + r.unanswered, 0),
        connectedAtEnd: reps.reduce((s, r) => s + r.connected, 0),
        errors,
        firstErrors: [...ready.errors, ...reps.flatMap((r) => r.errors)].slice(0, 5),
        smoke,
      },
    };
  } finally {
    await Promise.all(
      workers.map(async (wk) => {
        wk.send({ cmd: 'close' });
        await Promise.race([new Promise((r) => wk.cp.once('exit', r)), sleep(3000)]);
      }),
    );
    await started.stop();
  }
}

// The ceiling: the raw ws peer, one room of the mix's mean fan-out, one publisher at the mix's
// message rate (open loop), for ceilingDurationMs.
async function runCeiling(w, mp, { log }) {
  const subs = Math.max(1, Math.round(mp.fanout));
  const started = await targets.ws.start();
  let lr;
  try {
    const conns = [...Array.from({ length: subs }, () => ({ room: 1, pub: false, count: true })), { room: 1, pub: true, count: false, pubId: 0 }];
    lr = new LoadRun({ spec: started.spec, conns, subWorkers: 2, serverPid: started.pid, concurrency: 50 });
    const ready = await lr.connect();
    log(`  M1 ceiling (ws): ${ready.ok} connected, ${ready.failed} failed`);
    const r = await lr.run({ mode: 'rate', rate: mp.messagesPerSec, warmupMs: Math.min(w.warmupMs, 5000), durationMs: Math.min(w.warmupMs, 5000) + w.ceilingDurationMs, drainMs: 2000 });
    const cpuUsPerMessage = r.serverCpuUsPerDelivery != null && r.sentPerSec ? round((r.serverCpuUsPerDelivery * r.deliveriesPerSec) / r.sentPerSec, 1) : null;
    return {
      target: 'ws',
      status: 'ok',
      connections: { ok: ready.ok, failed: ready.failed, connectMs: ready.ms },
      ...r,
      ceiling: { subscribers: subs, messagesPerSec: round(mp.messagesPerSec, 1), serverCpuUsPerMessage: cpuUsPerMessage },
    };
  } finally {
    if (lr) await lr.close();
    await started.stop();
  }
}

async function runM1(w, ctx) {
  const mp = mixPlan(w);
  ctx.log(
    `  M1: ${w.users} users, ${w.rooms} rooms of ${Math.min(...mp.sizes)}-${Math.max(...mp.sizes)} members, ${round(mp.messagesPerSec, 1)} messages/s planned, mean fan-out ${round(mp.fanout, 1)}, ${w.durationMs / 1000} s`,
  );
  /** @type {any[]} */
  const rows = [await runMixOnServer(w, mp, ctx)];
  await sleep(ctx.smoke ? 200 : 1500);
  rows.push(await runCeiling(w, mp, ctx));
  return rows;
}

module.exports = { runM1, mixPlan };
