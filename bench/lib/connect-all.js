'use strict';
// Opens many connections with a bounded number in flight, for the load workers (worker.js,
// mix-worker.js): `open(item)` for each item, `concurrency` at a time; a rejected one goes to
// `failed(item, err)` and the rest go on.

/**
 * @template T
 * @param {T[]} items
 * @param {number} concurrency
 * @param {(item: T) => Promise<void>} open
 * @param {(item: T, err: unknown) => void} failed
 * @returns {Promise<{ ok: number, failed: number }>}
 */
async function connectAll(items, concurrency, open, failed) {
  let next = 0;
  const counts = { ok: 0, failed: 0 };
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      try {
        await open(item);
        counts.ok++;
      } catch (err) {
        counts.failed++;
        failed(item, err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return counts;
}

module.exports = { connectAll };
