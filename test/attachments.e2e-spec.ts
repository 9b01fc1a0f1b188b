import { parse as parseDisposition } from 'content-disposition';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AttachmentsCleanup } from '../apps/chat-server/src/attachments/attachments-cleanup';
import { AppDestination, appDestination } from '../apps/chat-server/src/common/realtime/destinations';
import { createRoom } from './factories/rooms';
import { adminUser, bearer, createUser, TestUser } from './factories/users';
import { binary, filesUnder, PNG, upload, uploadNamed } from './helpers/attachments';
import { eventually } from './helpers/eventually';
import { expectError } from './helpers/expect-error';
import { StompTestClient } from './helpers/stomp-client';
import { startTestApp, TestApp } from './helpers/test-app';

const MAX = 256 * 1024;

/** EXTENSIONS.md §7 on local disk: upload, attach on send, download, cleanup, and the attacker's side. */
describe('attachments', () => {
  let t: TestApp;
  let dir: string;
  let admin: TestUser;
  let alice: TestUser; // creates the rooms
  let bob: TestUser;
  let stranger: TestUser;
  let roomId: number;
  let otherRoomId: number; // alice's, without bob
  const clients: StompTestClient[] = [];

  beforeAll(async () => {
    t = await startTestApp({ ATTACHMENT_MAX_BYTES: String(MAX), ATTACHMENTS_UPLOAD_IDLE_TIMEOUT_MS: '1000' });
    dir = t.settings.attachments.dir;
    admin = await adminUser(t);
    [alice, bob, stranger] = await Promise.all([createUser(t), createUser(t), createUser(t)]);
    roomId = (await createRoom(t, alice, { members: [bob] })).id;
    otherRoomId = (await createRoom(t, alice)).id;
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  afterAll(() => t.close());

  const api = () => request(t.url);
  const stored = () => filesUnder(dir).filter((f) => !f.startsWith('tmp/'));
  const temp = () => filesUnder(dir).filter((f) => f.startsWith('tmp/'));
  const up = async (u: TestUser, bytes: Buffer, name = 'notes.txt', room = roomId) => {
    const res = await upload(t.url, u, room, bytes, name);
    expect(res.status).toBe(201);
    return res.body as { id: number; name: string; size: number; contentType: string; url: string };
  };
  const send = (u: TestUser, body: object, room = roomId) =>
    api().post(`/api/v1/messages/room/${room}`).set(bearer(u)).send(body);
  const download = (u: TestUser | undefined, id: number | string, headers: Record<string, string> = {}) => {
    const r = api().get(`/api/v1/attachments/${id}`).buffer(true).parse(binary);
    if (u) void r.set(bearer(u));
    for (const [k, v] of Object.entries(headers)) void r.set(k, v);
    return r;
  };
  const db = () => t.app.get(DataSource);
  /** The ETag a download of attachment `id` carries (strong: quoted, no W/). */
  const etagOf = async (id: number) => {
    const { etag } = (await download(bob, id).expect(200)).headers as { etag: string };
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
    return etag;
  };

  describe('upload', () => {
    it('201 {id, roomId, name, size, contentType, url, createdAt}; the bytes are stored under a random key', async () => {
      const before = Date.now();
      const res = await upload(t.url, bob, roomId, PNG, 'pixel.png', 'image/png').expect(201);
      expect(res.body).toEqual({
        id: expect.any(Number),
        roomId,
        name: 'pixel.png',
        size: PNG.length,
        contentType: 'image/png',
        url: `/api/v1/attachments/${res.body.id}`,
        createdAt: expect.any(String),
      });
      expect(Date.parse(res.body.createdAt)).toBeGreaterThanOrEqual(before - 1000);
      const files = stored().filter((f) => readFileSync(join(dir, f)).equals(PNG));
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(/^[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{32}$/);
      expect(temp()).toEqual([]);
    });

    it('members and admins only: 401 without a token, 403 a stranger, 404 an unknown room', async () => {
      expectError(await upload(t.url, undefined, roomId, PNG), 401);
      expectError(await upload(t.url, stranger, roomId, PNG), 403);
      expectError(await upload(t.url, bob, 999999, PNG), 404);
      expectError(await upload(t.url, bob, 'abc', PNG), 400);
      await upload(t.url, admin, roomId, PNG).expect(201);
    });

    it('400 without a file part (a field only, another part name, a JSON body, an empty form)', async () => {
      const base = () => api().post(`/api/v1/rooms/${roomId}/attachments`).set(bearer(bob));
      expectError(await base().field('note', 'no file'), 400, /file/);
      expectError(await base().attach('upload', PNG, 'x.png'), 400, /named "file"/);
      expectError(await base().send({ file: 'x' }), 400, /multipart/);
      expectError(
        await base().set('content-type', 'multipart/form-data; boundary=xyz').send('--xyz--\r\n'),
        400,
      );
      expectError(await base().set('content-type', 'text/plain').send('plain'), 415);
      expect(temp()).toEqual([]);
    });

    it('413 over ATTACHMENT_MAX_BYTES, with the error body, and nothing is left on disk', async () => {
      const before = stored();
      // one byte over: cut by the multipart limit while streaming
      expectError(
        await upload(t.url, bob, roomId, Buffer.alloc(MAX + 1, 1), 'big.bin'),
        413,
        /larger than 262144/,
      );
      // far over: refused from Content-Length before a byte is read
      expectError(await upload(t.url, bob, roomId, Buffer.alloc(MAX * 4, 1), 'huge.bin'), 413);
      expect(stored()).toEqual(before);
      expect(temp()).toEqual([]);
      // exactly the limit is fine
      const ok = await up(bob, Buffer.alloc(MAX, 2), 'exact.bin');
      expect(ok.size).toBe(MAX);
    });

    it('a client that stalls mid-upload is cut (408) and leaves nothing', async () => {
      const before = stored();
      const boundary = 'stall';
      const head =
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="slow.bin"\r\n` +
        'Content-Type: application/octet-stream\r\n\r\nfirst bytes...';
      const socket = connect(t.port, '127.0.0.1');
      let answer = '';
      socket.on('data', (d) => (answer += d.toString()));
      socket.write(
        `POST /api/v1/rooms/${roomId}/attachments HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
          `Authorization: Bearer ${bob.token}\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\n` +
          `Content-Length: 5000\r\n\r\n${head}`,
      );
      await eventually(() => answer.includes('\r\n\r\n'), 'the 408 answer', 15_000);
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
      expect(answer.toLowerCase()).toContain('connection: close');
      socket.destroy();
      await eventually(() => temp().length === 0, 'the temporary file removed');
      expect(stored()).toEqual(before);
    });

    it('multipart/form-data is refused (415) on every other route', async () => {
      const res = await api()
        .post(`/api/v1/messages/room/${roomId}`)
        .set(bearer(bob))
        .field('content', 'hello');
      expectError(res, 415);
    });
  });

  describe('attach on send', () => {
    it('a send attaches uploads in the order given; every surface shows the same attachments', async () => {
      const a = await up(bob, PNG, 'a.png');
      const b = await up(bob, Buffer.from('hello'), 'b.txt');
      const sent = await send(bob, { content: 'two files', attachmentIds: [b.id, a.id] }).expect(201);
      const expected = [
        { id: b.id, name: 'b.txt', size: 5, contentType: 'application/octet-stream', url: b.url },
        { id: a.id, name: 'a.png', size: PNG.length, contentType: 'image/png', url: a.url },
      ];
      expect(sent.body.attachments).toEqual(expected);
      const history = await api()
        .get(`/api/v1/messages/room/${roomId}?size=5`)
        .set(bearer(alice))
        .expect(200);
      expect(history.body.find((m: { id: number }) => m.id === sent.body.id).attachments).toEqual(expected);
      const basic = await api().get(`/api/messages/${roomId}?size=5`).set(bearer(alice)).expect(200);
      expect(basic.body.find((m: { id: number }) => m.id === sent.body.id).attachments).toEqual(expected);
      const search = await api().get(`/api/v1/messages/search?q=files`).set(bearer(alice)).expect(200);
      expect(search.body.find((m: { id: number }) => m.id === sent.body.id).attachments).toEqual(expected);
      // a reply with an attachment, seen in its thread
      const c = await up(alice, Buffer.from('reply file'), 'c.txt');
      const reply = await send(alice, {
        content: 'see',
        parentId: sent.body.id,
        attachmentIds: [c.id],
      }).expect(201);
      const thread = await api().get(`/api/v1/messages/${sent.body.id}/replies`).set(bearer(bob)).expect(200);
      expect(thread.body.map((m: { attachments: unknown }) => m.attachments)).toEqual([
        reply.body.attachments,
      ]);
      expect(reply.body.attachments[0].name).toBe('c.txt');
      // a message without attachments shows []
      expect((await send(bob, { content: 'plain' }).expect(201)).body.attachments).toEqual([]);
    });

    it('content may then be "" or absent; without attachments it is still required', async () => {
      const a = await up(bob, PNG, 'only.png');
      const empty = await send(bob, { content: '', attachmentIds: [a.id] }).expect(201);
      expect(empty.body.content).toBe('');
      const b = await up(bob, PNG, 'only2.png');
      const absent = await send(bob, { attachmentIds: [b.id] }).expect(201);
      expect(absent.body.content).toBe('');
      expectError(await send(bob, {}), 400);
      expectError(await send(bob, { content: '' }), 400);
      expectError(await send(bob, { content: '   ', attachmentIds: [] }), 400);
      // an edit may empty the content of a message with attachments, not of one without
      await api()
        .patch(`/api/v1/messages/${empty.body.id}`)
        .set(bearer(bob))
        .send({ content: 'now text' })
        .expect(200);
      await api()
        .patch(`/api/v1/messages/${empty.body.id}`)
        .set(bearer(bob))
        .send({ content: '' })
        .expect(200);
      const plain = await send(bob, { content: 'text' }).expect(201);
      expectError(
        await api().patch(`/api/v1/messages/${plain.body.id}`).set(bearer(bob)).send({ content: '' }),
        400,
      );
    });

    it("400 for anything but one's own unattached uploads to that room, revealing none of them", async () => {
      const mine = await up(bob, Buffer.from('mine'), 'mine.txt');
      const alices = await up(alice, Buffer.from('secret'), 'alice-secret-name.txt');
      const elsewhere = await up(alice, Buffer.from('other room'), 'other-room-name.txt', otherRoomId);
      const attached = await up(bob, Buffer.from('used'), 'used.txt');
      await send(bob, { content: 'x', attachmentIds: [attached.id] }).expect(201);
      const cases: unknown[] = [
        [alices.id],
        [mine.id, alices.id],
        [attached.id],
        [999999],
        [mine.id, mine.id],
        Array.from({ length: 11 }, (_, i) => i + 1),
        'not a list',
        [0],
        [-1],
        [1.5],
        [{}],
      ];
      for (const attachmentIds of cases) {
        const res = await send(bob, { content: 'x', attachmentIds });
        expectError(res, 400);
        expect(JSON.stringify(res.body)).not.toMatch(/secret|other-room|used\.txt/);
      }
      // another room's upload, by its own uploader, into a room it is not for
      expectError(await send(alice, { content: 'x', attachmentIds: [elsewhere.id] }), 400);
      // nothing was attached by the refused sends
      const ok = await send(bob, { content: 'finally', attachmentIds: [mine.id] }).expect(201);
      expect(ok.body.attachments.map((a: { id: number }) => a.id)).toEqual([mine.id]);
    });

    it('two sends racing for one upload: exactly one gets it, the other is 400 and leaves no message', async () => {
      const a = await up(bob, Buffer.from('contested'), 'race.txt');
      const results = await Promise.all([
        send(bob, { content: 'race one', attachmentIds: [a.id] }),
        send(bob, { content: 'race two', attachmentIds: [a.id] }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([201, 400]);
      const rows = await db().query("SELECT COUNT(*) AS n FROM messages WHERE content LIKE 'race %'");
      expect(Number(rows[0].n)).toBe(1);
    });

    it('over STOMP and the basic surface too; the live MESSAGE carries the attachments', async () => {
      const c = await StompTestClient.connect(t.url, bob.token);
      clients.push(c);
      await c.subscribeConfirmed(`/topic/rooms/${roomId}`);
      const a = await up(bob, PNG, 'live.png');
      await c.sendConfirmed(appDestination(AppDestination.sendMessage), { roomId, attachmentIds: [a.id] });
      const [live] = await c.waitForMessages(`/topic/rooms/${roomId}`, 1);
      expect(live.attachments).toEqual([
        { id: a.id, name: 'live.png', size: PNG.length, contentType: 'image/png', url: a.url },
      ]);
      await c.subscribeConfirmed('/user/queue/errors');
      c.send(appDestination(AppDestination.sendMessage), { roomId, content: 'x', attachmentIds: [a.id] });
      expect((await c.waitForMessages('/user/queue/errors', 1))[0].status).toBe(400);
      const b = await up(bob, Buffer.from('basic'), 'basic.txt');
      const basic = await api()
        .post('/api/messages')
        .set(bearer(bob))
        .send({ senderId: bob.id, receiverId: roomId, receiverType: 'group', attachmentIds: [String(b.id)] })
        .expect(201);
      expect(basic.body.attachments.map((x: { id: number }) => x.id)).toEqual([b.id]);
    });
  });

  describe('download', () => {
    let png: { id: number; url: string };
    let text: { id: number; url: string };
    const TEXT = Buffer.from('0123456789abcdef');

    beforeAll(async () => {
      png = await up(bob, PNG, 'pixel.png');
      text = await up(bob, TEXT, 'notes.txt');
    });

    it('before it is attached: its uploader alone (403 even for the room creator and admins)', async () => {
      const res = await download(bob, png.id).expect(200);
      expect(res.body).toEqual(PNG);
      expectError(await download(alice, png.id), 403);
      expectError(await download(admin, png.id), 403);
    });

    it('once attached: members and admins of its room; 403 others, 404 unknown, 401 anonymous', async () => {
      await send(bob, { content: 'files', attachmentIds: [png.id, text.id] }).expect(201);
      for (const u of [alice, bob, admin])
        expect((await download(u, text.id).expect(200)).body).toEqual(TEXT);
      const refused = await download(stranger, text.id);
      expectError(refused, 403);
      expect(JSON.stringify(refused.body)).not.toContain('notes');
      expectError(await download(bob, 999999), 404);
      expectError(await download(undefined, text.id), 401);
      expectError(await download(bob, 'x'), 400);
    });

    it('headers: ETag, nosniff, Cache-Control private, inline for images, attachment for the rest', async () => {
      const image = await download(bob, png.id).expect(200);
      expect(image.headers['content-type']).toBe('image/png');
      expect(image.headers['content-disposition']).toBe('inline; filename=pixel.png');
      expect(image.headers.etag).toMatch(/^"[0-9a-f]{64}"$/);
      expect(image.headers['x-content-type-options']).toBe('nosniff');
      expect(image.headers['cache-control']).toBe('private');
      expect(image.headers['content-length']).toBe(String(PNG.length));
      expect(image.headers['content-security-policy']).toBe("default-src 'none'; sandbox");
      const file = await download(bob, text.id).expect(200);
      expect(file.headers['content-type']).toBe('application/octet-stream');
      expect(file.headers['content-disposition']).toBe('attachment; filename=notes.txt');
    });

    it("the ETag is the upload's own: the same on every download, another for the same bytes uploaded again", async () => {
      const etag = await etagOf(text.id);
      expect(await etagOf(text.id)).toBe(etag);
      const again = await up(bob, TEXT, 'notes.txt');
      expect(await etagOf(again.id)).not.toBe(etag);
      await download(bob, again.id, { 'If-None-Match': etag }).expect(200);
    });

    it('If-None-Match with the ETag: 304 without a body', async () => {
      const etag = await etagOf(text.id);
      const res = await download(bob, text.id, { 'If-None-Match': etag }).expect(304);
      expect(res.body).toEqual(Buffer.alloc(0));
      expect(res.headers.etag).toBe(etag);
      await download(bob, text.id, { 'If-None-Match': `W/${etag}, "other"` }).expect(304);
      await download(bob, text.id, { 'If-None-Match': '"other"' }).expect(200);
    });

    it('Range: 206 with Content-Range; 416 past the end; If-Range that no longer matches gives the whole file', async () => {
      const part = await download(bob, text.id, { Range: 'bytes=2-5' }).expect(206);
      expect(part.body.toString()).toBe('2345');
      expect(part.headers['content-range']).toBe(`bytes 2-5/${TEXT.length}`);
      expect(part.headers['content-length']).toBe('4');
      const tail = await download(bob, text.id, { Range: 'bytes=-3' }).expect(206);
      expect(tail.body.toString()).toBe('def');
      const open = await download(bob, text.id, { Range: 'bytes=10-' }).expect(206);
      expect(open.body.toString()).toBe('abcdef');
      const past = await download(bob, text.id, { Range: 'bytes=100-200' });
      expect(past.status).toBe(416);
      expect(past.headers['content-range']).toBe(`bytes */${TEXT.length}`);
      const stale = await download(bob, text.id, { Range: 'bytes=0-1', 'If-Range': '"stale"' }).expect(200);
      expect(stale.body).toEqual(TEXT);
      await download(bob, text.id, { Range: 'bytes=0-1', 'If-Range': await etagOf(text.id) }).expect(206);
      expect((await download(bob, text.id, { Range: 'lines=1-2' }).expect(200)).body).toEqual(TEXT);
    });

    it('a member who leaves the room loses the download at once', async () => {
      const carol = await createUser(t);
      await api().post(`/api/v1/rooms/${roomId}/members/${carol.id}`).set(bearer(alice)).expect(200);
      await download(carol, text.id).expect(200);
      await api()
        .delete(`/api/v1/rooms/${roomId}/members/${carol.id}`)
        .set(bearer(carol))
        .expect((r) => {
          expect([200, 204]).toContain(r.status);
        });
      expectError(await download(carol, text.id), 403);
    });
  });

  describe("the attacker's side", () => {
    it('HTML, SVG and JavaScript are never served inline nor with a type a browser runs, whatever they claim', async () => {
      const hostile: [string, string, string][] = [
        ['<!doctype html><script>alert(1)</script>', 'page.html', 'text/html'],
        ['<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', 'img.svg', 'image/svg+xml'],
        ['alert(document.cookie)', 'app.js', 'application/javascript'],
        ['<html><script>alert(1)</script></html>', 'innocent.png', 'image/png'],
        ['<script>alert(1)</script>', 'x.gif', 'image/gif'],
      ];
      for (const [body, name, declared] of hostile) {
        const res = await upload(t.url, bob, roomId, Buffer.from(body), name, declared).expect(201);
        expect(res.body.contentType).toBe('application/octet-stream');
        const got = await download(bob, res.body.id).expect(200);
        expect(got.headers['content-type']).toBe('application/octet-stream');
        expect(got.headers['content-disposition']).toMatch(/^attachment;/);
        expect(got.headers['x-content-type-options']).toBe('nosniff');
        expect(got.headers['content-security-policy']).toContain('sandbox');
      }
    });

    it('hostile file names end up harmless in storage and in Content-Disposition', async () => {
      // [as sent (RFC 5987-encoded, so every character arrives), the name shown; 400: refused]
      const names: [string, string | 400][] = [
        ['../../../etc/passwd', 'passwd'],
        ['..\\..\\boot.ini', 'boot.ini'],
        ['a\u0000b.txt', 'ab.txt'],
        ['tab\there\u0007.txt', 'tabhere.txt'],
        ['quote"d\'.txt', "quote_d'.txt"],
        ['invoice\u202Egpj.exe', 'invoicegpj.exe'],
        [`${'n'.repeat(300)}.txt`, `${'n'.repeat(251)}.txt`],
        ['résumé 🌞.pdf', 'résumé 🌞.pdf'],
        ['..', 'file'],
        ['\u2066\u200f.txt\u2069', '.txt'],
        // the multipart parser does not take a file name with a line break: no file part
        ['evil\r\nSet-Cookie: a=b.txt', 400],
      ];
      for (const [raw, expected] of names) {
        const res = await uploadNamed(t.url, bob, roomId, Buffer.from('x'), raw);
        if (expected === 400) {
          expect([raw, res.status]).toEqual([raw, 400]);
          continue;
        }
        expect([raw, res.status, res.body.name]).toEqual([raw, 201, expected]);
        const got = await download(bob, res.body.id).expect(200);
        const header = got.headers['content-disposition'];
        expect(header).not.toMatch(/[\r\n\0]/);
        expect(parseDisposition(header).type).toBe('attachment');
        expect(parseDisposition(header).parameters.filename).toBe(expected);
      }
      // the same line break as a form-data library sends it (percent-encoded): shown as sent
      const crlf = await upload(t.url, bob, roomId, Buffer.from('x'), 'evil\r\nSet-Cookie: a=b.txt').expect(
        201,
      );
      expect(crlf.body.name).not.toMatch(/[\r\n]/);
      const header = (await download(bob, crlf.body.id).expect(200)).headers['content-disposition'];
      expect(header).not.toMatch(/[\r\n]/);
      // storage holds only random keys, never a client's name
      expect(stored().every((f) => /^[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{32}$/.test(f))).toBe(true);
      expect(filesUnder(join(dir, '..')).some((f) => /passwd|boot\.ini/.test(f))).toBe(false);
    });
  });

  describe('cleanup', () => {
    const keyOf = async (id: number) =>
      String((await db().query('SELECT storage_key AS k FROM attachments WHERE id = ?', [id]))[0]?.k ?? '');
    const exists = (key: string) => stored().some((f) => f.endsWith(key));

    it('deleting a message (a thread root takes its replies) removes their files', async () => {
      const a = await up(bob, Buffer.from('root file'), 'root.txt');
      const b = await up(alice, Buffer.from('reply file'), 'reply.txt');
      const [ka, kb] = [await keyOf(a.id), await keyOf(b.id)];
      const root = await send(bob, { content: 'root', attachmentIds: [a.id] }).expect(201);
      await send(alice, { content: 'reply', parentId: root.body.id, attachmentIds: [b.id] }).expect(201);
      expect(exists(ka) && exists(kb)).toBe(true);
      await api().delete(`/api/v1/messages/${root.body.id}`).set(bearer(bob)).expect(204);
      expectError(await download(bob, a.id), 404);
      await eventually(() => !exists(ka) && !exists(kb), 'the files removed');
      const rows = await db().query('SELECT COUNT(*) AS n FROM attachments WHERE id IN (?, ?)', [a.id, b.id]);
      expect(Number(rows[0].n)).toBe(0);
    });

    it('deleting a room removes its files, attached or not', async () => {
      const room = await createRoom(t, alice, { members: [bob] });
      const a = await up(bob, Buffer.from('in room'), 'r.txt', room.id);
      const b = await up(alice, Buffer.from('never attached'), 's.txt', room.id);
      const [ka, kb] = [await keyOf(a.id), await keyOf(b.id)];
      await send(bob, { content: 'x', attachmentIds: [a.id] }, room.id).expect(201);
      await api()
        .delete(`/api/v1/rooms/${room.id}`)
        .set(bearer(alice))
        .expect((r) => {
          expect([200, 204]).toContain(r.status);
        });
      expectError(await download(bob, a.id), 404);
      await eventually(() => !exists(ka) && !exists(kb), 'the files removed');
    });

    it('an upload never attached is removed after 24 hours, and can no longer be attached', async () => {
      const fresh = await up(bob, Buffer.from('fresh'), 'fresh.txt');
      const old = await up(bob, Buffer.from('old'), 'old.txt');
      const kOld = await keyOf(old.id);
      const dayAgo = new Date(Date.now() - 24 * 3600 * 1000 - 60_000);
      const param =
        t.settings.database.kind === 'sqlite' ? dayAgo.toISOString().replace('T', ' ').slice(0, 23) : dayAgo;
      await db().query('UPDATE attachments SET created_at = ? WHERE id = ?', [param, old.id]);
      expectError(await send(bob, { content: 'late', attachmentIds: [old.id] }), 400);
      await t.app.get(AttachmentsCleanup).sweepSoon();
      await eventually(() => !exists(kOld), 'the old upload removed');
      expectError(await download(bob, old.id), 404);
      await download(bob, fresh.id).expect(200);
      await send(bob, { content: 'in time', attachmentIds: [fresh.id] }).expect(201);
    });

    it('a sweep is safe to run several times at once', async () => {
      const ids = [];
      for (let i = 0; i < 5; i++) ids.push((await up(bob, Buffer.from(`g${i}`), `g${i}.txt`)).id);
      const keys = await Promise.all(ids.map(keyOf));
      const m = await send(bob, { content: 'garbage', attachmentIds: ids }).expect(201);
      await db().query('DELETE FROM messages WHERE id = ?', [m.body.id]); // behind the app's back: no event
      const cleanup = t.app.get(AttachmentsCleanup);
      const counts = await Promise.all([cleanup.sweep(), cleanup.sweep(), cleanup.sweep()]);
      expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(5);
      expect(keys.some(exists)).toBe(false);
      const rows = await db().query(`SELECT COUNT(*) AS n FROM attachments WHERE id IN (${ids.join(',')})`);
      expect(Number(rows[0].n)).toBe(0);
    });
  });
});
