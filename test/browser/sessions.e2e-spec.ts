import type { Page } from 'playwright-core';
import request from 'supertest';
import { bearer, createUser, login, TestUser, uniqueName } from '../factories/users';
import {
  createChannelThroughUi,
  loginThroughUi,
  messages,
  seeText,
  sendThroughUi,
  useWebTestApp,
} from './browser-support';

jest.setTimeout(240_000);

/** The token the page keeps in localStorage. */
const tokenOf = async (page: Page): Promise<string> =>
  ((await page.evaluate("JSON.parse(localStorage.getItem('chat.session') ?? '{}')")) as { token: string })
    .token;

const connected = (page: Page) => seeText(page.locator('#connection-status'), /^Connected via/);

/**
 * "Log out" and "Log out everywhere" end sessions on the server, not only in the page: another
 * browser with an older token is disconnected and sent to the login screen, and the revoked token
 * stops working for REST.
 */
describe('web client: log out, here or everywhere', () => {
  const web = useWebTestApp();

  const open = () => web.open();
  /** The user logged in through a page of a browser context of its own (another device). */
  const device = async (user: TestUser) => {
    const p = await open();
    await loginThroughUi(p.page, `${web.t.url}/`, user.username, user.password);
    await connected(p.page);
    return p;
  };

  it('"Log out everywhere" disconnects another browser with its older token and sends it to the login screen', async () => {
    const user = await createUser(web.t, { username: uniqueName('every') });
    const laptop = await device(user);
    const phone = await device(user);
    const phoneToken = await tokenOf(phone.page);

    await laptop.page.getByRole('button', { name: 'Account' }).click();
    await laptop.page.locator('dialog').getByRole('button', { name: 'Log out everywhere' }).click();
    await laptop.page.getByRole('button', { name: 'Log in' }).waitFor();

    // The other browser did nothing: the server closed its live connection, and it shows why.
    await phone.page.getByRole('button', { name: 'Log in' }).waitFor();
    await seeText(phone.page.locator('.form-error'), 'Your session has ended (Token revoked)');
    await request(web.t.url)
      .get(`/api/v1/users/${user.id}`)
      .set(bearer({ token: phoneToken }))
      .expect(401);
    // Logging in again works.
    await loginThroughUi(phone.page, `${web.t.url}/`, user.username, user.password);
    await connected(phone.page);
  });

  it('"Log out" revokes this browser\'s token on the server and leaves the other devices logged in', async () => {
    const user = await createUser(web.t, { username: uniqueName('here') });
    const laptop = await device(user);
    const phone = await device(user);
    const laptopToken = await tokenOf(laptop.page);

    await laptop.page.getByRole('button', { name: 'Log out' }).click();
    await laptop.page.getByRole('button', { name: 'Log in' }).waitFor();
    await request(web.t.url)
      .get(`/api/v1/users/${user.id}`)
      .set(bearer({ token: laptopToken }))
      .expect(401);

    // The phone keeps its session: it still sends and receives.
    const roomId = await createChannelThroughUi(phone.page, uniqueName('still'), 'Public');
    await sendThroughUi(phone.page, 'still here');
    await seeText(messages(phone.page), 'still here');
    const other = await login(web.t, user.username, user.password);
    await request(web.t.url)
      .post(`/api/v1/messages/room/${roomId}`)
      .set(bearer(other))
      .send({ content: 'pushed live' })
      .expect(201);
    await seeText(messages(phone.page), 'pushed live');
    await connected(phone.page);
  });

  it("a password change keeps this browser's tabs in (with the new token, live again) and logs other browsers out", async () => {
    const user = await createUser(web.t, { username: uniqueName('pw') });
    const laptop = await device(user);
    const secondTab = await laptop.context.newPage();
    await secondTab.goto(`${web.t.url}/`);
    await connected(secondTab);
    const phone = await device(user);

    await laptop.page.getByRole('button', { name: 'Account' }).click();
    const dialog = laptop.page.locator('dialog');
    await dialog.getByLabel('Current password').fill(user.password);
    await dialog.getByLabel('New password').fill('a-new-password-1');
    await dialog.getByRole('button', { name: 'Change password' }).click();
    await seeText(laptop.page.locator('.toast'), 'Every other session was logged out');

    await phone.page.getByRole('button', { name: 'Log in' }).waitFor();
    // Both tabs of this browser stay in, with the new token, and are live.
    const newToken = await tokenOf(laptop.page);
    expect(newToken).not.toBe(user.token);
    await seeText(secondTab.locator('#me-name'), user.username);
    expect(await tokenOf(secondTab)).toBe(newToken);
    await connected(secondTab);
    await connected(laptop.page);
    await laptop.page.keyboard.press('Escape');
    await createChannelThroughUi(laptop.page, uniqueName('after'), 'Public');
    await connected(laptop.page);
    await sendThroughUi(laptop.page, 'sent live after the change');
    await seeText(messages(laptop.page), 'sent live after the change');
  });
});
