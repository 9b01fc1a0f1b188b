import request from 'supertest';
import { adminUser, bearer, createUser, TestUser } from './factories/users';
import { RecordingRealtimePublisher } from './helpers/recording-realtime-publisher';
import { startTestApp, TestApp } from './helpers/test-app';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const SURFACES = ['/api/v1/status', '/api/status'];

describe('status (v1 and basic)', () => {
  let t: TestApp;
  let admin: TestUser;
  let realtime: RecordingRealtimePublisher;
  const broadcasts = () => realtime.onTopic('/topic/status');

  beforeAll(async () => {
    t = await startTestApp();
    realtime = RecordingRealtimePublisher.attach(t.app);
    admin = await adminUser(t);
  });
  afterAll(() => t.close());

  describe('PUT', () => {
    it.each(SURFACES)(
      '%s: a user sets its own status (any case), reads it back and it is broadcast once',
      async (base) => {
        const u = await createUser(t);
        const before = broadcasts().length;
        const res = await request(t.url)
          .put(base)
          .set(bearer(u))
          .send({ userId: u.id, status: 'PLAYING' })
          .expect(200);
        expect(res.body).toEqual({ userId: u.id, status: 'playing', updatedAt: expect.stringMatching(ISO) });
        expect(broadcasts().slice(before)).toEqual([
          { userId: u.id, username: u.username, status: 'playing', updatedAt: res.body.updatedAt },
        ]);
        const read = await request(t.url).get(`${base}/${u.id}`).set(bearer(u)).expect(200);
        expect(read.body).toEqual(res.body);

        // The same status again changes nothing: same answer, no broadcast.
        const again = await request(t.url)
          .put(base)
          .set(bearer(u))
          .send({ userId: u.id, status: 'playing' })
          .expect(200);
        expect(again.body).toEqual(res.body);
        expect(broadcasts().length).toBe(before + 1);
      },
    );

    it("accepts the basic surface's string ids and every documented value", async () => {
      const u = await createUser(t);
      for (const status of ['online', 'Typing', ' offline ', 'playing']) {
        const res = await request(t.url)
          .put('/api/status')
          .set(bearer(u))
          .send({ userId: String(u.id), status })
          .expect(200);
        expect(res.body.status).toBe(status.trim().toLowerCase());
      }
      const read = await request(t.url).get(`/api/v1/status/${u.id}`).set(bearer(u)).expect(200);
      expect(read.body.status).toBe('playing');
    });

    it.each(SURFACES)(
      '%s: bad values, bad ids, missing and unknown fields are 400 with field errors',
      async (base) => {
        const u = await createUser(t);
        const bodies: object[] = [
          { userId: u.id, status: 'away' },
          { userId: u.id, status: 3 },
          { userId: u.id },
          { status: 'online' },
          { userId: 'abc', status: 'online' },
          { userId: 0, status: 'online' },
          { userId: u.id, status: 'online', mood: 'happy' },
        ];
        for (const body of bodies) {
          const res = await request(t.url).put(base).set(bearer(u)).send(body).expect(400);
          expect(res.body).toMatchObject({ status: 400, error: 'Bad Request', path: base });
          expect(res.body.errors.length).toBeGreaterThan(0);
        }
        const read = await request(t.url).get(`${base}/${u.id}`).set(bearer(u)).expect(200);
        expect(read.body.status).toBe('offline');
      },
    );

    it.each(SURFACES)(
      "%s: another user's status is 403, even an unknown id; nothing changes",
      async (base) => {
        const [a, b] = [await createUser(t), await createUser(t)];
        const before = broadcasts().length;
        const res = await request(t.url)
          .put(base)
          .set(bearer(a))
          .send({ userId: b.id, status: 'online' })
          .expect(403);
        expect(res.body.status).toBe(403);
        await request(t.url).put(base).set(bearer(a)).send({ userId: 999999, status: 'online' }).expect(403);
        expect((await request(t.url).get(`${base}/${b.id}`).set(bearer(b)).expect(200)).body.status).toBe(
          'offline',
        );
        expect(broadcasts().length).toBe(before);
      },
    );

    it.each(SURFACES)('%s: an admin sets anyone; an unknown user is 404 for it', async (base) => {
      const u = await createUser(t);
      const res = await request(t.url)
        .put(base)
        .set(bearer(admin))
        .send({ userId: u.id, status: 'typing' })
        .expect(200);
      expect(res.body).toMatchObject({ userId: u.id, status: 'typing' });
      const missing = await request(t.url)
        .put(base)
        .set(bearer(admin))
        .send({ userId: 999999, status: 'online' })
        .expect(404);
      expect(missing.body).toMatchObject({ status: 404, path: base });
    });

    it.each(SURFACES)('%s: without a token is 401', async (base) => {
      const res = await request(t.url).put(base).send({ userId: 1, status: 'online' }).expect(401);
      expect(res.body.status).toBe(401);
    });
  });

  describe('GET /:userId', () => {
    it.each(SURFACES)(
      '%s: any user reads anyone; never set is offline with updatedAt null; unknown 404; bad id 400; 401',
      async (base) => {
        const [a, b] = [await createUser(t), await createUser(t)];
        const res = await request(t.url).get(`${base}/${b.id}`).set(bearer(a)).expect(200);
        expect(res.body).toEqual({ userId: b.id, status: 'offline', updatedAt: null });
        const missing = await request(t.url).get(`${base}/999999`).set(bearer(a)).expect(404);
        expect(missing.body).toMatchObject({ status: 404, path: `${base}/999999` });
        for (const bad of ['abc', '0', '-1', '1.5', '99999999999']) {
          await request(t.url).get(`${base}/${bad}`).set(bearer(a)).expect(400);
        }
        await request(t.url).get(`${base}/${b.id}`).expect(401);
      },
    );
  });

  describe('GET /api/v1/status?userIds=', () => {
    it('answers every id in the order asked, without duplicates; an unknown id looks like a user never seen', async () => {
      const [a, b] = [await createUser(t), await createUser(t)];
      await request(t.url)
        .put('/api/v1/status')
        .set(bearer(b))
        .send({ userId: b.id, status: 'playing' })
        .expect(200);
      const res = await request(t.url)
        .get(`/api/v1/status?userIds=${b.id},999999,${a.id},${b.id}`)
        .set(bearer(a))
        .expect(200);
      expect(res.body).toEqual([
        { userId: b.id, status: 'playing', updatedAt: expect.stringMatching(ISO) },
        { userId: 999999, status: 'offline', updatedAt: null },
        { userId: a.id, status: 'offline', updatedAt: null },
      ]);
      const repeated = await request(t.url)
        .get(`/api/v1/status?userIds=${a.id}&userIds=${b.id}`)
        .set(bearer(a))
        .expect(200);
      expect(repeated.body.map((s: { userId: number }) => s.userId)).toEqual([a.id, b.id]);
    });

    it('a missing, empty or invalid list, or more than 200 ids, is 400; no token 401', async () => {
      const u = await createUser(t);
      const tooMany = Array.from({ length: 201 }, (_, i) => i + 1).join(',');
      for (const query of [
        '',
        '?userIds=',
        '?userIds=1,abc',
        '?userIds=0',
        '?userIds=1,,2',
        `?userIds=${tooMany}`,
      ]) {
        const res = await request(t.url).get(`/api/v1/status${query}`).set(bearer(u)).expect(400);
        expect(res.body.status).toBe(400);
      }
      const max = Array.from({ length: 200 }, (_, i) => i + 1).join(',');
      await request(t.url).get(`/api/v1/status?userIds=${max}`).set(bearer(u)).expect(200);
      await request(t.url).get(`/api/v1/status?userIds=${u.id}`).expect(401);
    });
  });
});
