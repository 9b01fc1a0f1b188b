import request from 'supertest';
import { adminUser, bearer, createUser, TestUser, uniqueName } from './factories/users';
import { RecordingRealtimePublisher } from './helpers/recording-realtime-publisher';
import { eventuallyPasses } from './helpers/eventually';
import { startTestApp, TestApp } from './helpers/test-app';

const SURFACES = ['/api/v1/notifications', '/api/notifications'];
const QUEUE = '/queue/notifications';

describe('notifications (v1 and basic)', () => {
  let t: TestApp;
  let admin: TestUser;
  let realtime: RecordingRealtimePublisher;

  beforeAll(async () => {
    t = await startTestApp();
    realtime = RecordingRealtimePublisher.attach(t.app);
    admin = await adminUser(t);
  });
  afterAll(() => t.close());

  const list = async (u: TestUser, query = '', base = '/api/v1/notifications') =>
    (await request(t.url).get(`${base}${query}`).set(bearer(u)).expect(200)).body;
  const send = (from: TestUser, body: object, base = '/api/v1/notifications') =>
    request(t.url).post(base).set(bearer(from)).send(body);

  async function roomWith(owner: TestUser, members: TestUser[]): Promise<{ id: number; name: string }> {
    const name = uniqueName('room');
    const res = await request(t.url)
      .post('/api/v1/rooms')
      .set(bearer(owner))
      .send({ name, type: 'PRIVATE' })
      .expect(201);
    for (const m of members) {
      await request(t.url)
        .post(`/api/v1/rooms/${res.body.id}/members/${m.id}`)
        .set(bearer(owner))
        .expect(200);
    }
    return { id: res.body.id, name };
  }

  describe('POST', () => {
    it.each(SURFACES)(
      '%s: a user notifies itself and a room-mate; stored (trimmed), listed and pushed to the recipient',
      async (base) => {
        const [a, b] = [await createUser(t), await createUser(t)];
        await roomWith(a, [b]);
        const self = await send(a, { userId: a.id, message: '  note to self  ' }, base).expect(201);
        expect(self.body).toEqual({
          id: expect.any(Number),
          type: 'USER',
          message: 'note to self',
          read: false,
          createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          roomId: null,
          messageId: null,
          sender: { id: a.id, username: a.username },
        });
        const mate = await send(b, { userId: String(a.id), message: 'hello from b' }, base).expect(201);
        expect(mate.body.message).toBe('hello from b');
        expect(realtime.toUserQueue(a.id, QUEUE)).toEqual([self.body, mate.body]);
        expect(await list(a, '', base)).toEqual([mate.body, self.body]);
        // b's invite is written after the add-member request answered.
        await eventuallyPasses(async () =>
          expect((await list(b, '', base)).map((n: { type: string }) => n.type)).toEqual(['ROOM_INVITE']),
        );
      },
    );

    it.each(SURFACES)('%s: notifying a user with no shared room is 403 and stores nothing', async (base) => {
      const [a, stranger] = [await createUser(t), await createUser(t)];
      const res = await send(a, { userId: stranger.id, message: 'hi' }, base).expect(403);
      expect(res.body).toMatchObject({ status: 403, path: base });
      expect(await list(stranger)).toEqual([]);
      expect(realtime.toUserQueue(stranger.id, QUEUE)).toEqual([]);
    });

    it.each(SURFACES)(
      '%s: an admin notifies anyone; an unknown user is 404 for users and admins',
      async (base) => {
        const u = await createUser(t);
        const res = await send(admin, { userId: u.id, message: 'maintenance tonight' }, base).expect(201);
        expect((await list(u)).map((n: { id: number }) => n.id)).toEqual([res.body.id]);
        await send(admin, { userId: 999999, message: 'x' }, base).expect(404);
        const missing = await send(u, { userId: 999999, message: 'x' }, base).expect(404);
        expect(missing.body).toMatchObject({ status: 404, path: base });
      },
    );

    it.each(SURFACES)('%s: bad messages, ids and unknown fields are 400; no token 401', async (base) => {
      const u = await createUser(t);
      const bodies: object[] = [
        { userId: u.id, message: '' },
        { userId: u.id, message: '   ' },
        { userId: u.id, message: 'x'.repeat(1001) },
        { userId: u.id, message: 42 },
        { userId: u.id },
        { message: 'hi' },
        { userId: 'abc', message: 'hi' },
        { userId: -1, message: 'hi' },
        { userId: u.id, message: 'hi', priority: 'high' },
      ];
      for (const body of bodies) {
        const res = await send(u, body, base).expect(400);
        expect(res.body).toMatchObject({ status: 400, error: 'Bad Request' });
        expect(res.body.errors.length).toBeGreaterThan(0);
      }
      await send(u, { userId: u.id, message: 'x'.repeat(1000) }, base).expect(201);
      await request(t.url).post(base).send({ userId: u.id, message: 'hi' }).expect(401);
    });
  });

  describe('GET', () => {
    it.each(SURFACES)(
      "%s: newest first, paginated, with an unread filter; only the caller's own",
      async (base) => {
        const [u, other] = [await createUser(t), await createUser(t)];
        const ids: number[] = [];
        for (let i = 1; i <= 5; i++) {
          ids.push((await send(u, { userId: u.id, message: `n${i}` }).expect(201)).body.id);
        }
        await send(other, { userId: other.id, message: 'not yours' }).expect(201);
        const newestFirst = [...ids].reverse();
        expect((await list(u, '', base)).map((n: { id: number }) => n.id)).toEqual(newestFirst);
        expect((await list(u, '?page=0&size=2', base)).map((n: { id: number }) => n.id)).toEqual(
          newestFirst.slice(0, 2),
        );
        expect((await list(u, '?page=1&size=2', base)).map((n: { id: number }) => n.id)).toEqual(
          newestFirst.slice(2, 4),
        );
        expect((await list(u, '?page=2&size=2', base)).map((n: { id: number }) => n.id)).toEqual(
          newestFirst.slice(4),
        );
        expect(await list(u, '?page=3&size=2', base)).toEqual([]);

        await request(t.url).put(`${base}/${ids[4]}/read`).set(bearer(u)).expect(200);
        await request(t.url).put(`${base}/${ids[0]}/read`).set(bearer(u)).expect(200);
        const unread = await list(u, '?unread=true', base);
        expect(unread.map((n: { id: number }) => n.id)).toEqual([ids[3], ids[2], ids[1]]);
        expect(unread.every((n: { read: boolean }) => !n.read)).toBe(true);
        expect((await list(u, '?unread=false', base)).length).toBe(5);
      },
    );

    it.each(SURFACES)(
      '%s: invalid page, size, unread or unknown parameters are 400; no token 401',
      async (base) => {
        const u = await createUser(t);
        for (const query of [
          '?size=0',
          '?size=101',
          '?size=abc',
          '?page=-1',
          '?page=1.5',
          '?unread=maybe',
          '?sort=asc',
        ]) {
          const res = await request(t.url).get(`${base}${query}`).set(bearer(u)).expect(400);
          expect(res.body.status).toBe(400);
        }
        await request(t.url).get(`${base}?size=100`).set(bearer(u)).expect(200);
        await request(t.url).get(base).expect(401);
      },
    );
  });

  describe('PUT /{id}/read and /read-all', () => {
    it.each(SURFACES)(
      "%s: marks one read (idempotent); someone else's is 403, unknown 404, bad id 400, no token 401",
      async (base) => {
        const [u, other] = [await createUser(t), await createUser(t)];
        const n = (await send(u, { userId: u.id, message: 'read me' }).expect(201)).body;
        const res = await request(t.url).put(`${base}/${n.id}/read`).set(bearer(u)).expect(200);
        expect(res.body).toEqual({ ...n, read: true });
        await request(t.url).put(`${base}/${n.id}/read`).set(bearer(u)).expect(200);

        const n2 = (await send(u, { userId: u.id, message: 'mine' }).expect(201)).body;
        const forbidden = await request(t.url).put(`${base}/${n2.id}/read`).set(bearer(other)).expect(403);
        expect(forbidden.body).toMatchObject({ status: 403, path: `${base}/${n2.id}/read` });
        await request(t.url).put(`${base}/${n2.id}/read`).set(bearer(admin)).expect(403);
        expect((await list(u, '?unread=true')).map((x: { id: number }) => x.id)).toEqual([n2.id]);

        await request(t.url).put(`${base}/999999/read`).set(bearer(u)).expect(404);
        for (const bad of ['abc', '0', '-1'])
          await request(t.url).put(`${base}/${bad}/read`).set(bearer(u)).expect(400);
        await request(t.url).put(`${base}/${n2.id}/read`).expect(401);
      },
    );

    it.each(SURFACES)("%s: read-all marks only the caller's unread ones and says how many", async (base) => {
      const [u, other] = [await createUser(t), await createUser(t)];
      for (const m of ['a', 'b', 'c']) await send(u, { userId: u.id, message: m }).expect(201);
      await send(other, { userId: other.id, message: 'untouched' }).expect(201);
      const first = (await list(u))[0];
      await request(t.url).put(`${base}/${first.id}/read`).set(bearer(u)).expect(200);

      expect((await request(t.url).put(`${base}/read-all`).set(bearer(u)).expect(200)).body).toEqual({
        updated: 2,
      });
      expect(await list(u, '?unread=true')).toEqual([]);
      expect((await request(t.url).put(`${base}/read-all`).set(bearer(u)).expect(200)).body).toEqual({
        updated: 0,
      });
      expect((await list(other, '?unread=true')).length).toBe(1);
      await request(t.url).put(`${base}/read-all`).expect(401);
    });
  });

  describe('automatic notifications', () => {
    it('being added to a room by someone else notifies (stored and pushed); the creator and a self-join do not', async () => {
      const [owner, bob, carol] = [await createUser(t), await createUser(t), await createUser(t)];
      const room = await roomWith(owner, [bob]);
      const expected = {
        id: expect.any(Number),
        type: 'ROOM_INVITE',
        message: `${owner.username} added you to ${room.name}`,
        read: false,
        createdAt: expect.any(String),
        roomId: room.id,
        messageId: null,
        sender: { id: owner.id, username: owner.username },
      };
      const [invite] = await eventuallyPasses(async () => {
        const items = await list(bob);
        expect(items).toEqual([expected]);
        return items;
      });
      // The push follows the commit: a list can answer between the two.
      await eventuallyPasses(async () => expect(realtime.toUserQueue(bob.id, QUEUE)).toEqual([invite]));

      const pub = await request(t.url)
        .post('/api/v1/rooms')
        .set(bearer(owner))
        .send({ name: uniqueName('open'), type: 'PUBLIC' })
        .expect(201);
      await request(t.url)
        .post(`/api/v1/rooms/${pub.body.id}/members/${carol.id}`)
        .set(bearer(carol))
        .expect(200);
      // A later invite to carol is the marker that every earlier event was handled.
      const marker = await roomWith(owner, [carol]);
      await eventuallyPasses(async () =>
        expect((await list(carol)).map((n: { roomId: number }) => n.roomId)).toEqual([marker.id]),
      );
      expect(await list(owner)).toEqual([]);
    });

    it('a direct message notifies the other user only (no room invite for the direct room)', async () => {
      const [alice, bob] = [await createUser(t), await createUser(t)];
      const sent = await request(t.url)
        .post('/api/messages')
        .set(bearer(alice))
        .send({ senderId: alice.id, receiverId: String(bob.id), content: 'hi bob' })
        .expect(201);
      const [dm] = await eventuallyPasses(async () => {
        const items = await list(bob);
        expect(items).toEqual([
          {
            id: expect.any(Number),
            type: 'DIRECT_MESSAGE',
            message: `New direct message from ${alice.username}`,
            read: false,
            createdAt: expect.any(String),
            roomId: sent.body.conversationId,
            messageId: sent.body.id,
            sender: { id: alice.id, username: alice.username },
          },
        ]);
        return items;
      });
      // The push follows the commit: a list can answer between the two.
      await eventuallyPasses(async () => expect(realtime.toUserQueue(bob.id, QUEUE)).toEqual([dm]));
      // bob's reply notifies alice: once it is there, alice got nothing for her own message.
      await request(t.url)
        .post('/api/messages')
        .set(bearer(bob))
        .send({ senderId: bob.id, receiverId: alice.id, content: 'hi alice' })
        .expect(201);
      await eventuallyPasses(async () =>
        expect((await list(alice)).map((n: { message: string }) => n.message)).toEqual([
          `New direct message from ${bob.username}`,
        ]),
      );
      expect((await list(bob)).length).toBe(1);
    });
  });
});
