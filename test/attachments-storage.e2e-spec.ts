import request from 'supertest';
import { DataSource } from 'typeorm';
import { AttachmentsCleanup } from '../apps/chat-server/src/attachments/attachments-cleanup';
import { createRoom } from './factories/rooms';
import { bearer, createUser, TestUser } from './factories/users';
import { binary, filesUnder, PNG, upload } from './helpers/attachments';
import { eventually } from './helpers/eventually';
import { expectError } from './helpers/expect-error';
import { startS3, TestS3 } from './helpers/s3';
import { freshDatabase, startTestApp, TestApp } from './helpers/test-app';

const REDIS = process.env.TEST_REDIS_URL;
const MAX = 128 * 1024;

/**
 * Both storage backends (EXTENSIONS.md §7), each with two instances on one database and one
 * store, as deployed behind a load balancer: local disk on a shared ATTACHMENTS_DIR, and S3
 * (s3rver from npm, on loopback). An upload on one instance is served by the other; deletion and
 * the cleanup work from either, also when both sweep at once. With TEST_REDIS_URL the instances
 * share Redis as in production; without it they still share the database and the store, which is
 * all attachments need.
 */
describe.each(['local', 's3'] as const)('attachments on %s storage, two instances', (backend) => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let s3: TestS3 | undefined;
  let a: TestApp;
  let b: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  let roomId: number;

  beforeAll(async () => {
    db = await freshDatabase();
    s3 = backend === 's3' ? await startS3() : undefined;
    const prefix = `chat-attach-${process.pid}-${Date.now()}-${backend}`;
    const env = (instance: string) => ({
      ...(REDIS ? { REDIS_URL: REDIS, REDIS_PREFIX: prefix } : {}),
      INSTANCE_ID: instance,
      ATTACHMENT_MAX_BYTES: String(MAX),
      ...(s3?.env ?? {}),
    });
    a = await startTestApp(env('a'), db);
    b = await startTestApp(env('b'), db);
    [alice, bob] = [await createUser(a), await createUser(a)];
    roomId = (await createRoom(a, alice, { members: [bob] })).id;
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await s3?.close();
    await db?.drop();
  });

  /** The stored objects: S3 keys, or files under the shared directory (temporary files aside). */
  const stored = async (): Promise<string[]> =>
    s3 ? s3.keys() : filesUnder(a.settings.attachments.dir).filter((f) => !f.startsWith('tmp/'));
  const temp = () => filesUnder(a.settings.attachments.dir).filter((f) => f.startsWith('tmp/'));
  const download = (t: TestApp, u: TestUser, id: number, headers: Record<string, string> = {}) => {
    const r = request(t.url).get(`/api/v1/attachments/${id}`).set(bearer(u)).buffer(true).parse(binary);
    for (const [k, v] of Object.entries(headers)) void r.set(k, v);
    return r;
  };

  it('an upload on A is downloaded from B (and back), with ranges and ETags on both', async () => {
    const before = await stored();
    const text = Buffer.from('served by the other instance');
    const up = await upload(a.url, bob, roomId, text, 'shared.txt').expect(201);
    const after = await stored();
    expect(after).toHaveLength(before.length + 1);
    if (s3) expect(after.every((k) => /^files\/[0-9a-f]{32}$/.test(k))).toBe(true);
    // B serves it (its uploader only, until attached)
    expect((await download(b, bob, up.body.id).expect(200)).body).toEqual(text);
    expectError(await download(b, alice, up.body.id), 403);
    // attached through B, downloaded by the other member from both
    await request(b.url)
      .post(`/api/v1/messages/room/${roomId}`)
      .set(bearer(bob))
      .send({ content: 'file', attachmentIds: [up.body.id] })
      .expect(201);
    const etags = new Set<string>();
    for (const t of [a, b]) {
      const res = await download(t, alice, up.body.id).expect(200);
      expect(res.body).toEqual(text);
      expect(res.headers.etag).toMatch(/^"[0-9a-f]{64}"$/);
      etags.add(res.headers.etag as string);
      expect(res.headers['content-disposition']).toBe('attachment; filename=shared.txt');
      const part = await download(t, alice, up.body.id, { Range: 'bytes=0-5' }).expect(206);
      expect(part.body.toString()).toBe('served');
      await download(t, alice, up.body.id, { 'If-None-Match': res.headers.etag }).expect(304);
    }
    // both instances answer with the same ETag: a cache may revalidate against either
    expect(etags.size).toBe(1);
    const image = await upload(b.url, alice, roomId, PNG, 'p.png').expect(201);
    const png = await download(a, alice, image.body.id).expect(200);
    expect(png.body).toEqual(PNG);
    expect(png.headers['content-type']).toBe('image/png');
  });

  it('413 over the limit leaves nothing in the store nor in the temporary folder', async () => {
    const before = await stored();
    expectError(await upload(a.url, bob, roomId, Buffer.alloc(MAX + 1), 'big.bin'), 413);
    expect(await stored()).toEqual(before);
    expect(temp()).toEqual([]);
  });

  it('deleting a message on B removes the file that A stored', async () => {
    const up = await upload(a.url, bob, roomId, Buffer.from('to delete'), 'd.txt').expect(201);
    const keys = await stored();
    const sent = await request(a.url)
      .post(`/api/v1/messages/room/${roomId}`)
      .set(bearer(bob))
      .send({ attachmentIds: [up.body.id] })
      .expect(201);
    await request(b.url).delete(`/api/v1/messages/${sent.body.id}`).set(bearer(bob)).expect(204);
    expectError(await download(a, bob, up.body.id), 404);
    await eventually(async () => (await stored()).length === keys.length - 1, 'the file removed');
  });

  it('both instances sweeping at once remove every garbage file once, without errors', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 6; i++)
      ids.push(
        (await upload(i % 2 ? a.url : b.url, bob, roomId, Buffer.from(`g${i}`), `g${i}.txt`).expect(201)).body
          .id,
      );
    const before = await stored();
    // aged past 24 hours, behind the app's back: garbage for whichever sweep comes first
    const dataSource = a.app.get(DataSource);
    const dayAgo = new Date(Date.now() - 25 * 3600 * 1000);
    const param =
      a.settings.database.kind === 'sqlite' ? dayAgo.toISOString().replace('T', ' ').slice(0, 23) : dayAgo;
    await dataSource.query(`UPDATE attachments SET created_at = ? WHERE id IN (${ids.join(',')})`, [param]);
    const counts = await Promise.all([
      a.app.get(AttachmentsCleanup).sweep(),
      b.app.get(AttachmentsCleanup).sweep(),
      a.app.get(AttachmentsCleanup).sweep(),
      b.app.get(AttachmentsCleanup).sweep(),
    ]);
    expect(counts.reduce((x, y) => x + y, 0)).toBeGreaterThanOrEqual(ids.length);
    expect((await stored()).length).toBe(before.length - ids.length);
    const rows = await dataSource.query(
      `SELECT COUNT(*) AS n FROM attachments WHERE id IN (${ids.join(',')})`,
    );
    expect(Number(rows[0].n)).toBe(0);
    for (const id of ids) expectError(await download(a, bob, id), 404);
  });
});
