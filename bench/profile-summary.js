'use strict';
// Summarises a V8 .cpuprofile (from --cpu-prof): self and inclusive time per function.
// usage: node bench/profile-summary.js file.cpuprofile [topN] [from-to]
//   from-to: only the samples in that slice of the profile's life, as fractions, e.g. 0.45-0.75
//   (a server profile spans boot, REST set-up, the run and shutdown; the middle is the steady state)
const fs = require('fs');
const p = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const top = Number(process.argv[3] || 40);
const [from, to] = (process.argv[4] || '0-1').split('-').map(Number);
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
console.log('--- self'); console.log(fmt(self));
console.log('--- inclusive'); console.log(fmt(incl));
