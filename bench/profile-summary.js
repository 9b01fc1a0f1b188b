'use strict';
// Summarises a V8 .cpuprofile (from --cpu-prof): self and inclusive time per function.
// usage: node bench/profile-summary.js file.cpuprofile [topN] [from-to] [--packages] [--callers=NAME]
//   from-to: only the samples in that slice of the profile's life, as fractions, e.g. 0.45-0.75
//   (a server profile spans boot, REST set-up, the run and shutdown; the middle is the steady state)
//   --packages: self time summed per npm package / node: module / our dist folder, in ms (to set
//     two processes side by side: divide by the requests or deliveries each made in the slice)
//   --callers=NAME: the call chains (8 frames up) that spent self time in the function NAME, in ms
//     (e.g. --callers=writeBuffer: which socket writes, the database's or the clients')
//   --seconds: busy ms per second of the profile's life, to find the slice of a run
const fs = require('fs');
const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const flags = process.argv.slice(2).filter((a) => a.startsWith('--'));
const p = JSON.parse(fs.readFileSync(args[0], 'utf8'));
const top = Number(args[1] || 40);
const [from, to] = (args[2] || '0-1').split('-').map(Number);
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of p.nodes) for (const c of n.children || []) parent.set(c, n.id);
const start = p.startTime + (p.endTime - p.startTime) * from;
const end = p.startTime + (p.endTime - p.startTime) * to;
const counts = new Map();
let at = p.startTime;
let total = 0;
p.samples.forEach((s, i) => {
  at += p.timeDeltas[i];
  if (at < start || at > end) return;
  counts.set(s, (counts.get(s) || 0) + 1);
  total++;
});
const key = (n) => `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.replace(/.*node_modules\//, '').replace(/.*\/dist\//, 'dist/')}:${n.callFrame.lineNumber}`;
const self = new Map();
const incl = new Map();
for (const [id, c] of counts) {
  const k = key(byId.get(id));
  self.set(k, (self.get(k) || 0) + c);
  const seen = new Set();
  let cur = id;
  while (cur !== undefined) {
    const kk = key(byId.get(cur));
    if (!seen.has(kk)) { incl.set(kk, (incl.get(kk) || 0) + c); seen.add(kk); }
    cur = parent.get(cur);
  }
}
const fmt = (m) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, v]) => `${(100 * v / total).toFixed(1).padStart(5)}%  ${k}`).join('\n');
console.log('total samples', total, from > 0 || to < 1 ? `(slice ${from}-${to} of the profile)` : '');
const packageOf = (n) => {
  const { url, functionName } = n.callFrame;
  if (!url) return functionName.startsWith('(') ? functionName : `native ${functionName}`;
  const m = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (url.startsWith('node:')) return url.split('/')[0];
  if (url.includes('/dist/')) return url.replace(/.*\/dist\//, 'dist/').split('/').slice(0, 5).join('/');
  return url;
};
// the samples of the slice, with the time each stands for (µs)
const slice = [];
{
  let t = p.startTime;
  p.samples.forEach((s, i) => {
    t += p.timeDeltas[i];
    if (t >= start && t <= end) slice.push([s, p.timeDeltas[i], t]);
  });
}
const ms = (m) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, v]) => `${(v / 1000).toFixed(0).padStart(8)} ms  ${k}`).join('\n');
const callers = flags.find((f) => f.startsWith('--callers='));
if (flags.includes('--seconds')) {
  const per = new Map();
  for (const [id, dt, t] of slice) {
    if (byId.get(id).callFrame.functionName === '(idle)') continue;
    const k = Math.floor((t - p.startTime) / 1e6);
    per.set(k, (per.get(k) || 0) + dt);
  }
  console.log('busy ms per second of the profile:', [...per].map(([k, v]) => `${k}:${Math.round(v / 1000)}`).join(' '));
} else if (flags.includes('--packages')) {
  const per = new Map();
  for (const [id, dt] of slice) {
    const k = packageOf(byId.get(id));
    per.set(k, (per.get(k) || 0) + dt);
  }
  console.log(ms(per));
} else if (callers) {
  const name = callers.slice('--callers='.length);
  const per = new Map();
  for (const [id, dt] of slice) {
    if (byId.get(id).callFrame.functionName !== name) continue;
    const chain = [];
    for (let cur = parent.get(id); cur !== undefined && chain.length < 8; cur = parent.get(cur)) chain.push(key(byId.get(cur)));
    const k = chain.join(' < ');
    per.set(k, (per.get(k) || 0) + dt);
  }
  console.log(ms(per));
} else {
  console.log('--- self'); console.log(fmt(self));
  console.log('--- inclusive'); console.log(fmt(incl));
}
