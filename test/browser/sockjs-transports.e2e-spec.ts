import type { Browser } from 'playwright-core';
import request from 'supertest';
import { bearer, createUser, uniqueName } from '../factories/users';
import { TestApp } from '../helpers/test-app';
import {
  buildWebClient,
  createChannelThroughUi,
  launchChromium,
  loginThroughUi,
  messages,
  openUserPage,
  removeWebBuild,
  seeText,
  startWebTestApp,
  UserPage,
} from './browser-support';

jest.setTimeout(240_000);

/** The legacy SockJS transports, which run pages of the SockJS endpoint inside the chat page. */
const LEGACY = [
  'eventsource',
  'htmlfile',
  'iframe-eventsource',
  'iframe-htmlfile',
  'iframe-xhr-polling',
  'jsonp-polling',
];

/**
 * The legacy SockJS transports still work in a real browser under the SockJS endpoint's strict
 * headers (CSP with hashes and nonces, the self-served SockJS client for the iframe page), and a
 * message written to break out of the htmlfile page's scripts stays text.
 */
describe('SockJS legacy transports in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let webDir: string | undefined;
  const pages: UserPage[] = [];

  beforeAll(async () => {
    webDir = buildWebClient();
    [t, browser] = await Promise.all([startWebTestApp(webDir), launchChromium()]);
  });

  afterAll(async () => {
    await Promise.all(pages.map((p) => p.context.close()));
    await browser?.close();
    await t?.close();
    removeWebBuild(webDir);
  });

  it.each(LEGACY)('%s: connects, receives messages, and no policy blocks it', async (transport) => {
    const [reader, writer] = [
      await createUser(t, { username: uniqueName('rd') }),
      await createUser(t, { username: uniqueName('wr') }),
    ];
    const user = await openUserPage(browser);
    pages.push(user);
    const blocked: string[] = [];
    user.page.on('console', (m) => {
      if (/Content.Security.Policy|Refused to|Cross-Origin|blocked/i.test(m.text())) blocked.push(m.text());
    });
    await loginThroughUi(user.page, `${t.url}/?transport=${transport}`, reader.username, reader.password);
    const roomId = await createChannelThroughUi(user.page, uniqueName('legacy'), 'Public');
    await seeText(user.page.locator('#connection-status'), `Connected via ${transport}`);
    await request(t.url).post(`/api/v1/rooms/${roomId}/members/${writer.id}`).set(bearer(writer)).expect(200);

    const breakout = '</script><script>parent.pwned=1</script><img src=x onerror="parent.pwned=2">';
    for (const content of [`hello over ${transport}`, breakout]) {
      await request(t.url)
        .post(`/api/v1/messages/room/${roomId}`)
        .set(bearer(writer))
        .send({ content })
        .expect(201);
    }
    await seeText(messages(user.page), `hello over ${transport}`);
    await seeText(messages(user.page), '</script><script>parent.pwned=1</script>');
    expect(await user.page.evaluate('window.pwned')).toBeUndefined();
    expect(blocked).toEqual([]);
    expect(user.errors).toEqual([]);
  });
});
