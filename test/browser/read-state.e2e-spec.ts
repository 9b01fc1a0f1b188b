import { STOMP_AUTHORIZER, StompAuthorizer } from '@app/stomp';
import type { Page } from 'playwright-core';
import request from 'supertest';
import { ReadStateService } from '../../apps/chat-server/src/read-state/read-state.service';
import { createRoom } from '../factories/rooms';
import { bearer, createUser, TestUser, uniqueName } from '../factories/users';
import { eventually as eventuallyHolds } from '../helpers/eventually';
import { composer, loginThroughUi, messages, seeText, UI_TIMEOUT_MS, useWebTestApp } from './browser-support';

jest.setTimeout(240_000);

/** EXTENSIONS.md §8: unread and mention badges, the divider, reading, `@` autocomplete, highlights. */
describe('web client: read state and mentions in Chromium', () => {
  const web = useWebTestApp();

  const user = (prefix: string) => createUser(web.t, { username: uniqueName(prefix).slice(0, 30) });
  const signIn = async (u: TestUser, hash = '') => {
    const p = await web.open();
    await loginThroughUi(p.page, `${web.t.url}/${hash}`, u.username, u.password);
    await seeText(p.page.locator('#connection-status'), 'Connected via websocket');
    return p.page;
  };
  const post = async (u: TestUser, roomId: number, content: string) =>
    (
      await request(web.t.url)
        .post(`/api/v1/messages/room/${roomId}`)
        .set(bearer(u))
        .send({ content })
        .expect(201)
    ).body;
  const serverUnread = async (u: TestUser, roomId: number) =>
    (await request(web.t.url).get('/api/v1/rooms/unread').set(bearer(u)).expect(200)).body.find(
      (i: { roomId: number }) => i.roomId === roomId,
    );
  const eventually = (check: () => Promise<boolean>, what: string) =>
    eventuallyHolds(check, what, UI_TIMEOUT_MS, 200);
  const roomLink = (page: Page, roomId: number) => page.locator(`.room-link[data-room-id="${roomId}"]`);

  it('shows bold rooms with unread and mention badges; opening one shows the divider, clears them and moves the marker', async () => {
    const [alice, bob] = [await user('alice'), await user('bob')];
    const room = await createRoom(web.t, alice, { members: [bob] });
    const first = await post(alice, room.id, 'already read before');
    const bobPage = await signIn(bob);
    // The sidebar is drawn once the room's topic is subscribed: the messages below must arrive
    // live (a CI run under load posted them before the SUBSCRIBE, after the page's summary).
    await roomLink(bobPage, room.id).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await request(web.t.url).put(`/api/v1/rooms/${room.id}/read`).set(bearer(bob)).send({}).expect(200);
    await post(alice, room.id, 'first unread');
    await post(alice, room.id, `ping @${bob.username} please`);
    const last = await post(alice, room.id, 'third unread');

    const link = roomLink(bobPage, room.id);
    await seeText(link.locator('.count'), '3');
    await seeText(link.locator('.mention-count'), '@1');
    expect(await link.evaluate((el) => el.classList.contains('unread'))).toBe(true);

    await link.click();
    const list = messages(bobPage);
    await seeText(list, 'third unread');
    const divider = list.locator('.new-divider');
    await divider.waitFor({ state: 'visible' });
    // The divider sits right before the first unread message.
    expect(await divider.evaluate((el) => el.nextElementSibling?.textContent ?? '')).toContain(
      'first unread',
    );
    await seeText(list.locator('.mention.mention-me'), `@${bob.username}`);
    await link.locator('.count').waitFor({ state: 'hidden' });
    await link.locator('.mention-count').waitFor({ state: 'hidden' });
    await eventually(
      async () => (await serverUnread(bob, room.id)).lastReadMessageId === last.id,
      'the marker',
    );
    expect(first.id).toBeLessThan(last.id);
  });

  it('counts a message posted while the page subscribes: its summary waits for the server to confirm the SUBSCRIBE', async () => {
    const [alice, bob] = [await user('alice'), await user('bob')];
    const room = await createRoom(web.t, alice, { members: [bob] });
    await request(web.t.url).put(`/api/v1/rooms/${room.id}/read`).set(bearer(bob)).send({}).expect(200);
    // The server takes its time over bob's SUBSCRIBE to the room, and alice posts meanwhile: the
    // message is neither delivered to bob's page (not yet subscribed) nor counted by a summary the
    // page loaded before the subscription was in place.
    const authorizer = web.t.app.get<StompAuthorizer>(STOMP_AUTHORIZER);
    const canSubscribe = authorizer.canSubscribe.bind(authorizer);
    let posted: Promise<unknown> | undefined;
    const spy = jest.spyOn(authorizer, 'canSubscribe').mockImplementation(async (session, destination) => {
      const allowed = await canSubscribe(session, destination);
      if (destination === `/topic/rooms/${room.id}` && !posted) {
        posted = new Promise((r) => setTimeout(r, 1_000)).then(() =>
          post(alice, room.id, 'while subscribing'),
        );
        await posted;
      }
      return allowed;
    });
    try {
      const bobPage = await signIn(bob);
      await eventually(async () => posted !== undefined && !!(await posted), 'the post during the SUBSCRIBE');
      await seeText(roomLink(bobPage, room.id).locator('.count'), '1');
    } finally {
      spy.mockRestore();
    }
  });

  it('keeps a read pushed while its summary was on the way: a stale summary does not bring back old counts', async () => {
    const [alice, bob] = [await user('alice'), await user('bob')];
    const room = await createRoom(web.t, alice, { members: [bob] });
    const other = await createRoom(web.t, alice, { members: [bob] });
    await post(alice, room.id, 'read on another device');
    // Every summary of bob's is the one computed first, answered only when the test says so: as if
    // the server computed them all before the read below, and they reached the page after its push.
    const service = web.t.app.get(ReadStateService);
    const unread = service.unread.bind(service);
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let computed: ReturnType<typeof unread> | undefined;
    const spy = jest.spyOn(service, 'unread').mockImplementation(async (caller) => {
      if (caller.id !== bob.id) return unread(caller);
      computed ??= unread(caller);
      const items = await computed;
      await released;
      return items;
    });
    try {
      const bobPage = await signIn(bob);
      let answered = 0;
      bobPage.on('requestfinished', (r) => {
        if (r.url().includes('/api/v1/rooms/unread')) answered++;
      });
      await eventually(async () => computed !== undefined, 'the first summary');
      // bob reads the room elsewhere. Messages in the other room, on the same connection, show
      // that the page is subscribed (the first) and that the read's push has arrived (the second).
      await post(alice, other.id, 'before the read');
      await seeText(roomLink(bobPage, other.id).locator('.count'), '1');
      await request(web.t.url).put(`/api/v1/rooms/${room.id}/read`).set(bearer(bob)).send({}).expect(200);
      await post(alice, other.id, 'after the read');
      await seeText(roomLink(bobPage, other.id).locator('.count'), '2');
      release();
      // The page asks twice (at start, and once its SUBSCRIBEs are confirmed).
      await eventually(async () => answered >= 2, 'the summaries to reach the page');
      for (const text of ['one', 'two', 'three']) await post(alice, room.id, text);
      await post(alice, other.id, 'after the three');
      await seeText(roomLink(bobPage, other.id).locator('.count'), '3');
      expect(await roomLink(bobPage, room.id).locator('.count').textContent()).toBe('3');
    } finally {
      release();
      spy.mockRestore();
    }
  });

  it('moves the marker while scrolling, batched (not one send per scroll event)', async () => {
    const [alice, bob] = [await user('alice'), await user('bob')];
    const room = await createRoom(web.t, alice, { members: [bob] });
    await post(alice, room.id, 'seen already');
    await request(web.t.url).put(`/api/v1/rooms/${room.id}/read`).set(bearer(bob)).send({}).expect(200);
    let newest = 0;
    for (let i = 0; i < 40; i++)
      newest = (await post(alice, room.id, `line ${i} ${'lorem ipsum '.repeat(6)}`)).id;
    const bobPage = await signIn(bob);
    // Marker moves sent, live (`/app/chat.read`) or, before the live connection is up (a busy
    // machine can take a while after the reload), over REST: the batching must hold for both.
    let readFrames = 0;
    bobPage.on('websocket', (ws) =>
      ws.on('framesent', ({ payload }) => {
        if (String(payload).includes('destination:/app/chat.read')) readFrames++;
      }),
    );
    bobPage.on('request', (req) => {
      if (req.method() === 'PUT' && req.url().endsWith(`/api/v1/rooms/${room.id}/read`)) readFrames++;
    });
    await bobPage.reload();
    await roomLink(bobPage, room.id).click();
    await messages(bobPage).locator('.new-divider').waitFor({ state: 'visible' });
    // 40 small scrolls, one per animation frame, then to the bottom (as a wheel would).
    const scrollEvents = await bobPage.locator('.scroller').evaluate(async (scroller) => {
      let events = 0;
      scroller.addEventListener('scroll', () => events++);
      const frame = () =>
        new Promise((r) =>
          (globalThis as unknown as { requestAnimationFrame(cb: () => void): void }).requestAnimationFrame(
            () => r(null),
          ),
        );
      for (let i = 0; i < 40; i++) {
        scroller.scrollTop += 60;
        await frame();
      }
      scroller.scrollTop = scroller.scrollHeight;
      await frame();
      return events;
    });
    await eventually(
      async () => (await serverUnread(bob, room.id)).lastReadMessageId === newest,
      'the marker',
    );
    expect(scrollEvents).toBeGreaterThan(10);
    expect(readFrames).toBeGreaterThanOrEqual(1);
    expect(readFrames).toBeLessThan(scrollEvents);
  });

  it('clears the badge live when another tab reads the room', async () => {
    const [alice, bob] = [await user('alice'), await user('bob')];
    const room = await createRoom(web.t, alice, { members: [bob] });
    const other = await createRoom(web.t, alice, { members: [bob] });
    const tabA = await signIn(bob, `#/room/${other.id}`);
    await seeText(tabA.locator('.room-title'), other.name);
    await post(alice, room.id, 'for bob');
    await seeText(roomLink(tabA, room.id).locator('.count'), '1');
    const tabB = await signIn(bob, `#/room/${room.id}`);
    await seeText(messages(tabB), 'for bob');
    await roomLink(tabA, room.id).locator('.count').waitFor({ state: 'hidden' });
  });

  it('offers members after @, highlights mentions (mine more strongly), and no toast for the room being read', async () => {
    const [alice, bob] = [await user('alice'), await user('bob')];
    const room = await createRoom(web.t, alice, { members: [bob] });
    const elsewhere = await createRoom(web.t, bob, { members: [alice] });
    // The invite to `elsewhere` is written after the add answered: read it once it is there.
    await eventually(
      async () =>
        (await request(web.t.url).get('/api/v1/notifications').set(bearer(alice)).expect(200)).body.some(
          (n: { type: string; roomId: number }) => n.type === 'ROOM_INVITE' && n.roomId === elsewhere.id,
        ),
      'the invite to the other room',
    );
    await request(web.t.url).put('/api/v1/notifications/read-all').set(bearer(alice)).expect(200);
    const alicePage = await signIn(alice, `#/room/${room.id}`);
    await seeText(alicePage.locator('.room-title'), room.name);
    const bobPage = await signIn(bob, `#/room/${room.id}`);
    await seeText(bobPage.locator('.room-title'), room.name);

    const box = composer(bobPage);
    await box.fill('');
    await box.pressSequentially(`hey @${alice.username.slice(0, 4)}`);
    const picker = bobPage.getByRole('listbox', { name: 'Mention someone' });
    await seeText(picker, `@${alice.username}`);
    expect(await picker.getByRole('option').allTextContents()).not.toContain(`@${bob.username}`);
    await box.press('Enter');
    await picker.waitFor({ state: 'hidden' });
    expect(await box.inputValue()).toBe(`hey @${alice.username} `);
    await box.pressSequentially('look');
    await box.press('Enter');

    const mine = messages(alicePage).locator('.mention.mention-me');
    await seeText(mine, `@${alice.username}`);
    const theirs = messages(bobPage)
      .locator('.mention')
      .filter({ hasText: `@${alice.username}` });
    await theirs.waitFor({ state: 'visible' });
    expect(await theirs.evaluate((el) => el.classList.contains('mention-me'))).toBe(false);

    // Alice reads the room as the mention arrives: no toast, no notification badge.
    await eventually(
      async () =>
        (await request(web.t.url).get('/api/v1/notifications').set(bearer(alice)).expect(200)).body.some(
          (n: { type: string; read: boolean }) => n.type === 'MENTION' && n.read,
        ),
      'the MENTION notification read',
    );
    expect(await alicePage.locator('.toasts').getByText('mentioned you').count()).toBe(0);
    expect(await alicePage.locator('#notification-badge').isVisible()).toBe(false);

    // A mention in a room Alice is not looking at does toast.
    await post(bob, elsewhere.id, `@${alice.username} over here`);
    await seeText(alicePage.locator('.toasts'), 'mentioned you');
    await seeText(roomLink(alicePage, elsewhere.id).locator('.mention-count'), '@1');
  });
});
