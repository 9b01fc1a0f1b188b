import request from 'supertest';
import { bearer, createUser, uniqueName } from '../factories/users';
import {
  loginThroughUi,
  messages,
  seeText,
  UI_TIMEOUT_MS,
  useWebTestApp,
} from './browser-support';

jest.setTimeout(180_000);

/** EXTENSIONS.md §8: the search box, its highlighted results, and the jump to a message. */
describe('web client: message search in Chromium', () => {
  const web = useWebTestApp();

  const post = (user: { token: string }, roomId: number, content: string) =>
    request(web.t.url)
      .post(`/api/v1/messages/room/${roomId}`)
      .set(bearer(user))
      .send({ content })
      .expect(201);
  const room = async (user: { token: string }, type: 'PUBLIC' | 'PRIVATE') =>
    (
      await request(web.t.url)
        .post('/api/v1/rooms')
        .set(bearer(user))
        .send({ name: uniqueName('r'), type })
        .expect(201)
    ).body as { id: number; name: string };

  it('Ctrl+Shift+F focuses the box; results show room, sender, time and the marked words; a click opens the message in its history', async () => {
    const user = await createUser(web.t, { username: uniqueName('finder') });
    const other = await createUser(web.t, { username: uniqueName('other') });
    const archive = await room(user, 'PUBLIC');
    const recent = await room(user, 'PUBLIC');
    const hidden = await room(other, 'PRIVATE');
    for (let i = 1; i <= 120; i++)
      await post(user, archive.id, i === 10 ? 'the Quarterly report is ready' : `archived message ${i}`);
    await post(user, recent.id, 'quarterly numbers look fine');
    await post(other, hidden.id, 'quarterly secrets');

    const p = await web.open();
    const { page } = p;
    await loginThroughUi(page, `${web.t.url}/#/room/${recent.id}`, user.username, user.password);
    await seeText(messages(page), 'quarterly numbers look fine');

    await page.keyboard.press('Control+Shift+F');
    const box = page.getByRole('searchbox', { name: 'Search messages' });
    await box.waitFor();
    expect(await box.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    await box.fill('QUARTERLY');
    await box.press('Enter');

    const results = page.getByRole('dialog', { name: 'Search results' });
    const items = results.locator('.search-item');
    await items.nth(1).waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await items.count()).toBe(2);
    // Newest first; only the user's rooms; the searched word marked whatever its case.
    expect(await results.locator('.search-room').allTextContents()).toEqual([
      `#${recent.name}`,
      `#${archive.name}`,
    ]);
    expect(await results.locator('.search-sender').allTextContents()).toEqual([user.username, user.username]);
    expect(await results.locator('mark').allTextContents()).toEqual(['quarterly', 'Quarterly']);
    expect(await results.locator('.search-time').first().getAttribute('datetime')).toMatch(/^\d{4}-/);
    await seeText(results, 'the Quarterly report is ready');

    // The old message: its room opens on a window around it, with it in view.
    await items.nth(1).click();
    await page.waitForURL(new RegExp(`#/room/${archive.id}$`));
    const log = messages(page);
    const target = log.locator('.msg-text', { hasText: 'the Quarterly report is ready' });
    await target.waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await results.isHidden()).toBe(true);
    await expectInView(target);
    expect(await log.getByText('archived message 120', { exact: true }).count()).toBe(0);
    expect(await log.getByText('archived message 11', { exact: true }).count()).toBe(1);

    // Scrolling down loads the newer pages up to the newest message.
    for (
      let round = 0;
      round < 10 && !(await log.getByText('archived message 120', { exact: true }).count());
      round++
    ) {
      const shown = await log.locator('.msg-text').count();
      await page.locator('.scroller').evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
      await log.locator('.msg-text').nth(shown).waitFor({ timeout: UI_TIMEOUT_MS });
    }
    await seeText(log, 'archived message 120');
    const texts = await log.locator('.msg-text').allTextContents();
    expect(texts.slice(texts.indexOf('the Quarterly report is ready'))).toEqual([
      'the Quarterly report is ready',
      ...Array.from({ length: 110 }, (_, i) => `archived message ${i + 11}`),
    ]);

    // "/" outside a text field focuses the box too; no result is a plain "No messages found".
    await page.locator('.room-heading').click();
    await page.keyboard.press('/');
    expect(await box.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    await box.fill('nothingmatchesthis');
    await box.press('Enter');
    await seeText(results, 'No messages found');
    // A query the server refuses shows its message.
    await box.fill('***');
    await box.press('Enter');
    await seeText(results, /at least one word/);
  });
});

async function expectInView(locator: import('playwright-core').Locator): Promise<void> {
  const inView = await locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const s = el.closest('.scroller')!.getBoundingClientRect();
    return r.top >= s.top && r.bottom <= s.bottom;
  });
  expect(inView).toBe(true);
}
