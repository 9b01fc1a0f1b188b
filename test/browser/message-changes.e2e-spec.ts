import type { Page } from 'playwright-core';
import request from 'supertest';
import { createRoom } from '../factories/rooms';
import { bearer, createUser, TestUser } from '../factories/users';
import {
  loginThroughUi,
  messages,
  seeNoText,
  seeText,
  sendThroughUi,
  useWebTestApp,
} from './browser-support';

jest.setTimeout(180_000);

/** EXTENSIONS.md §8: edit and delete of one's own messages, reactions, the thread panel, live. */
describe('web client: edits, reactions and threads in Chromium', () => {
  const web = useWebTestApp();

  /** Alice and Bob, each logged in on their own page with their shared room open. */
  async function pair(): Promise<{ alice: Page; bob: Page; a: TestUser; b: TestUser; roomId: number }> {
    const [a, b] = await Promise.all([createUser(web.t), createUser(web.t)]);
    const room = await createRoom(web.t, a, { type: 'PRIVATE', members: [b] });
    const [alice, bob] = await Promise.all([web.open(), web.open()]);
    await loginThroughUi(alice.page, `${web.t.url}/#/room/${room.id}`, a.username, a.password);
    await loginThroughUi(bob.page, `${web.t.url}/#/room/${room.id}`, b.username, b.password);
    for (const p of [alice.page, bob.page]) await seeText(p.locator('#connection-status'), /Connected/);
    return { alice: alice.page, bob: bob.page, a, b, roomId: room.id };
  }

  const message = (page: Page, text: string) => messages(page).locator('.msg').filter({ hasText: text });

  it('edits its own message (shown "(edited)" to everyone, live) and deletes it; others get no Edit', async () => {
    const { alice, bob } = await pair();
    await sendThroughUi(alice, 'helo wrold');
    await seeText(messages(bob), 'helo wrold');
    await message(bob, 'helo wrold').hover();
    expect(await message(bob, 'helo wrold').getByRole('button', { name: 'Edit message' }).count()).toBe(0);

    const mine = message(alice, 'helo wrold');
    await mine.hover();
    await mine.getByRole('button', { name: 'Edit message' }).click();
    const box = alice.getByRole('textbox', { name: 'Edit message' });
    await box.fill('hello world');
    await box.press('Enter');
    for (const p of [alice, bob]) {
      await seeText(message(p, 'hello world'), '(edited)');
      await seeNoText(messages(p), 'helo wrold');
    }

    alice.once('dialog', (d) => void d.accept());
    await message(alice, 'hello world').hover();
    await message(alice, 'hello world').getByRole('button', { name: 'Delete message' }).click();
    for (const p of [alice, bob]) await seeNoText(messages(p), 'hello world');
  });

  it('arrow-up in the empty message box edits the newest own message; Esc returns to the box', async () => {
    const { alice, bob } = await pair();
    await sendThroughUi(alice, 'first thing');
    await sendThroughUi(bob, 'a reply from bob');
    await sendThroughUi(alice, 'secnod thing');
    await seeText(messages(bob), 'secnod thing');
    const composer = alice.getByRole('textbox', { name: 'Message' });
    // Text in the box: the arrow moves the cursor as usual, nothing opens.
    await composer.fill('draft');
    await composer.press('ArrowUp');
    expect(await alice.getByRole('textbox', { name: 'Edit message' }).count()).toBe(0);
    await composer.fill('');
    await composer.press('ArrowUp');
    // The editor replaces the text in the newest own message (not bob's, not the older one).
    const box = alice.getByRole('textbox', { name: 'Edit message' });
    await expect(box.inputValue()).resolves.toBe('secnod thing');
    expect(await messages(alice).locator('.msg').last().getByRole('textbox').count()).toBe(1);
    await box.press('Escape');
    expect(await alice.getByRole('textbox', { name: 'Edit message' }).count()).toBe(0);
    expect(await composer.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);

    await composer.press('ArrowUp');
    await box.fill('second thing');
    await box.press('Enter');
    for (const p of [alice, bob]) await seeText(message(p, 'second thing'), '(edited)');
    await seeText(messages(alice), 'first thing');
    expect(await message(alice, 'first thing').locator('.msg-edited').count()).toBe(0);
  });

  it('reacts from the picker and by clicking a reaction; counts follow live, mine highlighted', async () => {
    const { alice, bob } = await pair();
    await sendThroughUi(alice, 'ship it?');
    const onBob = message(bob, 'ship it?');
    await onBob.hover();
    await onBob.getByRole('button', { name: 'Add reaction' }).click();
    await bob.getByRole('menuitem', { name: '👍' }).click();

    const chip = (p: Page) => message(p, 'ship it?').locator('.reaction').filter({ hasText: '👍' });
    await seeText(chip(bob), '1');
    await seeText(chip(alice), '1');
    expect(await chip(bob).getAttribute('aria-pressed')).toBe('true');
    expect(await chip(alice).getAttribute('aria-pressed')).toBe('false');

    await chip(alice).click();
    await seeText(chip(bob), '2');
    await seeText(chip(alice), '2');
    await expectPressed(chip(alice), 'true');

    await chip(bob).click();
    await seeText(chip(alice), '1');
    await expectPressed(chip(bob), 'false');
    await chip(alice).click();
    await chip(bob).waitFor({ state: 'detached' });
  });

  it('opens a thread on "Reply in thread" and on "N replies"; replies arrive live in the panel only', async () => {
    const { alice, bob, a, roomId } = await pair();
    await request(web.t.url)
      .post(`/api/v1/messages/room/${roomId}`)
      .set(bearer(a))
      .send({ content: 'Who takes the release notes?' })
      .expect(201);
    await seeText(messages(bob), 'Who takes the release notes?');

    const root = message(bob, 'Who takes the release notes?');
    await root.hover();
    await root.getByRole('button', { name: 'Reply in thread' }).click();
    const bobPanel = bob.getByRole('complementary', { name: 'Thread' });
    await seeText(bobPanel, 'Who takes the release notes?');
    await bobPanel.getByRole('textbox', { name: 'Reply in thread' }).fill('I will');
    await bobPanel.getByRole('textbox', { name: 'Reply in thread' }).press('Enter');
    await seeText(bobPanel.locator('.thread-replies'), 'I will');

    // Alice sees the count under the root, live, and opens the thread from it.
    await message(alice, 'Who takes the release notes?').getByRole('button', { name: '1 reply' }).click();
    const alicePanel = alice.getByRole('complementary', { name: 'Thread' });
    await seeText(alicePanel.locator('.thread-replies'), 'I will');
    // A reply never shows in the main timeline.
    expect(await messages(alice).getByText('I will').count()).toBe(0);

    await bobPanel.getByRole('textbox', { name: 'Reply in thread' }).fill('Done by noon');
    await bobPanel.getByRole('textbox', { name: 'Reply in thread' }).press('Enter');
    await seeText(alicePanel.locator('.thread-replies'), 'Done by noon');
    await seeText(message(alice, 'Who takes the release notes?'), '2 replies');

    await alicePanel.getByRole('button', { name: 'Close thread' }).click();
    await alicePanel.waitFor({ state: 'hidden' });
  });
});

/** Waits, bounded, until the chip's aria-pressed is `value` (it is redrawn by the live event). */
async function expectPressed(chip: ReturnType<Page['locator']>, value: string): Promise<void> {
  await chip.and(chip.page().locator(`[aria-pressed="${value}"]`)).waitFor({ state: 'visible' });
}
