'use strict';
// Summarises a V8 .cpuprofile (from --cpu-prof): self and inclusive time per function.
// usage: node bench/profile-summary.js file.cpuprofile [topN]
const fs = require('fs');
const p = JSON.parse(fs.readFileSync(process.argv[2]));
const top = Number(process.argv[3] || 40);
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of p.nodes) for (const c of n.children || []) parent.set(c, n.id);
const self = new Map();
const counts = new Map();
for (const s of p.samples) counts.set(s, (counts.get(s) || 0) + 1);
const total = p.samples.length;
const key = (n) => `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.replace(/.*node_modules\//, '').replace(/.*\/dist\//, 'dist/')}:${n.callFrame.lineNumber}`;
const incl = new Map();
for (const [id, c] of counts) {
  const n = byId.get(id);
  const k = key(n);
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
console.log('total samples', total);
console.log('--- self'); console.log(fmt(self));
console.log('--- inclusive'); console.log(fmt(incl));
