'use strict';
// A1: attachments. Download of a 5 MiB attachment with a JWT vs @fastify/static serving the same
// file; upload of the same bytes vs a bare Fastify multipart route writing them to disk.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnListening, killChild } = require('./procs');
const proc = require('./proc');
const serverCfg = require('../server.config');

const PEERS = path.join(__dirname, '..', 'peers');
const BOUNDARY = 'bench-a1-boundary';

/** A multipart/form-data body with one part named `file` holding `bytes`. */
function multipartBody(bytes, name = 'bench.bin') {
  return Buffer.concat([
    Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\n` +
        'Content-Type: application/octet-stream\r\n\r\n',
    ),
    bytes,
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  ]);
}

/** ours / peer, rounded to 2 decimals; null when either is missing or zero. */
function ratio(ours, peer) {
  return ours && peer ? Math.round((100 * ours) / peer) / 100 : null;
}

const round = (v, d = 1) => Math.round(v * 10 ** d) / 10 ** d;

/** autocannon on one URL; MiB/s counts the file's bytes: answers' bytes down, `uploadBytes` per request up. */
async function cannon(opts, uploadBytes = 0) {
  const ac = require('autocannon');
  const r = await ac({ timeout: 30, ...opts });
  return {
    requestsPerSec: round(r.requests.average, 1),
    mibPerSec: round((uploadBytes ? r.requests.average * uploadBytes : r.throughput.average) / 2 ** 20, 1),
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors,
    total: r.requests.total,
  };
}

async function runA1(w, { log, repeat }) {
  const filesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-a1-'));
  const started = await serverCfg.start({
    transport: 'ws',
    env: { ATTACHMENTS_DIR: path.join(filesDir, 'server'), ATTACHMENT_MAX_BYTES: String(w.fileBytes + 1024) },
  });
  if (started.skipped) {
    fs.rmSync(filesDir, { recursive: true, force: true });
    return [{ target: 'server', status: 'skipped', reason: started.skipped }];
  }
  let peer;
  try {
    const prep = await started.prepare({ rooms: 1, users: 1 });
    const user = prep.users[0];
    const roomId = prep.roomIds[0];
    const bytes = Buffer.alloc(w.fileBytes);
    for (let i = 0; i < bytes.length; i += 4) bytes.writeUInt32LE((i * 2654435761) >>> 0, i);
    fs.mkdirSync(path.join(filesDir, 'public'), { recursive: true });
    fs.writeFileSync(path.join(filesDir, 'public', 'file.bin'), bytes);
    const body = multipartBody(bytes);
    const headers = { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` };
    const base = `http://127.0.0.1:${started.port}`;
    const auth = { authorization: `Bearer ${user.token}` };
    const up = await fetch(`${base}/api/v1/rooms/${roomId}/attachments`, { method: 'POST', headers: { ...headers, ...auth }, body });
    if (up.status !== 201) throw new Error(`upload answered ${up.status}: ${await up.text()}`);
    const attachment = /** @type {{ id: number, url: string }} */ (await up.json());
    const sent = await fetch(`${base}/api/v1/messages/room/${roomId}`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'bench file', attachmentIds: [attachment.id] }),
    });
    if (sent.status !== 201) throw new Error(`send answered ${sent.status}`);
    peer = await spawnListening(process.execPath, [path.join(PEERS, 'fastify-files.js')], 'peer-fastify-files', {
      env: { FILES_DIR: filesDir, MAX_BYTES: String(w.fileBytes + 1024) },
    });
    const peerBase = `http://127.0.0.1:${peer.benchPort}`;
    // same bytes both ways?
    const ours = Buffer.from(await (await fetch(`${base}${attachment.url}`, { headers: auth })).arrayBuffer());
    const theirs = Buffer.from(await (await fetch(`${peerBase}/file.bin`)).arrayBuffer());
    if (!ours.equals(bytes) || !theirs.equals(bytes)) throw new Error('the downloads differ from the file');
    const cases = [
      ['download', 'server', started.pid, { url: `${base}${attachment.url}`, headers: auth }],
      ['download', 'fastify-static', peer.pid, { url: `${peerBase}/file.bin` }],
      ['upload', 'server', started.pid, { url: `${base}/api/v1/rooms/${roomId}/attachments`, method: 'POST', headers: { ...headers, ...auth }, body }],
      ['upload', 'fastify-multipart', peer.pid, { url: `${peerBase}/upload`, method: 'POST', headers, body }],
    ];
    /** @type {Record<string, any[]>} */
    const runs = {};
    for (const [, , , opts] of cases) await cannon({ ...opts, connections: w.connections, duration: 1 }); // warm-up
    for (let i = 0; i < repeat; i++) {
      for (const [kind, target, pid, opts] of cases) {
        const c0 = proc.cpuUs(pid);
        const t0 = Date.now();
        const r = await cannon({ ...opts, connections: w.connections, duration: w.durationSec }, kind === 'upload' ? w.fileBytes : 0);
        r.cpuPct = round((100 * (proc.cpuUs(pid) - c0)) / 1e3 / (Date.now() - t0), 0);
        log(`  A1 ${kind} ${target} #${i + 1}: ${r.requestsPerSec} req/s, ${r.mibPerSec} MiB/s, p50 ${r.p50Ms} ms, non2xx ${r.non2xx}, errors ${r.errors}`);
        (runs[`${kind} ${target}`] ??= []).push(r);
      }
    }
    const median = (/** @type {any[]} */ l) => l.slice().sort((x, y) => x.mibPerSec - y.mibPerSec)[Math.floor((l.length - 1) / 2)];
    const m = Object.fromEntries(Object.entries(runs).map(([k, l]) => [k, median(l)]));
    const attach = {
      fileBytes: w.fileBytes,
      connections: w.connections,
      durationSec: w.durationSec,
      repeats: repeat,
      download: m['download server'],
      downloadPeer: m['download fastify-static'],
      upload: m['upload server'],
      uploadPeer: m['upload fastify-multipart'],
      downloadRatio: ratio(m['download server'].mibPerSec, m['download fastify-static'].mibPerSec),
      uploadRatio: ratio(m['upload server'].mibPerSec, m['upload fastify-multipart'].mibPerSec),
    };
    const ok = [attach.download, attach.downloadPeer, attach.upload, attach.uploadPeer].every((r) => r.non2xx === 0 && r.errors === 0 && r.total > 0);
    return [{ target: 'server', status: ok ? 'ok' : 'error', reason: ok ? undefined : 'non-2xx answers or errors', attach }];
  } finally {
    if (peer) await killChild(peer);
    await started.stop();
    fs.rmSync(filesDir, { recursive: true, force: true });
  }
}

module.exports = { runA1, multipartBody, ratio, BOUNDARY };
