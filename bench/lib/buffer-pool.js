'use strict';
// MariaDB's InnoDB buffer pool for a bench run. Debian's default is 128 MiB, smaller than H1's and
// H2's million-message rooms, so a page of a big room is read back from the OS page cache and H1
// measured the pool, not the query (SQL alone 1.4x-1.6x big/small at 128 MiB, 1.01x at 2 GiB). A
// deployment sizes the pool to its working set (docs/OPERATIONS.md, "Database sizing"), so a full
// run raises it to BENCH_INNODB_BUFFER_POOL_MB (default 2048; 0 leaves it alone) and puts the old
// size back at the end.
const serverCfg = require('../server.config');

async function withConnection(fn) {
  const mysql = require('mysql2/promise');
  const c = await mysql.createConnection(serverCfg.config.mysqlUrl);
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => {});
  }
}

async function poolBytes(c) {
  const [[r]] = /** @type {[any[], unknown]} */ (await c.query('SELECT @@innodb_buffer_pool_size AS n'));
  return Number(r.n);
}

/**
 * Raises the pool for a full run. `mib` is the size the run measures with (null without MariaDB:
 * the rows that need it say so themselves), `restore` the size to put back (null: nothing changed).
 */
async function sizeBufferPool({ smoke, log }) {
  const want = Number(process.env.BENCH_INNODB_BUFFER_POOL_MB ?? 2048) * 2 ** 20;
  try {
    return await withConnection(async (c) => {
      const before = await poolBytes(c);
      if (smoke || !want || before >= want) return { mib: before / 2 ** 20, restore: null };
      await c.query('SET GLOBAL innodb_buffer_pool_size = ?', [want]);
      const after = await poolBytes(c);
      log(`MariaDB buffer pool ${before / 2 ** 20} MiB -> ${after / 2 ** 20} MiB for this run`);
      return { mib: after / 2 ** 20, restore: before };
    });
  } catch {
    return { mib: null, restore: null };
  }
}

/** Puts back the size `sizeBufferPool` found (no-op when it changed nothing). */
async function restoreBufferPool(bytes) {
  if (!bytes) return;
  await withConnection((c) => c.query('SET GLOBAL innodb_buffer_pool_size = ?', [bytes]));
}

module.exports = { sizeBufferPool, restoreBufferPool };
