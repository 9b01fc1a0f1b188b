import request from 'supertest';
import { bearer, createUser, login, uniqueName } from '../factories/users';
import {
  composer,
  createChannelThroughUi,
  loginThroughUi,
  messages,
  registerThroughUi,
  screenshot,
  seeNoText,
  seeText,
  sendThroughUi,
  UI_TIMEOUT_MS,
  useWebTestApp,
} from './browser-support';

jest.setTimeout(180_000);

describe('web client in Chromium', () => {
  const web = useWebTestApp();

  const open = (viewport?: { width: number; height: number }) => web.open(viewport);

  it('two people chat live: join, typing, messages both ways, delivery, presence, history after a reload', async () => {
    const alice = await open();
    // Plain names (the database is this file's own): this view is the one the docs show.
    const aliceName = 'alice';
    await registerThroughUi(alice.page, web.t.url, aliceName, 'password-123');
    await screenshot(alice.page, 'welcome');
    const channel = 'general';
    await createChannelThroughUi(alice.page, channel, 'Public');
    await seeText(alice.page, `This is the very beginning of #${channel}.`);

    const bobUser = await createUser(web.t, { username: 'bob' });
    const bob = await open();
    await loginThroughUi(bob.page, `${web.t.url}/`, bobUser.username, bobUser.password);
    // Bob finds the public channel among the ones he is not in, and joins it.
    const more = bob.page.getByRole('list', { name: 'Other public channels' });
    await more
      .getByRole('listitem')
      .filter({ hasText: channel })
      .getByRole('button', { name: 'Join' })
      .click();
    await seeText(bob.page.locator('.room-title'), channel);
    await seeText(bob.page.locator('#connection-status'), 'Connected via websocket');
    await seeText(alice.page.locator('#connection-status'), 'Connected via websocket');

    // Alice types: Bob sees it.
    const hello = 'Morning Bob! Is the release still on track for today?';
    await composer(alice.page).fill(hello);
    await seeText(bob.page.locator('#typing-indicator'), `${aliceName} is typing…`);

    // Alice sends: Bob sees the message, Alice sees it confirmed by the server.
    await composer(alice.page).press('Enter');
    await seeText(messages(bob.page), hello);
    await seeText(messages(alice.page), hello);
    await seeText(alice.page.locator('.msg.mine').filter({ hasText: hello }), '✓ Delivered');

    // Bob answers with markup, which shows as text and never as markup.
    const markup = 'Yes, the build is green. And <b>this</b> stays text: <img src=x onerror=alert(1)>';
    await sendThroughUi(bob.page, markup);
    await seeText(messages(alice.page), markup);
    expect(await messages(alice.page).locator('b, img').count()).toBe(0);

    // Presence: Bob sees Alice online in the member list.
    await bob.page.getByRole('button', { name: /^Members/ }).click();
    const aliceRow = bob.page
      .getByRole('complementary', { name: 'Members' })
      .getByRole('listitem')
      .filter({ hasText: aliceName });
    await seeText(aliceRow, 'Online');

    // The main view as the docs show it: messages, presence, and Bob typing.
    await sendThroughUi(alice.page, 'Release notes are ready: https://example.com/notes');
    await seeText(messages(bob.page), 'Release notes are ready');
    await alice.page.getByRole('button', { name: /^Members/ }).click();
    await seeText(
      alice.page
        .getByRole('complementary', { name: 'Members' })
        .getByRole('listitem')
        .filter({ hasText: bobUser.username }),
      'Online',
    );
    // A notification from Bob reaches Alice live: a toast and the badge on the bell.
    const aliceLogin = await login(web.t, aliceName, 'password-123');
    await request(web.t.url)
      .post('/api/v1/notifications')
      .set(bearer(bobUser))
      .send({ userId: aliceLogin.id, message: 'Standup moved to 10:30' })
      .expect(201);
    const toast = alice.page
      .locator('.toasts')
      .getByRole('status')
      .filter({ hasText: 'Standup moved to 10:30' });
    await toast.waitFor({ state: 'visible' });
    await seeText(alice.page.locator('#notification-badge'), '1');
    await toast.getByRole('button', { name: 'Dismiss' }).click();

    await composer(bob.page).fill('Looks good');
    await seeText(alice.page.locator('#typing-indicator'), `${bobUser.username} is typing…`);
    await screenshot(alice.page, 'chat-main');

    // The notification list; opening one marks it read and the badge goes away.
    await alice.page.getByRole('button', { name: /^Notifications/ }).click();
    const list = alice.page.getByRole('dialog', { name: 'Notifications' });
    await seeText(list, 'Standup moved to 10:30');
    await screenshot(alice.page, 'notifications');
    await list.getByRole('button', { name: /Standup moved to 10:30/ }).click();
    await alice.page.locator('#notification-badge').waitFor({ state: 'hidden' });

    // History survives a reload: the page comes back to the same room with both messages.
    await bob.page.reload();
    await seeText(bob.page.locator('.room-title'), channel);
    await seeText(messages(bob.page), hello);
    await seeText(messages(bob.page), markup);
  });

  it('keeps a private room from a non-member: not listed, and opening it says why in words', async () => {
    const owner = await createUser(web.t, { username: uniqueName('owner') });
    const alice = await open();
    await loginThroughUi(alice.page, `${web.t.url}/`, owner.username, owner.password);
    const secret = uniqueName('secret');
    const roomId = await createChannelThroughUi(alice.page, secret, 'Private');
    await sendThroughUi(alice.page, 'for members only');
    await seeText(messages(alice.page), 'for members only');

    const carolUser = await createUser(web.t, { username: uniqueName('carol') });
    const carol = await open();
    await loginThroughUi(carol.page, `${web.t.url}/`, carolUser.username, carolUser.password);
    await seeText(carol.page.getByRole('navigation', { name: 'Rooms' }), 'No channels yet');
    expect(await carol.page.getByRole('navigation', { name: 'Rooms' }).getByText(secret).count()).toBe(0);

    await carol.page.goto(`${web.t.url}/#/room/${roomId}`);
    const alert = carol.page.getByRole('alert');
    await seeText(alert, "You don't have access to this room");
    // In words: no status code anywhere on the page.
    expect(await alert.getByText(/\b403\b/).count()).toBe(0);
    expect(await carol.page.getByText('for members only').count()).toBe(0);
    await screenshot(carol.page, 'private-room-403');
  });

  it('starts a direct message from the member list; the other person gets it live', async () => {
    const [dana, erin] = await Promise.all([
      createUser(web.t, { username: uniqueName('dana') }),
      createUser(web.t, { username: uniqueName('erin') }),
    ]);
    const room = await request(web.t.url)
      .post('/api/v1/rooms')
      .set(bearer(dana))
      .send({ name: uniqueName('team'), type: 'PUBLIC' })
      .expect(201);
    await request(web.t.url)
      .post(`/api/v1/rooms/${room.body.id}/members/${erin.id}`)
      .set(bearer(erin))
      .expect(200);

    const erinPage = await open();
    await loginThroughUi(erinPage.page, `${web.t.url}/`, erin.username, erin.password);
    const danaPage = await open();
    await loginThroughUi(danaPage.page, `${web.t.url}/#/room/${room.body.id}`, dana.username, dana.password);
    await seeText(danaPage.page.locator('.room-title'), room.body.name);
    await danaPage.page.getByRole('button', { name: /^Members/ }).click();
    // The DM is named after its peer, known from its member list. Hold that list back until the
    // history has been answered, the order that once left the intro under the room's raw name.
    let historyAnswered!: () => void;
    const history = new Promise<void>((resolve) => (historyAnswered = resolve));
    await danaPage.page.route(/\/api\/v1\/messages\/room\/\d+\?/, async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response });
      historyAnswered();
    });
    await danaPage.page.route(/\/api\/v1\/rooms\/\d+\/members$/, async (route) => {
      if (route.request().method() === 'GET') await history;
      await route.continue();
    });
    await danaPage.page.getByRole('button', { name: `Message ${erin.username}` }).click();
    await seeText(danaPage.page.locator('.room-title'), erin.username);
    await seeText(
      danaPage.page,
      `This is the very beginning of your direct message history with ${erin.username}.`,
    );
    await sendThroughUi(danaPage.page, 'a word in private');

    // Erin's sidebar gains the conversation (the server notifies her), with an unread count.
    const dms = erinPage.page.getByRole('list', { name: 'Direct messages' });
    await seeText(dms, dana.username);
    await dms.getByRole('link', { name: new RegExp(dana.username) }).click();
    await seeText(messages(erinPage.page), 'a word in private');

    // Dana takes it back: it disappears for Erin too (MESSAGE_DELETED on the room's events).
    danaPage.page.on('dialog', (dialog) => void dialog.accept());
    const mine = messages(danaPage.page).locator('.msg').filter({ hasText: 'a word in private' });
    await mine.hover();
    await mine.getByRole('button', { name: 'Delete message' }).click();
    await seeNoText(messages(erinPage.page), 'a word in private');
    await seeNoText(messages(danaPage.page), 'a word in private');
  });

  it('loads older history while scrolling up, back to the first message', async () => {
    const user = await createUser(web.t, { username: uniqueName('reader') });
    const room = await request(web.t.url)
      .post('/api/v1/rooms')
      .set(bearer(user))
      .send({ name: uniqueName('archive'), type: 'PUBLIC' })
      .expect(201);
    for (let i = 1; i <= 120; i++) {
      await request(web.t.url)
        .post(`/api/v1/messages/room/${room.body.id}`)
        .set(bearer(user))
        .send({ content: `archived message ${i}` })
        .expect(201);
    }
    const reader = await open();
    await loginThroughUi(reader.page, `${web.t.url}/#/room/${room.body.id}`, user.username, user.password);
    const log = messages(reader.page);
    await seeText(log, 'archived message 120');
    // The newest page only: 50 messages, the oldest not yet loaded.
    expect(await log.getByText('archived message 1', { exact: true }).count()).toBe(0);
    expect(await log.locator('.msg-text').count()).toBe(50);
    // Scrolling to the top asks for the page before the oldest shown, until the beginning.
    const intro = reader.page.getByText(`This is the very beginning of #${room.body.name}.`);
    for (let round = 0; round < 10 && !(await intro.isVisible()); round++) {
      const shown = await log.locator('.msg-text').count();
      await reader.page.locator('.scroller').evaluate((el) => el.scrollTo({ top: 0 }));
      // More messages than before, or the start of the room: whichever the page shows first.
      await log.locator('.msg-text').nth(shown).or(intro).first().waitFor({ timeout: UI_TIMEOUT_MS });
    }
    await intro.waitFor();
    await seeText(log, 'archived message 1');
    const texts = await log.locator('.msg-text').allTextContents();
    expect(texts).toEqual(Array.from({ length: 120 }, (_, i) => `archived message ${i + 1}`));
  });

  it('works over SockJS xhr-streaming when the page asks for it', async () => {
    const [u1, u2] = await Promise.all([
      createUser(web.t, { username: uniqueName('xs1') }),
      createUser(web.t, { username: uniqueName('xs2') }),
    ]);
    const one = await open();
    const streamed: string[] = [];
    one.page.on('request', (r) => {
      if (r.url().includes('/xhr_streaming')) streamed.push(r.url());
    });
    await loginThroughUi(one.page, `${web.t.url}/?transport=xhr-streaming`, u1.username, u1.password);
    const channel = uniqueName('stream');
    await createChannelThroughUi(one.page, channel, 'Public');
    await seeText(one.page.locator('#connection-status'), 'Connected via xhr-streaming');

    const two = await open();
    await loginThroughUi(two.page, `${web.t.url}/?transport=xhr-streaming`, u2.username, u2.password);
    await two.page
      .getByRole('list', { name: 'Other public channels' })
      .getByRole('listitem')
      .filter({ hasText: channel })
      .getByRole('button', { name: 'Join' })
      .click();
    await seeText(two.page.locator('#connection-status'), 'Connected via xhr-streaming');
    await seeText(two.page.locator('.room-title'), channel);

    await sendThroughUi(one.page, 'over xhr-streaming');
    await seeText(messages(two.page), 'over xhr-streaming');
    await composer(two.page).fill('typing back');
    await seeText(one.page.locator('#typing-indicator'), `${u2.username} is typing…`);
    await composer(two.page).press('Enter');
    await seeText(messages(one.page), 'typing back');
    expect(streamed.length).toBeGreaterThan(0);
  });

  it('is usable on a phone-sized screen', async () => {
    const user = await createUser(web.t, { username: uniqueName('mobile') });
    const phone = await open({ width: 390, height: 780 });
    await loginThroughUi(phone.page, `${web.t.url}/`, user.username, user.password);
    await phone.page.getByRole('button', { name: 'Show rooms' }).click();
    await seeText(phone.page.getByRole('navigation', { name: 'Rooms' }), 'Channels');
    await screenshot(phone.page, 'mobile-sidebar');
  });
});
