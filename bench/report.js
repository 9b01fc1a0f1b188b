'use strict';
// Markdown report: one table per workload, every ratio taken against peers
// measured in the same run, then the issue's targets for our server.
const fs = require('fs');
const path = require('path');
const { workloads } = require('./workloads');

const fmt = (v, d = 0) => (v == null || Number.isNaN(v) ? '–' : typeof v === 'number' ? v.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: 0 }) : String(v));
const ratio = (a, b, d = 2) => (a == null || b == null || !b ? null : Math.round((a / b) * 10 ** d) / 10 ** d);
const x = (v) => (v == null ? '–' : `${v}x`);

function find(rows, w, t) {
  return rows.find((r) => r.workload === w && r.target === t && r.status === 'ok');
}

function loadTable(rows, id) {
  const ws = find(rows, id, 'ws');
  const out = [
    '| target | deliveries/s | x raw ws | sent/s | completed/s | lost | dups | order viol. | p50 ms | p90 ms | p99 ms | max ms | server µs/delivery | x raw ws | server CPU % | generator CPU % | other CPU % | server peak RSS MiB |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows.filter((q) => q.workload === id)) {
    if (r.status !== 'ok') {
      out.push(`| ${r.target} | ${r.status}: ${r.reason} |||||||||||||||`);
      continue;
    }
    if (r.baseline) {
      const into = r.baseline.table === 'chat' ? ", into the server's messages table" : '';
      out.push(`| ${r.target} (single-row INSERT${into}, ${r.baseline.concurrency} senders, pool ${r.baseline.pool}) | – | – | – | ${fmt(r.completedPerSec)} rows/s |||||||||||`);
      continue;
    }
    const l = r.latency || {};
    const name = r.repeats > 1 ? `${r.target} (median of ${r.repeats})` : r.target;
    const rss = r.shared ? r.serverPeakRssKiB : r.serverVmHWMKiB || r.serverPeakRssKiB;
    out.push(
      `| ${name} | ${fmt(r.deliveriesPerSec)} | ${x(ratio(r.deliveriesPerSec, ws && ws.deliveriesPerSec))} | ${fmt(r.sentPerSec, 1)} | ${fmt(r.completedPerSec, 1)} | ${fmt(r.lost)} | ${fmt(r.duplicates)} | ${fmt(r.orderViolations)} | ${fmt(l.p50Ms, 2)} | ${fmt(l.p90Ms, 2)} | ${fmt(l.p99Ms, 2)} | ${fmt(l.maxMs, 1)} | ${fmt(r.serverCpuUsPerDelivery, 1)} | ${x(ratio(r.serverCpuUsPerDelivery, ws && ws.serverCpuUsPerDelivery))} | ${fmt(r.serverCpuPct)} | ${fmt(r.generatorCpuPct)} | ${fmt(r.otherCpuPct)} | ${fmt(rss && rss / 1024, 1)} |`,
    );
  }
  return out.join('\n');
}

function idleTable(rows, id) {
  const ws = find(rows, id, 'ws');
  const sio = find(rows, id, 'socketio');
  const out = [
    '| target | connections ok / failed | source addresses | RSS before MiB | RSS after idle MiB | KiB per idle connection | x raw ws | x socket.io | stale / dead after idle | idle server CPU % | µs CPU per connection per minute | heart-beats in / out | µs CPU per heart-beat |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  const notes = [];
  for (const r of rows.filter((q) => q.workload === id)) {
    if (r.status !== 'ok') {
      out.push(`| ${r.target} | ${r.status}: ${r.reason} ||||||||||||`);
      continue;
    }
    const c = r.idleCpu || {};
    out.push(
      `| ${r.repeats > 1 ? `${r.target} (median of ${r.repeats})` : r.target} | ${fmt(r.connections.ok)} / ${fmt(r.connections.failed)} | ${fmt(r.sourceAddresses)} | ${fmt(r.rssBeforeKiB / 1024, 1)} | ${fmt(r.rssAfterIdleKiB / 1024, 1)} | ${fmt(r.rssPerConnKiB, 1)} | ${x(ratio(r.rssPerConnKiB, ws && ws.rssPerConnKiB))} | ${x(ratio(r.rssPerConnKiB, sio && sio.rssPerConnKiB))} | ${r.staleAfterIdle} / ${r.deadAfterIdle} | ${fmt(c.serverCpuPct, 1)} | ${fmt(c.usPerConnPerMin, 1)} | ${fmt(c.heartbeatsIn)} / ${fmt(c.heartbeatsOut)} | ${fmt(c.usPerHeartbeat, 2)} |`,
    );
    if (r.fdLimited) notes.push(`${r.target}: ${fmt(r.connections.ok + r.connections.failed)} connections instead of ${fmt(r.requestedConns)}: every process may open only ${fmt(r.fdLimited)} files here.`);
  }
  if (notes.length) out.push('', ...notes);
  out.push('', `Idle window ${rows.find((q) => q.workload === id && q.idleSec) ? rows.find((q) => q.workload === id && q.idleSec).idleSec : '–'} s; the ws peer pings every 25 s (its heart-beats count the pings its clients saw).`);
  return out.join('\n');
}

// The issue's targets, evaluated only when our server produced a row.
function checks(rows) {
  const out = ['| id | target | measured | verdict |', '|---|---|---|---|'];
  const add = (id, target, measured, ok) => out.push(`| ${id} | ${target} | ${measured} | ${ok == null ? 'n/a' : ok ? 'met' : 'NOT met'} |`);
  const na = (id, target) => {
    const s = rows.find((r) => r.workload === id && r.target.startsWith('server'));
    add(id, target, s ? `${s.status}: ${s.reason || ''}` : 'not run', null);
  };
  for (const id of ['F1', 'F2']) {
    const s = find(rows, id, 'server');
    const ws = find(rows, id, 'ws');
    const rb = find(rows, id, 'rabbitmq');
    if (!s) {
      na(id, 'deliveries/s >= 0.95x raw ws, >= 5x RabbitMQ; µs/delivery <= raw ws');
      continue;
    }
    const a = ratio(s.deliveriesPerSec, ws && ws.deliveriesPerSec);
    const b = ratio(s.deliveriesPerSec, rb && rb.deliveriesPerSec);
    const c = ratio(s.serverCpuUsPerDelivery, ws && ws.serverCpuUsPerDelivery);
    add(id, 'deliveries/s >= 0.95x raw ws', x(a), a == null ? null : a >= 0.95);
    add(id, 'deliveries/s >= 5x RabbitMQ Web-STOMP', x(b), b == null ? null : b >= 5);
    add(id, 'server µs/delivery <= raw ws', x(c), c == null ? null : c <= 1);
  }
  {
    const s = find(rows, 'L1', 'server');
    const ws = find(rows, 'L1', 'ws');
    const rb = find(rows, 'L1', 'rabbitmq');
    if (!s) na('L1', 'p99 <= 1.3x raw ws p99, and < RabbitMQ p50');
    else {
      const a = ratio(s.latency.p99Ms, ws && ws.latency.p99Ms);
      add('L1', 'p99 <= 1.3x raw ws p99', x(a), a == null ? null : a <= 1.3);
      const rp50 = rb && rb.latency.p50Ms;
      add('L1', 'p99 < RabbitMQ p50', `${s.latency.p99Ms} ms vs ${rp50 == null ? '–' : rp50} ms`, rp50 == null ? null : s.latency.p99Ms < rp50);
    }
  }
  {
    const s = find(rows, 'C1', 'server');
    const ws = find(rows, 'C1', 'ws');
    const sio = find(rows, 'C1', 'socketio');
    if (!s) na('C1', 'RSS/conn <= 1.2x raw ws, <= 0.7x socket.io');
    else {
      const a = ratio(s.rssPerConnKiB, ws && ws.rssPerConnKiB);
      const b = ratio(s.rssPerConnKiB, sio && sio.rssPerConnKiB);
      add('C1', 'RSS per connection <= 1.2x raw ws', x(a), a == null ? null : a <= 1.2);
      add('C1', 'RSS per connection <= 0.7x socket.io', x(b), b == null ? null : b <= 0.7);
    }
  }
  {
    const s = find(rows, 'C2', 'server');
    const ws = find(rows, 'C2', 'ws');
    if (!s) na('C2', 'RSS/conn <= 1.2x raw ws at 50,000 connections');
    else {
      const a = ratio(s.rssPerConnKiB, ws && ws.rssPerConnKiB);
      add('C2', `RSS per connection <= 1.2x raw ws (${fmt(s.connections.ok)} connections)`, x(a), a == null ? null : a <= 1.2);
      add('C2', 'server CPU on heart-beats while idle (report only)', `${fmt(s.idleCpu.serverCpuPct, 1)} % of a core; ${fmt(s.idleCpu.usPerConnPerMin, 1)} µs per connection per minute`, null);
    }
  }
  {
    const s = find(rows, 'S1', 'server');
    const j = find(rows, 'S1', 'server-sockjs');
    if (!s || !j) na('S1', 'SockJS deliveries/s >= 0.85x raw /websocket');
    else {
      const a = ratio(j.deliveriesPerSec, s.deliveriesPerSec);
      add('S1', 'SockJS deliveries/s >= 0.85x raw /websocket', x(a), a >= 0.85);
    }
  }
  {
    const s = find(rows, 'P1', 'server');
    const b = find(rows, 'P1', 'mysql-single-insert');
    if (!s) na('P1', 'persisted messages/s >= 1.0x single-row-insert baseline');
    else {
      const a = ratio(s.completedPerSec, b && b.completedPerSec);
      add('P1', 'persisted messages/s (RECEIPTs/s) >= 1.0x single-row-insert baseline (issue 19)', x(a), a == null ? null : a >= 1);
      const c = find(rows, 'P1', 'mysql-single-insert-chat-table');
      if (c) add('P1', "(same, against single-row INSERTs into the server's own messages table: FULLTEXT, foreign keys)", x(ratio(s.completedPerSec, c.completedPerSec)), null);
    }
  }
  {
    const s = find(rows, 'H1', 'server');
    if (!s) na('H1', 'history page p50 ratio (1M / 10k messages) <= 1.5');
    else {
      const h = s.history;
      add('H1', `history page p50 ratio (${fmt(h.bigMessages)} / ${fmt(h.smallMessages)} messages) <= 1.5, REST with JWT`, x(h.restP50Ratio), h.restP50Ratio <= 1.5);
      add('H1', '(same, the SQL alone through mysql2)', x(h.sqlP50Ratio), null);
    }
  }
  {
    const s = find(rows, 'H2', 'server');
    if (!s) na('H2', 'search p50 ratio (1M / 10k messages) <= 3, and >= 20x faster than LIKE at 1M');
    else {
      const h = s.search;
      add('H2', `search p50 ratio (${fmt(h.big.messages)} / ${fmt(h.small.messages)} messages) <= 3, REST with JWT`, x(h.restP50Ratio), h.restP50Ratio <= 3);
      add('H2', `LIKE '%word%' peer p50 / our REST p50 at ${fmt(h.big.messages)} messages >= 20`, x(h.likeOverRestP50), h.likeOverRestP50 >= 20);
      add('H2', '(same, LIKE / the FULLTEXT SQL alone)', x(h.likeOverFulltextSqlP50), null);
    }
  }
  {
    const s = find(rows, 'U1', 'server');
    if (!s) na('U1', 'unread summary p50 ratio (1M / 10k messages) <= 1.5');
    else {
      const u = s.unread;
      add('U1', `unread summary of a user in ${u.rooms} rooms, p50 ratio (${fmt(u.bigMessages)} / ${fmt(u.smallMessages)} messages) <= 1.5`, x(u.p50Ratio), u.p50Ratio <= 1.5);
    }
  }
  {
    const s = find(rows, 'R1', 'server');
    const b = find(rows, 'R1', 'fastify-bare');
    if (!s || !b) na('R1', 'REST history req/s >= 0.75x bare Fastify route');
    else {
      const a = s.rest.pairRatio ?? ratio(s.rest.requestsPerSec, b.rest.requestsPerSec);
      add('R1', 'REST history req/s with JWT >= 0.75x a bare Fastify route doing the same SQL', x(a), a >= 0.75);
    }
  }
  {
    const s = find(rows, 'A1', 'server');
    if (!s || !s.attach) {
      na('A1', 'attachment download MiB/s >= 0.8x @fastify/static');
      na('A1', 'attachment upload MiB/s >= 0.8x a bare Fastify multipart route');
    } else {
      const a = s.attach;
      add('A1', `attachment download (${fmt(a.fileBytes)} bytes) MiB/s with JWT >= 0.8x @fastify/static`, x(a.downloadRatio), a.downloadRatio >= 0.8);
      add('A1', 'attachment upload MiB/s >= 0.8x a bare Fastify multipart route writing the same bytes', x(a.uploadRatio), a.uploadRatio >= 0.8);
    }
  }
  {
    const s = find(rows, 'M1', 'server');
    const c = find(rows, 'M1', 'ws');
    if (!s) na('M1', 'realistic mix: errors 0; latency and CPU per message against the ws ceiling (report)');
    else {
      const m = s.mix;
      add('M1', 'errors (ERROR frames, error-queue messages, lost connections, unanswered sends) = 0', `${m.errors} errors, ${m.unanswered} unanswered, ${m.counts.echoMissing} echoes missing`, m.errors === 0 && m.unanswered === 0 && m.counts.echoMissing === 0);
      add(
        'M1',
        'delivery p50 / p99, CPU per message, against the one-room ws ceiling (report only)',
        `p50 ${m.latency.p50Ms} ms (${x(ratio(m.latency.p50Ms, c && c.latency.p50Ms))}), p99 ${m.latency.p99Ms} ms (${x(ratio(m.latency.p99Ms, c && c.latency.p99Ms))}), ${fmt(m.serverCpuUsPerMessage, 1)} µs/message (${x(ratio(m.serverCpuUsPerMessage, c && c.ceiling.serverCpuUsPerMessage))})`,
        null,
      );
    }
  }
  {
    const one = find(rows, 'X1', 'server');
    const two = find(rows, 'X1', 'server-2x-redis');
    if (!one || !two) na('X1', 'F2 on 2 instances + Redis vs 1 instance (report only)');
    else {
      const a = ratio(two.deliveriesPerSec, one.deliveriesPerSec);
      add('X1', 'F2 deliveries/s, 2 instances + Redis / 1 instance (report only)', `${x(a)}; Redis ${fmt(two.scaleOut.redisUsPerDelivery, 3)} µs CPU/delivery (${fmt(two.scaleOut.redisUsPerMessage, 1)} µs/message)`, null);
    }
  }
  return out.join('\n');
}

function h1Table(rows) {
  const out = ['| target | room | messages | REST p50 ms | REST p90 ms | REST p99 ms | SQL p50 ms | SQL p99 ms | requests |', '|---|---|---|---|---|---|---|---|---|'];
  for (const r of rows.filter((q) => q.workload === 'H1')) {
    if (r.status !== 'ok') {
      out.push(`| ${r.target} | ${r.status}: ${r.reason} ||||||||`);
      continue;
    }
    const h = r.history;
    for (const k of ['small', 'big'])
      out.push(
        `| ${r.target} | ${k} | ${fmt(k === 'small' ? h.smallMessages : h.bigMessages)} | ${fmt(h.rest[k].p50Ms, 2)} | ${fmt(h.rest[k].p90Ms, 2)} | ${fmt(h.rest[k].p99Ms, 2)} | ${fmt(h.sql[k].p50Ms, 2)} | ${fmt(h.sql[k].p99Ms, 2)} | ${fmt(h.rest[k].n)} |`,
      );
    out.push('', `p50 ratio big/small: REST ${x(h.restP50Ratio)}, SQL ${x(h.sqlP50Ratio)}; seeding (multi-row INSERTs of 10,000 rows) took ${fmt(h.seedMs / 1000, 1)} s.`);
  }
  return out.join('\n');
}

function h2Table(rows) {
  const out = ['| target | messages | REST p50 ms | REST p99 ms | FULLTEXT SQL p50 ms | LIKE peer p50 ms | LIKE peer p99 ms | results | requests | seeding s | migration (index) s |', '|---|---|---|---|---|---|---|---|---|---|---|'];
  for (const r of rows.filter((q) => q.workload === 'H2')) {
    if (r.status !== 'ok') {
      out.push(`| ${r.target} | ${r.status}: ${r.reason} ||||||||||`);
      continue;
    }
    const h = r.search;
    for (const k of [h.small, h.big])
      out.push(
        `| ${r.target} | ${fmt(k.messages)} | ${fmt(k.rest.p50Ms, 2)} | ${fmt(k.rest.p99Ms, 2)} | ${fmt(k.fulltextSql.p50Ms, 2)} | ${fmt(k.likeSql.p50Ms, 2)} | ${fmt(k.likeSql.p99Ms, 2)} | ${k.results} | ${fmt(k.requests)} | ${fmt(k.seedMs / 1000, 1)} | ${fmt(k.indexMs / 1000, 1)} |`,
      );
    out.push(
      '',
      `p50 ratio big/small: REST ${x(h.restP50Ratio)}, FULLTEXT SQL ${x(h.fulltextSqlP50Ratio)}; LIKE peer at ${fmt(h.big.messages)}: ${x(h.likeOverRestP50)} our REST p50, ${x(h.likeOverFulltextSqlP50)} the FULLTEXT SQL. ` +
        `The migration's CREATE FULLTEXT INDEX (table rebuild + index) on ${fmt(h.big.messages)} messages took ${fmt(h.big.indexMs / 1000, 1)} s (${fmt(h.migrationMsPerMillion / 1000, 1)} s per million).`,
    );
  }
  return out.join('\n');
}

function u1Table(rows) {
  const out = ['| target | user | rooms | messages | unread/room | p50 ms | p90 ms | p99 ms | requests |', '|---|---|---|---|---|---|---|---|---|'];
  for (const r of rows.filter((q) => q.workload === 'U1')) {
    if (r.status !== 'ok') {
      out.push(`| ${r.target} | ${r.status}: ${r.reason} ||||||||`);
      continue;
    }
    const u = r.unread;
    for (const k of ['small', 'big'])
      out.push(`| ${r.target} | ${k} | ${u.rooms} | ${fmt(k === 'small' ? u.smallMessages : u.bigMessages)} | ${u.unreadPerRoom} | ${fmt(u[k].p50Ms, 2)} | ${fmt(u[k].p90Ms, 2)} | ${fmt(u[k].p99Ms, 2)} | ${fmt(u[k].n)} |`);
    out.push('', `p50 ratio big/small: ${x(u.p50Ratio)}.`);
  }
  return out.join('\n');
}

function r1Table(rows) {
  const b = find(rows, 'R1', 'fastify-bare');
  const out = ['| target | req/s | x bare (median of the pairs) | p50 ms | p99 ms | non-2xx | errors | server CPU % | server µs/request | body bytes | runs (req/s) | pairs (x bare) |', '|---|---|---|---|---|---|---|---|---|---|---|---|'];
  for (const r of rows.filter((q) => q.workload === 'R1')) {
    if (r.status !== 'ok') {
      out.push(`| ${r.target} | ${r.status}: ${r.reason} ||||||||||`);
      continue;
    }
    const q = r.rest;
    out.push(
      `| ${r.target} | ${fmt(q.requestsPerSec)} | ${x(q.pairRatio ?? ratio(q.requestsPerSec, b && b.rest.requestsPerSec))} | ${fmt(q.p50Ms, 2)} | ${fmt(q.p99Ms, 2)} | ${fmt(q.non2xx)} | ${fmt(q.errors)} | ${fmt(q.serverCpuPct)} | ${fmt(q.serverCpuUsPerReq, 1)} | ${fmt(q.bodyBytes)} | ${q.repeatValues.join(', ')} | ${q.pairRatios ? q.pairRatios.map((v) => x(v)).join(', ') : ''} |`,
    );
  }
  return out.join('\n');
}

function a1Table(rows) {
  const out = ['| what | target | MiB/s | req/s | x peer | p50 ms | p99 ms | non-2xx | errors | CPU % |', '|---|---|---|---|---|---|---|---|---|---|'];
  for (const r of rows.filter((q) => q.workload === 'A1')) {
    if (r.status !== 'ok' || !r.attach) {
      out.push(`| A1 | ${r.target} | ${r.status}: ${r.reason} ||||||||`);
      continue;
    }
    const a = r.attach;
    for (const [what, target, q, k] of [
      ['download', 'server (JWT)', a.download, a.downloadRatio],
      ['download', '@fastify/static', a.downloadPeer, null],
      ['upload', 'server (JWT)', a.upload, a.uploadRatio],
      ['upload', 'bare multipart', a.uploadPeer, null],
    ])
      out.push(
        `| ${what} | ${target} | ${fmt(q.mibPerSec, 1)} | ${fmt(q.requestsPerSec, 1)} | ${k === null ? '' : x(k)} | ${fmt(q.p50Ms, 2)} | ${fmt(q.p99Ms, 2)} | ${fmt(q.non2xx)} | ${fmt(q.errors)} | ${fmt(q.cpuPct)} |`,
      );
  }
  return out.join('\n');
}

function x1Table(rows) {
  const one = find(rows, 'X1', 'server');
  const out = [
    '| target | deliveries/s | x 1 instance | lost | dups | order viol. | p50 ms | p99 ms | servers µs/delivery (A+B, whole run) | Redis CPU s | Redis µs/delivery | Redis µs/message | runs (deliveries/s) |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows.filter((q) => q.workload === 'X1')) {
    if (r.status !== 'ok') {
      out.push(`| ${r.target} | ${r.status}: ${r.reason} ||||||||||||`);
      continue;
    }
    const so = r.scaleOut;
    out.push(
      `| ${r.target} | ${fmt(r.deliveriesPerSec)} | ${x(ratio(r.deliveriesPerSec, one && one.deliveriesPerSec))} | ${fmt(r.lost)} | ${fmt(r.duplicates)} | ${fmt(r.orderViolations)} | ${fmt(r.latency.p50Ms, 2)} | ${fmt(r.latency.p99Ms, 2)} | ${fmt(so.serversUsPerDelivery, 1)} | ${fmt(so.redisCpuSec, 2)} | ${fmt(so.redisUsPerDelivery, 3)} | ${fmt(so.redisUsPerMessage, 1)} | ${(r.repeatValues || []).join(', ')} |`,
    );
  }
  return out.join('\n');
}

function m1Table(rows) {
  const c = find(rows, 'M1', 'ws');
  const out = [
    '| target | users / rooms / memberships | messages/s | deliveries/s | p50 ms | p90 ms | p99 ms | max ms | server µs CPU/message | x ceiling | server CPU % | RSS start → end MiB | errors | generator CPU % | other CPU % |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  const notes = [];
  for (const r of rows.filter((q) => q.workload === 'M1')) {
    if (r.status !== 'ok') {
      out.push(`| ${r.target} | ${r.status}: ${r.reason} ||||||||||||||`);
      continue;
    }
    if (r.mix) {
      const m = r.mix;
      const l = m.latency;
      out.push(
        `| ${r.target} | ${fmt(m.users)} / ${fmt(m.rooms)} / ${fmt(m.memberships)} | ${fmt(m.messagesPerSec, 1)} | ${fmt(m.deliveriesPerSec)} | ${fmt(l.p50Ms, 2)} | ${fmt(l.p90Ms, 2)} | ${fmt(l.p99Ms, 2)} | ${fmt(l.maxMs, 1)} | ${fmt(m.serverCpuUsPerMessage, 1)} | ${x(ratio(m.serverCpuUsPerMessage, c && c.ceiling.serverCpuUsPerMessage))} | ${fmt(m.serverCpuPct)} | ${fmt(m.rssStartKiB / 1024, 1)} → ${fmt(m.rssEndKiB / 1024, 1)} | ${fmt(m.errors)} | ${fmt(m.generatorCpuPct)} | ${fmt(m.otherCpuPct)} |`,
      );
      const n = m.counts;
      notes.push(
        `Mix: ${m.windowSec} s measured after a warm-up, rooms of ${m.roomSizes.min}-${m.roomSizes.max} members (mean fan-out ${m.fanout}), ${fmt(m.plannedMessagesPerSec, 1)} messages/s planned. ` +
          `Whole run: ${fmt(n.sent)} messages (${fmt(n.receipts)} RECEIPTs), ${fmt(n.deliveries)} message deliveries, ${fmt(n.typingSent)} typing SENDs (${fmt(n.typing)} deliveries), ${fmt(n.readsSent)} read markers, ${fmt(n.reactionsSent)} reactions, ` +
          `${fmt(n.events)} room events, ${fmt(n.status)} presence pushes, ${fmt(n.churns)} users left and ${fmt(n.reconnects)} came back; ${fmt(m.connectedAtEnd)} of ${fmt(m.users)} connected at the end; peak RSS ${fmt(m.peakRssKiB / 1024, 1)} MiB.` +
          (m.firstErrors.length ? ` First errors: ${m.firstErrors.map((e) => String(e).split('\n')[0]).join(' | ')}` : ''),
      );
    } else {
      const l = r.latency || {};
      out.push(
        `| ${r.target} (ceiling: one room of ${r.ceiling.subscribers}, same message rate) | – | ${fmt(r.sentPerSec, 1)} | ${fmt(r.deliveriesPerSec)} | ${fmt(l.p50Ms, 2)} | ${fmt(l.p90Ms, 2)} | ${fmt(l.p99Ms, 2)} | ${fmt(l.maxMs, 1)} | ${fmt(r.ceiling.serverCpuUsPerMessage, 1)} | 1x | ${fmt(r.serverCpuPct)} | – → ${fmt((r.serverVmHWMKiB || 0) / 1024, 1)} (peak) | ${fmt(r.lost)} lost | ${fmt(r.generatorCpuPct)} | ${fmt(r.otherCpuPct)} |`,
      );
    }
  }
  if (notes.length) out.push('', ...notes);
  return out.join('\n');
}

function peerRatios(rows) {
  const out = [];
  for (const id of ['F1', 'F2', 'L1']) {
    const ws = find(rows, id, 'ws');
    if (!ws) continue;
    const parts = [];
    for (const t of ['ws-frame', 'socketio', 'rabbitmq']) {
      const r = find(rows, id, t);
      if (!r) continue;
      if (id === 'L1') parts.push(`${t} p99 = ${x(ratio(r.latency.p99Ms, ws.latency.p99Ms))} raw ws`);
      else parts.push(`${t} = ${x(ratio(r.deliveriesPerSec, ws.deliveriesPerSec))} raw ws deliveries/s, ${x(ratio(r.serverCpuUsPerDelivery, ws.serverCpuUsPerDelivery))} µs/delivery`);
    }
    if (parts.length) out.push(`- ${id}: ${parts.join('; ')}`);
  }
  const ws = find(rows, 'C1', 'ws');
  if (ws)
    for (const t of ['ws-frame', 'socketio', 'rabbitmq']) {
      const r = find(rows, 'C1', t);
      if (r) out.push(`- C1: ${t} RSS per idle connection = ${x(ratio(r.rssPerConnKiB, ws.rssPerConnKiB))} raw ws`);
    }
  return out.join('\n');
}

function report({ meta, rows }) {
  const v = meta.versions;
  const L = [];
  L.push(`# Benchmark results${meta.smoke ? ' (SMOKE run: tiny sizes, numbers are meaningless)' : ''}`);
  L.push('');
  L.push(`- Command: \`${meta.command}\` (from the repository root; \`npm run bench\` = \`node bench/run.js\`)`);
  L.push(`- Date: ${meta.date}; total ${meta.elapsedSec} s`);
  L.push(`- Machine: ${meta.host.cpus} CPUs (${meta.host.cpuModel}), ${meta.host.memGiB} GiB, Linux ${meta.host.kernel}; server, peers and load generator share the cores`);
  L.push(
    `- Versions: Node ${v.node}, ws ${v.ws}, socket.io ${v['socket.io']}, sockjs-client ${v['sockjs-client']}, mysql2 ${v.mysql2}, RabbitMQ ${v.rabbitmq || '–'}, ${v.mariadb || 'MariaDB –'}${meta.mariadbBufferPoolMiB ? ` (InnoDB buffer pool ${meta.mariadbBufferPoolMiB} MiB)` : ''}; commit ${v.commit || '–'}`,
  );
  L.push(`- Our server: \`${meta.server.entry}\` — ${meta.server.available.ok ? 'built' : meta.server.available.reason}`);
  L.push('');
  L.push('All ratios compare targets measured in this one run on this one machine, one target at a time.');
  L.push('');
  L.push("## The issue's targets (our server)");
  L.push('');
  L.push(checks(rows));
  L.push('');
  const pr = peerRatios(rows);
  if (pr) {
    L.push('## Peer ratios in this run');
    L.push('');
    L.push(pr);
    L.push('');
  }
  for (const [id, w] of Object.entries(workloads)) {
    if (!rows.some((r) => r.workload === id)) continue;
    L.push(`## ${id}: ${w.title}`);
    L.push('');
    if (w.kind === 'idle') L.push(idleTable(rows, id));
    else if (id === 'H1') L.push(h1Table(rows));
    else if (id === 'H2') L.push(h2Table(rows));
    else if (id === 'R1') L.push(r1Table(rows));
    else if (id === 'U1') L.push(u1Table(rows));
    else if (id === 'X1') L.push(x1Table(rows));
    else if (id === 'A1') L.push(a1Table(rows));
    else if (id === 'M1') L.push(m1Table(rows));
    else L.push(loadTable(rows, id));
    if (id === 'P1') {
      const s = find(rows, 'P1', 'server');
      if (s && s.persistedRows !== undefined) L.push('', `P1 cross-check: ${fmt(s.messagesSent)} SENDs issued, ${fmt(s.persistedRows)} rows in MariaDB after the drain.`);
    }
    L.push('');
  }
  const findings = path.join(__dirname, 'PROFILE.md');
  if (fs.existsSync(findings)) {
    L.push(fs.readFileSync(findings, 'utf8').trim());
    L.push('');
  }
  L.push('## How the figures are computed');
  L.push('');
  L.push(
    [
      '- deliveries/s: messages received by the counting subscribers whose arrival falls in the measurement window (after the warm-up, until the publishers stop), divided by the window length. The publishers\' own copies are not counted.',
      '- sent/s: SENDs issued by the publishers in the same window; completed/s: publisher completions in the window (RECEIPT for P1, otherwise the publisher\'s own copy of the message coming back).',
      '- lost = expected − distinct received after a drain, where expected = Σ rooms (subscribers of the room × messages sent to it); dups = copies of a (publisher, seq) already seen by that subscriber; order violations = a seq lower than the highest seen from the same publisher, per subscriber (so per room).',
      '- latency: receive time − send timestamp carried in the body (CLOCK_MONOTONIC µs, shared by all processes), for every delivery of a message sent inside the window; open loop (L1) stamps the scheduled send time (no coordinated omission). Log-linear histogram, < 0.8 % bucket error.',
      '- server µs/delivery: (utime+stime of the server pid from /proc/<pid>/stat, in the window) / deliveries in the window; 10 ms clock-tick resolution. For RabbitMQ that is the whole beam.smp.',
      '- server peak RSS: VmHWM of a freshly started peer/server; for RabbitMQ (long-running) the max of VmRSS sampled every 200 ms during the run.',
      '- KiB per idle connection (C1, C2) = (VmRSS after N subscribed idle connections and the idle period − VmRSS before connecting) / N; idle server CPU = its utime+stime over the idle period, per connection per minute and per heart-beat (frames the clients received and sent in the period).',
      '- M1: latency of every message delivery (all subscribers, the sender\'s echo included) of messages sent in the window; server µs CPU/message = server CPU in the window / messages sent in it (everything else the mix does included); the ceiling\'s = the ws peer\'s CPU / messages. errors = ERROR frames, messages on /user/queue/errors, connections lost or refused; a send must have its RECEIPT (unanswered) and its echo before it (echo missing).',
    ].join('\n'),
  );
  L.push('');
  L.push('## Caveats');
  L.push('');
  L.push(
    [
      '- 2 cores shared by the server under test, the 2 subscriber worker processes and the publisher worker: throughput numbers are for this shared setup, so only the ratios within one run mean anything.',
      '- The raw ws and socket.io peers speak their own JSON protocol (no STOMP framing, no auth, no persistence); RabbitMQ and our server are driven with the same hand-rolled STOMP 1.2 client. All peers broadcast the same ~200-byte chat JSON.',
      '- Max-rate runs are closed loop per publisher (window of 8 in-flight messages): the publisher joins last so its own copy is the last one written by the ws/socket.io peers; RabbitMQ delivers to its queues in no fixed order.',
      '- RabbitMQ is the system broker (not restarted per run unless its fd limit is too low for the connection count); its RSS and CPU include everything else it does.',
      '- "other CPU %" is CPU used during the window by processes that are neither the measured server nor the load generator (e.g. other builds/tests on a shared machine): rows with a high value were measured on a busy machine and their ratios are less trustworthy.',
      '- CPU time has 10 ms resolution: µs/delivery is only meaningful for windows with many deliveries (not in --smoke).',
    ].join('\n'),
  );
  L.push('');
  return L.join('\n');
}

module.exports = { report };
