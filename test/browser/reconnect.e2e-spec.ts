import type { Browser } from 'playwright-core';
import request from 'supertest';
import { bearer, createUser, TestUser, uniqueName } from '../factories/users';
import { freshDatabase, TestApp } from '../helpers/test-app';
import {
  buildWebClient,
  removeWebBuild,
  startWebTestApp,
  TestDatabase,
  launchChromium,
  loginThroughUi,
  messages,
  openUserPage,
  screenshot,
  seeText,
  sendThroughUi,
  UserPage,
} from './browser-support';

jest.setTimeout(180_000);

describe('web client: reconnect after the server goes away', () => {
  let webDir: string | undefined;
  let db: TestDatabase | undefined;
  /** The running server: the first, then the one restarted at the same address. */
  let server: TestApp | undefined;
  /** The first server (its url and port stay the server's address across the restart). */
  let t: TestApp;
  let url: string;
  let browser: Browser;
  let bobPage: UserPage | undefined;

  beforeAll(async () => {
    webDir = buildWebClient();
    db = await freshDatabase();
    t = await startWebTestApp(webDir, { database: db });
    server = t;
    url = t.url;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await bobPage?.context.close();
    await browser?.close();
    await server?.close();
    await db?.drop();
    removeWebBuild(webDir);
  });

  const post = (user: TestUser, roomId: number, content: string) =>
    request(url).post(`/api/v1/messages/room/${roomId}`).set(bearer(user)).send({ content }).expect(201);

  it('shows it is offline, reconnects with backoff, and catches up on what was sent meanwhile', async () => {
    const alice = await createUser(t, { username: uniqueName('alice') });
    const bob = await createUser(t, { username: uniqueName('bob') });
    const room = await request(url)
      .post('/api/v1/rooms')
      .set(bearer(alice))
      .send({ name: uniqueName('ops'), type: 'PUBLIC' })
      .expect(201);
    const roomId: number = room.body.id;
    await request(url).post(`/api/v1/rooms/${roomId}/members/${bob.id}`).set(bearer(bob)).expect(200);

    bobPage = await openUserPage(browser);
    const page = bobPage.page;
    await loginThroughUi(page, `${url}/#/room/${roomId}`, bob.username, bob.password);
    await seeText(page.locator('.room-title'), room.body.name);
    await seeText(page.locator('#connection-status'), 'Connected via websocket');
    await post(alice, roomId, 'before the restart');
    await seeText(messages(page), 'before the restart');

    // While the server is away the page may not reconnect: every SockJS attempt starts with a
    // request under /ws/chat, and those fail until unblocked. So the messages below can only
    // reach the page through its catch-up, not through a live subscription.
    await page.route('**/ws/chat/**', (route) => route.abort());
    await server!.close();
    server = undefined;
    await seeText(page.locator('.banner'), /Reconnecting in \d+ s/);
    await screenshot(page, 'reconnecting');
    // With no server at all the send fails; it goes out again by itself once reconnected.
    await sendThroughUi(page, 'failed while the server was away');
    await seeText(
      page.locator('.msg.mine').filter({ hasText: 'failed while the server was away' }),
      'Not delivered',
    );

    // The same server again: same port, same database (the page's token stays valid).
    server = await startWebTestApp(webDir!, { database: db, port: t.port });
    await post(alice, roomId, 'sent while you were away (1)');
    await post(alice, roomId, 'sent while you were away (2)');
    // What Bob writes while his live connection is down goes over REST instead, and is not lost.
    await sendThroughUi(page, 'written while offline');
    await seeText(page.locator('.msg.mine').filter({ hasText: 'written while offline' }), '✓ Delivered');
    await page.unroute('**/ws/chat/**');

    await seeText(page.locator('#connection-status'), 'Connected via websocket', 60_000);
    await seeText(messages(page), 'sent while you were away (1)');
    await seeText(messages(page), 'sent while you were away (2)');
    await page.locator('.banner').waitFor({ state: 'hidden' });
    await seeText(
      page.locator('.msg.mine').filter({ hasText: 'failed while the server was away' }),
      '✓ Delivered',
    );
    const shown = await messages(page).locator('.msg-text').allTextContents();
    expect(shown).toEqual([
      'before the restart',
      'sent while you were away (1)',
      'sent while you were away (2)',
      'written while offline',
      'failed while the server was away',
    ]);

    // Live again in both directions: a new message arrives once, and Bob's own is stored.
    await post(alice, roomId, 'and live again');
    await seeText(messages(page), 'and live again');
    await sendThroughUi(page, 'glad to be back');
    await seeText(page.locator('.msg.mine').filter({ hasText: 'glad to be back' }), '✓ Delivered');
    const history = await request(url)
      .get(`/api/v1/messages/room/${roomId}?size=10`)
      .set(bearer(alice))
      .expect(200);
    expect(history.body.map((m: { content: string }) => m.content)).toEqual([
      'before the restart',
      'sent while you were away (1)',
      'sent while you were away (2)',
      'written while offline',
      'failed while the server was away',
      'and live again',
      'glad to be back',
    ]);
    expect(await messages(page).locator('.msg-text').allTextContents()).toEqual(
      history.body.map((m: { content: string }) => m.content),
    );
    expect(bobPage.errors).toEqual([]);
  });
});
