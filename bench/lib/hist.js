'use strict';
// Log-linear latency histogram (HdrHistogram-like): values in microseconds,
// exact below 256 us, then 128 sub-buckets per power of two (< 0.8 % error).
// Preallocated, mergeable across processes (counts are sent as sparse pairs).

const SUB_BITS = 7;
const SUB = 1 << SUB_BITS; // 128
const LINEAR = 2 * SUB; // 256
const NBUCKETS = LINEAR + (31 - 8) * SUB;

function indexOf(v) {
  if (!(v > 0)) return 0;
  if (v >= 2147483647) v = 2147483647;
  v = Math.floor(v);
  if (v < LINEAR) return v;
  const e = 31 - Math.clz32(v); // >= 8
  const sub = (v >>> (e - SUB_BITS)) & (SUB - 1);
  return LINEAR + (e - 8) * SUB + sub;
}

function valueOf(i) {
  if (i < LINEAR) return i;
  const e = Math.floor((i - LINEAR) / SUB) + 8;
  const sub = (i - LINEAR) % SUB;
  const lo = (SUB + sub) * 2 ** (e - SUB_BITS);
  const width = 2 ** (e - SUB_BITS);
  return lo + width / 2; // midpoint
}

class Histogram {
  constructor() {
    this.counts = new Float64Array(NBUCKETS);
    this.n = 0;
    this.max = 0;
    this.min = Infinity;
    this.sum = 0;
  }
  record(us) {
    this.counts[indexOf(us)]++;
    this.n++;
    this.sum += us;
    if (us > this.max) this.max = us;
    if (us < this.min) this.min = us;
  }
  toJSON() {
    const pairs = [];
    for (let i = 0; i < NBUCKETS; i++) if (this.counts[i]) pairs.push(i, this.counts[i]);
    return { pairs, n: this.n, max: this.max, min: this.min === Infinity ? 0 : this.min, sum: this.sum };
  }
  merge(json) {
    const p = json.pairs;
    for (let i = 0; i < p.length; i += 2) this.counts[p[i]] += p[i + 1];
    this.n += json.n;
    this.sum += json.sum;
    if (json.max > this.max) this.max = json.max;
    if (json.n && json.min < this.min) this.min = json.min;
  }
  percentile(q) {
    if (this.n === 0) return null;
    const target = Math.max(1, Math.ceil(this.n * q));
    let acc = 0;
    for (let i = 0; i < NBUCKETS; i++) {
      acc += this.counts[i];
      if (acc >= target) return Math.min(valueOf(i), this.max);
    }
    return this.max;
  }
  summary() {
    if (this.n === 0) return { n: 0 };
    const ms = (v) => Math.round(v) / 1000;
    return {
      n: this.n,
      p50Ms: ms(this.percentile(0.5)),
      p90Ms: ms(this.percentile(0.9)),
      p99Ms: ms(this.percentile(0.99)),
      maxMs: ms(this.max),
      meanMs: ms(this.sum / this.n),
    };
  }
}

module.exports = { Histogram, indexOf, valueOf };
