import type { Page } from 'playwright-core';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { bearer, createUser, TestUser, uniqueName } from '../factories/users';
import { eventuallyPasses } from '../helpers/eventually';
import {
  composer,
  createChannelThroughUi,
  loginThroughUi,
  messages,
  REPO_ROOT,
  screenshot,
  seeNoText,
  seeText,
  sendThroughUi,
  useWebTestApp,
} from './browser-support';

jest.setTimeout(240_000);

/** `UPDATE_DOCS_SCREENSHOT=1 npx jest test/browser/product` refreshes docs/screenshot-{light,dark}.png. */
const UPDATE_DOCS_SCREENSHOT = process.env.UPDATE_DOCS_SCREENSHOT === '1';
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core's serious and critical violations on the page as it is now. */
async function seriousViolations(page: Page): Promise<string[]> {
  // Evaluated, not a <script>: the page's CSP allows no inline script, rightly.
  await page.evaluate(AXE_SOURCE);
  const violations = (await page.evaluate('axe.run().then((r) => r.violations)')) as AxeViolation[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Polls `read` until it gives `expected` (bounded); the last value is what the assertion sees. */
async function until<T>(read: () => Promise<T>, expected: T, timeoutMs = 20_000): Promise<void> {
  await eventuallyPasses(async () => expect(await read()).toBe(expected), timeoutMs, 200);
}

/** A granted Notification API that records what it shows, and a hidden tab. */
const FAKE_NOTIFICATIONS = `(() => {
  const shown = [];
  class FakeNotification {
    static permission = 'granted';
    constructor(title, options) { shown.push(options.body); this.onclick = null; }
    close() {}
  }
  window.Notification = FakeNotification;
  window.shownNotifications = shown;
  Object.defineProperty(document, 'visibilityState', { get: () => 'hidden', configurable: true });
  Object.defineProperty(document, 'hidden', { get: () => true, configurable: true });
})()`;

describe('web client as a product', () => {
  const web = useWebTestApp();

  const open = async (colorScheme: 'light' | 'dark' = 'light') => {
    const p = await web.open();
    await p.page.emulateMedia({ colorScheme });
    return p;
  };
  /** A user made over the API, logged in through the page. */
  const signedIn = async (prefix: string, hash = '') => {
    const user = await createUser(web.t, { username: uniqueName(prefix) });
    const p = await open();
    await loginThroughUi(p.page, `${web.t.url}/${hash}`, user.username, user.password);
    return { user, ...p };
  };
  const dm = (from: TestUser, to: TestUser) =>
    request(web.t.url)
      .post(`/api/v1/rooms/direct/${to.id}`)
      .set(bearer(from))
      .expect((r) => expect(r.status).toBeLessThan(300));
  const post = (from: TestUser, roomId: number, content: string) =>
    request(web.t.url)
      .post(`/api/v1/messages/room/${roomId}`)
      .set(bearer(from))
      .send({ content })
      .expect(201);

  it('finds people by name: starts a direct message and adds and removes a member', async () => {
    const alice = await signedIn('alice');
    const bob = await createUser(web.t, { username: uniqueName('bobby') });
    const carol = await createUser(web.t, { username: uniqueName('carol') });
    const { page } = alice;

    await page.getByRole('button', { name: 'New direct message' }).first().click();
    await page.getByRole('combobox', { name: 'Name' }).fill(bob.username.slice(0, 12).toUpperCase());
    await page.getByRole('option', { name: bob.username }).click();
    await seeText(page.locator('.room-title'), bob.username);

    await createChannelThroughUi(page, uniqueName('team'), 'Public');
    await page.getByRole('button', { name: /^Members/ }).click();
    const panel = page.getByRole('complementary', { name: 'Members' });
    const picker = panel.getByRole('combobox', { name: 'Add people by name' });
    await picker.fill(carol.username);
    await panel.getByRole('option', { name: carol.username }).waitFor();
    await picker.press('Enter');
    await seeText(page.locator('.toast'), 'Member added');
    await seeText(panel, carol.username);
    await panel.getByRole('button', { name: `Remove ${carol.username}` }).click();
    await seeText(page.locator('.toast'), `${carol.username} was removed`);
    await seeNoText(panel.locator('.member-list'), carol.username);
  });

  it('channel settings: field errors, rename, make private, delete after a confirmation; leave', async () => {
    const { page, user } = await signedIn('owner');
    const name = uniqueName('settings');
    const roomId = await createChannelThroughUi(page, name, 'Public');
    await page.getByRole('button', { name: /^Members/ }).click();
    await page.getByRole('button', { name: 'Channel settings' }).click();
    const dialog = page.locator('dialog');
    await dialog.getByLabel('Name').fill('   ');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await seeText(dialog.locator('.field-error'), 'Give the channel a name');

    const renamed = `${name}-new`;
    await dialog.getByLabel('Name').fill(renamed);
    await dialog.getByText('Private', { exact: true }).click();
    await dialog.getByRole('button', { name: 'Save' }).click();
    await seeText(page.locator('.room-title'), renamed);
    await seeText(page.locator('.room-subtitle'), 'Private channel');
    const stored = await request(web.t.url).get(`/api/v1/rooms/${roomId}`).set(bearer(user)).expect(200);
    expect(stored.body).toMatchObject({ name: renamed, type: 'PRIVATE' });

    await page.getByRole('button', { name: 'Channel settings' }).click();
    await dialog.getByRole('button', { name: 'Delete channel' }).click();
    await seeText(dialog, 'This cannot be undone');
    await dialog.getByRole('button', { name: 'Delete for everyone' }).click();
    await seeText(page.locator('.toast'), `${renamed} was deleted`);
    await request(web.t.url).get(`/api/v1/rooms/${roomId}`).set(bearer(user)).expect(404);

    // Leaving a channel someone else made.
    const other = await createUser(web.t);
    const room = await request(web.t.url)
      .post('/api/v1/rooms')
      .set(bearer(other))
      .send({ name: uniqueName('lv'), type: 'PUBLIC' })
      .expect(201);
    await request(web.t.url)
      .post(`/api/v1/rooms/${room.body.id}/members/${user.id}`)
      .set(bearer(other))
      .expect(200);
    await page.goto(`${web.t.url}/#/room/${room.body.id}`);
    await seeText(page.locator('.room-title'), room.body.name);
    await page.getByRole('button', { name: /^Members/ }).click();
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Leave channel' }).click();
    await seeText(page.locator('.toast'), `You left ${room.body.name}`);
    await seeNoText(page.getByRole('list', { name: 'Channels', exact: true }), room.body.name);
  });

  it('account: status, profile with field errors, a password change that keeps this tab in', async () => {
    const { page, user } = await signedIn('acct');
    await page.getByRole('button', { name: 'Account' }).click();
    const dialog = page.locator('dialog');
    await dialog.getByText('Playing', { exact: true }).click();
    await until(
      async () => (await request(web.t.url).get(`/api/v1/status/${user.id}`).set(bearer(user))).body.status,
      'playing',
    );
    await dialog.getByText('Appear offline', { exact: true }).click();
    await until(
      async () => (await request(web.t.url).get(`/api/v1/status/${user.id}`).set(bearer(user))).body.status,
      'offline',
    );

    await dialog.getByLabel('E-mail').fill('not-an-address');
    await dialog.getByRole('button', { name: 'Save profile' }).click();
    await seeText(dialog.locator('.field-error'), 'Enter a valid e-mail address');
    const newName = uniqueName('renamed');
    await dialog.getByLabel('Username').fill(newName);
    await dialog.getByLabel('E-mail').fill(`${newName}@example.com`);
    await dialog.getByRole('button', { name: 'Save profile' }).click();
    await seeText(page.locator('#me-name'), newName);

    await dialog.getByLabel('New password').fill('short');
    await dialog.getByLabel('Current password').fill(user.password);
    await dialog.getByRole('button', { name: 'Change password' }).click();
    await seeText(dialog.locator('.field-error'), '8–128 characters');
    await dialog.getByLabel('Current password').fill('wrong-password');
    await dialog.getByLabel('New password').fill('another-password-1');
    await dialog.getByRole('button', { name: 'Change password' }).click();
    const error = dialog.locator('.form-error:not([hidden])');
    await error.waitFor({ state: 'visible' });
    expect(await error.textContent()).not.toMatch(/\b\d{3}\b/);
    await dialog.getByLabel('Current password').fill(user.password);
    await dialog.getByRole('button', { name: 'Change password' }).click();
    await seeText(page.locator('.toast'), 'Every other session was logged out');
    // The old token is dead; this tab carries on with the new one, after a reload too.
    await request(web.t.url).get(`/api/v1/users/${user.id}`).set(bearer(user)).expect(401);
    await page.reload();
    await seeText(page.locator('#me-name'), newName);
  });

  it("the register form checks the server's rules first, each error under its field", async () => {
    const { page } = await open();
    await page.goto(`${web.t.url}/`);
    await page.getByRole('tab', { name: 'Register' }).click();
    await page.getByLabel('Username').fill('ab');
    await page.getByLabel('Email').fill('not-an-address');
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    expect(await page.locator('.field-error').allTextContents()).toEqual([
      "3–32 characters: letters, digits, '_', '.' or '-'",
      'Enter a valid e-mail address, like name@example.com',
      '8–128 characters',
    ]);
    expect(await page.getByLabel('Username').getAttribute('aria-invalid')).toBe('true');
  });

  it('a second tab is logged in; logging out in one logs out both', async () => {
    const first = await signedIn('tabs');
    const second = await first.context.newPage();
    await second.goto(`${web.t.url}/`);
    await seeText(second.locator('#me-name'), first.user.username);
    await first.page.getByRole('button', { name: 'Log out' }).click();
    await second.getByRole('button', { name: 'Log in' }).waitFor();
  });

  it('renders the Markdown subset, keeps XSS payloads as text, and turns shortcodes into emoji', async () => {
    const { page } = await signedIn('md');
    await createChannelThroughUi(page, uniqueName('md'), 'Public');
    await page.evaluate('window.pwned = false');
    await sendThroughUi(page, '**bold** _it_ ~~gone~~ `code` [site](https://example.com)');
    await seeText(messages(page).locator('strong'), 'bold');
    await sendThroughUi(page, '<img src=x onerror="window.pwned=true"> [x](javascript:window.pwned=true)');
    await seeText(messages(page), '<img src=x onerror="window.pwned=true">');
    await sendThroughUi(page, '> quoted\n\n- one\n- two');
    await seeText(messages(page).locator('blockquote'), 'quoted');
    const list = messages(page);
    expect(await list.locator('em').first().textContent()).toBe('it');
    expect(await list.locator('s').first().textContent()).toBe('gone');
    expect(await list.locator('code').first().textContent()).toBe('code');
    expect(await list.locator('a[href="https://example.com"]').getAttribute('rel')).toContain('noopener');
    expect(await list.locator('li').allTextContents()).toEqual(['one', 'two']);
    expect(await list.locator('img, script, iframe, [onerror]').count()).toBe(0);
    expect(await list.locator('a[href^="javascript"]').count()).toBe(0);
    expect(await page.evaluate('window.pwned')).toBe(false);

    await composer(page).pressSequentially('ship it :rocket:');
    expect(await composer(page).inputValue()).toBe('ship it 🚀');
  });

  it('no toast for the conversation being read; a desktop notification when the tab is hidden', async () => {
    const alice = await signedIn('quiet');
    const bob = await createUser(web.t, { username: uniqueName('talker') });
    const room = await dm(bob, alice.user);
    const { page } = alice;
    await page.goto(`${web.t.url}/#/room/${room.body.id}`);
    await page.reload();
    await seeText(page.locator('.room-title'), bob.username);
    await post(bob, room.body.id, 'you are reading this');
    await seeText(messages(page), 'you are reading this');
    await post(bob, room.body.id, 'and this');
    await seeText(messages(page), 'and this');
    expect(await page.locator('.toast').filter({ hasText: 'direct message' }).count()).toBe(0);
    await until(() => page.locator('#notification-badge').isHidden(), true);

    // Hidden tab: a desktop notification instead (permission granted, the API recorded).
    await page.evaluate(FAKE_NOTIFICATIONS);
    await post(bob, room.body.id, 'while you are away');
    await until(() => page.evaluate('window.shownNotifications.length'), 1);
    expect(await page.locator('.toast').filter({ hasText: 'direct message' }).count()).toBe(0);
  });

  it('keyboard: Ctrl-K switches rooms, Esc closes the members panel; browse channels with a filter', async () => {
    const { page, user } = await signedIn('keys');
    const first = uniqueName('alpha');
    await createChannelThroughUi(page, first, 'Public');
    const second = uniqueName('beta');
    await createChannelThroughUi(page, second, 'Public');
    await page.keyboard.press('Control+k');
    const dialog = page.locator('dialog');
    await dialog.getByRole('searchbox', { name: 'Room or person' }).fill(first.slice(0, 8));
    await page.keyboard.press('Enter');
    await seeText(page.locator('.room-title'), first);

    await page.getByRole('button', { name: /^Members/ }).click();
    const panel = page.getByRole('complementary', { name: 'Members' });
    await panel.waitFor();
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'hidden' });

    const other = await createUser(web.t);
    const elsewhere = uniqueName('gamma');
    await request(web.t.url)
      .post('/api/v1/rooms')
      .set(bearer(other))
      .send({ name: elsewhere, type: 'PUBLIC' })
      .expect(201);
    await request(web.t.url)
      .post('/api/v1/rooms')
      .set(bearer(other))
      .send({ name: uniqueName('delta'), type: 'PUBLIC' })
      .expect(201);
    await page.reload();
    await seeText(page.locator('#me-name'), user.username);
    await page.getByRole('button', { name: 'Browse channels' }).click();
    await dialog.getByRole('searchbox', { name: 'Filter channels' }).fill(elsewhere);
    expect(await dialog.locator('.finder-item').count()).toBe(1);
    await dialog.locator('.finder-item').click();
    await seeText(page.locator('.room-title'), elsewhere);
    await seeText(page.getByRole('list', { name: 'Channels', exact: true }), elsewhere);
  });

  it('has no serious or critical axe violations on the main screens, light and dark; screenshots', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const p = await open(scheme);
      await p.page.goto(`${web.t.url}/`);
      await p.page.getByRole('button', { name: 'Log in' }).waitFor();
      expect(await seriousViolations(p.page)).toEqual([]);

      const me = await createUser(web.t, { username: uniqueName(scheme === 'light' ? 'ada' : 'grace') });
      const friend = await createUser(web.t, { username: uniqueName('linus') });
      const room = await request(web.t.url)
        .post('/api/v1/rooms')
        .set(bearer(me))
        .send({ name: uniqueName('design'), type: 'PUBLIC' })
        .expect(201);
      await request(web.t.url)
        .post(`/api/v1/rooms/${room.body.id}/members/${friend.id}`)
        .set(bearer(me))
        .expect(200);
      await post(friend, room.body.id, 'Morning! The **new build** is up: https://example.com/build');
      await post(me, room.body.id, 'Great :tada: checking `npm test` now');
      await post(friend, room.body.id, '> ship it\n\nSounds good. Steps:\n1. pull\n2. run the tests');
      await loginThroughUi(p.page, `${web.t.url}/#/room/${room.body.id}`, me.username, me.password);
      await seeText(messages(p.page), 'run the tests');
      await p.page.getByRole('button', { name: /^Members/ }).click();
      await seeText(p.page.getByRole('complementary', { name: 'Members' }), friend.username);
      expect(await seriousViolations(p.page)).toEqual([]);
      const shot = await screenshot(p.page, `product-${scheme}`);
      if (UPDATE_DOCS_SCREENSHOT) copyFileSync(shot, join(REPO_ROOT, 'docs', `screenshot-${scheme}.png`));

      await p.page.getByRole('button', { name: 'Account' }).click();
      await p.page.locator('dialog').getByRole('heading', { name: 'Your account' }).waitFor();
      expect(await seriousViolations(p.page)).toEqual([]);
      await p.page.keyboard.press('Escape');
      await p.page.getByRole('button', { name: 'New direct message' }).first().click();
      await p.page.locator('dialog').getByRole('combobox', { name: 'Name' }).fill(friend.username);
      await p.page.getByRole('option', { name: friend.username }).waitFor();
      expect(await seriousViolations(p.page)).toEqual([]);
    }
  });
});
