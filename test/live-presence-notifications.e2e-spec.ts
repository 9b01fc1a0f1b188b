import { StompBroker } from '@app/stomp';
import request from 'supertest';
import { createRoom } from './factories/rooms';
import { adminUser, bearer, createUser } from './factories/users';
import { StompTestClient } from './helpers/stomp-client';
import { startTestApp, TestApp } from './helpers/test-app';

describe('presence and notifications, live over STOMP', () => {
  let t: TestApp;
  const clients: StompTestClient[] = [];
  const connect = async (user: { token: string }, transport: 'websocket' | 'sockjs' = 'websocket') => {
    const c = await StompTestClient.connect(t.url, user.token, { transport });
    clients.push(c);
    return c;
  };
  const statusOf = async (viewer: { token: string }, userId: number) =>
    (await request(t.url).get(`/api/status/${userId}`).set(bearer(viewer)).expect(200)).body.status;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  afterAll(() => t.close());

  it('connecting makes a user online, broadcast on /topic/status; with two sessions it stays online until the last closes', async () => {
    const [watcher, alice] = [await createUser(t), await createUser(t)];
    const w = await connect(watcher);
    await w.subscribeConfirmed('/topic/status');
    expect(await statusOf(watcher, alice.id)).toBe('offline');

    const first = await connect(alice);
    await w.until(
      () => w.bodies('/topic/status').some((s) => s.userId === alice.id && s.status === 'online'),
      'alice online',
    );
    expect(w.bodies('/topic/status').find((s) => s.userId === alice.id)).toEqual({
      userId: alice.id,
      username: alice.username,
      status: 'online',
      updatedAt: expect.any(String),
    });
    const second = await connect(alice, 'sockjs');
    await first.close();
    // Once the server has seen the first session close, one is still live: alice stays online.
    const broker = t.app.get(StompBroker);
    await w.until(
      () => broker.getUserSessions(String(alice.id)).length === 1,
      'the server to see one session close',
    );
    expect(await statusOf(watcher, alice.id)).toBe('online');
    expect(
      w
        .bodies('/topic/status')
        .filter((s) => s.userId === alice.id)
        .map((s) => s.status),
    ).toEqual(['online']);
    await second.close();
    await w.until(
      () => w.bodies('/topic/status').some((s) => s.userId === alice.id && s.status === 'offline'),
      'alice offline',
    );
    expect(await statusOf(watcher, alice.id)).toBe('offline');
  });

  it('an explicit "playing" survives connecting and /app/chat.addUser, and is broadcast', async () => {
    const [watcher, bob] = [await createUser(t), await createUser(t)];
    const w = await connect(watcher);
    await w.subscribeConfirmed('/topic/status');
    await request(t.url)
      .put('/api/status')
      .set(bearer(bob))
      .send({ userId: String(bob.id), status: 'PLAYING' })
      .expect(200);
    await w.until(
      () => w.bodies('/topic/status').some((s) => s.userId === bob.id && s.status === 'playing'),
      'bob playing',
    );
    const b = await connect(bob);
    await b.sendConfirmed('/app/chat.addUser', { sender: { username: bob.username } });
    expect(await statusOf(watcher, bob.id)).toBe('playing');
  });

  it("a notification posted over REST arrives on the recipient's /user/queue/notifications, on every session, and on nobody else's", async () => {
    const [alice, bob, eve] = [await createUser(t), await createUser(t), await createUser(t)];
    await createRoom(t, alice, { members: [bob] });
    const bob1 = await connect(bob);
    const bob2 = await connect(bob, 'sockjs');
    const e = await connect(eve);
    const a = await connect(alice);
    for (const c of [bob1, bob2, e, a]) await c.subscribeConfirmed('/user/queue/notifications');

    const posted = await request(t.url)
      .post('/api/notifications')
      .set(bearer(alice))
      .send({ userId: String(bob.id), message: 'lunch?' })
      .expect(201);
    // Bob's ROOM_INVITE for the room above is created by a listener and may arrive after the
    // subscriptions: look for the posted notification itself.
    for (const c of [bob1, bob2]) {
      const posts = () =>
        c.bodies('/user/queue/notifications').filter((n: { id: number }) => n.id === posted.body.id);
      await c.until(() => posts().length > 0, 'the posted notification');
      expect(posts()).toEqual([
        expect.objectContaining({ id: posted.body.id, type: 'USER', message: 'lunch?', read: false }),
      ]);
    }
    // A marker to eve proves her queue works and that nothing else reached it.
    const admin = await adminUser(t);
    await request(t.url)
      .post('/api/v1/notifications')
      .set(bearer(admin))
      .send({ userId: eve.id, message: 'marker' })
      .expect(201);
    const eveGot = await e.waitForMessages('/user/queue/notifications', 1);
    expect(eveGot.map((n) => n.message)).toEqual(['marker']);
    expect(a.received.get('/user/queue/notifications')).toHaveLength(0);
  });

  it('being added to a room and receiving a direct message notify live', async () => {
    const [alice, bob] = [await createUser(t), await createUser(t)];
    const b = await connect(bob);
    await b.subscribeConfirmed('/user/queue/notifications');
    await createRoom(t, alice, { members: [bob] });
    await request(t.url)
      .post('/api/messages')
      .set(bearer(alice))
      .send({ senderId: alice.id, receiverId: bob.id, content: 'psst' })
      .expect(201);
    const got = await b.waitForMessages('/user/queue/notifications', 2);
    expect(got.map((n) => n.type).sort()).toEqual(['DIRECT_MESSAGE', 'ROOM_INVITE']);
  });

  it("a stranger cannot notify, and cannot read or mark someone else's notifications", async () => {
    const [alice, bob, stranger] = [await createUser(t), await createUser(t), await createUser(t)];
    await createRoom(t, alice, { members: [bob] });
    await request(t.url)
      .post('/api/notifications')
      .set(bearer(stranger))
      .send({ userId: bob.id, message: 'spam' })
      .expect(403);
    const n = await request(t.url)
      .post('/api/notifications')
      .set(bearer(alice))
      .send({ userId: bob.id, message: 'hi' })
      .expect(201);
    await request(t.url).put(`/api/notifications/${n.body.id}/read`).set(bearer(stranger)).expect(403);
    const strangersList = await request(t.url).get('/api/notifications').set(bearer(stranger)).expect(200);
    expect(strangersList.body.map((x: { id: number }) => x.id)).not.toContain(n.body.id);
  });
});
