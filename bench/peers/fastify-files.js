'use strict';
// Peer for A1: a bare Fastify serving the same bytes our server serves and stores, without auth,
// validation, Nest, logging or a database:
//   GET  /file.bin  -> @fastify/static on a folder holding the 5 MiB file (ETag, ranges: its defaults)
//   POST /upload    -> @fastify/multipart, the `file` part streamed to a new file, 201 {size}
//   FILES_DIR=/tmp/x node bench/peers/fastify-files.js [port]
// Prints "LISTENING <port>" when ready.
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { pipeline } = require('stream/promises');
const fastify = require('fastify')({ logger: false });

const dir = process.env.FILES_DIR || fs.mkdtempSync(path.join(require('os').tmpdir(), 'bench-files-'));
const uploads = path.join(dir, 'uploads');
fs.mkdirSync(uploads, { recursive: true });
const maxBytes = Number(process.env.MAX_BYTES || 10 * 1024 * 1024);

void fastify.register(require('@fastify/static'), { root: path.join(dir, 'public'), prefix: '/' });
void fastify.register(require('@fastify/multipart'), { limits: { fileSize: maxBytes, files: 1 } });
fastify.post('/upload', async (req, reply) => {
  const part = await /** @type {any} */ (req).file();
  const target = path.join(uploads, crypto.randomBytes(16).toString('hex'));
  let size = 0;
  part.file.on('data', (/** @type {Buffer} */ c) => (size += c.length));
  await pipeline(part.file, fs.createWriteStream(target));
  // Kept, as our server keeps its uploads, until the harness removes the folder after the run: a
  // file deleted at once never reaches the disk (its dirty pages are dropped), so the peer paid no
  // writeback while ours did, and our upload rate fell run after run as the dirty pages piled up
  // (A1 upload 0.93x, 0.62x, 0.55x in one run's three rounds).
  return reply.status(201).send({ size });
});

void fastify.listen({ host: '127.0.0.1', port: Number(process.argv[2] || 0) }).then(() => {
  console.log(`LISTENING ${/** @type {import('net').AddressInfo} */ (fastify.server.address()).port}`);
});
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
