import type { Page } from 'playwright-core';
import { createRoom } from '../factories/rooms';
import { createUser } from '../factories/users';
import { PNG } from '../helpers/attachments';
import {
  composer,
  loginThroughUi,
  messages,
  screenshot,
  seeText,
  UI_TIMEOUT_MS,
  useWebTestApp,
} from './browser-support';

jest.setTimeout(180_000);

/** EXTENSIONS.md §7-8: file upload by button and by drag and drop, image previews, file chips. */
describe('web client: attachments in Chromium', () => {
  const web = useWebTestApp();

  async function pair(): Promise<{ alice: Page; bob: Page }> {
    const [a, b] = await Promise.all([createUser(web.t), createUser(web.t)]);
    const room = await createRoom(web.t, a, { type: 'PRIVATE', members: [b] });
    const [alice, bob] = await Promise.all([web.open(), web.open()]);
    await loginThroughUi(alice.page, `${web.t.url}/#/room/${room.id}`, a.username, a.password);
    await loginThroughUi(bob.page, `${web.t.url}/#/room/${room.id}`, b.username, b.password);
    for (const p of [alice.page, bob.page]) await seeText(p.locator('#connection-status'), /Connected/);
    return { alice: alice.page, bob: bob.page };
  }

  it('uploads a PNG (button) and a text file (drag and drop); the other user sees the preview and the chip', async () => {
    const { alice, bob } = await pair();
    // the paperclip opens the file chooser
    const chooser = alice.waitForEvent('filechooser', { timeout: UI_TIMEOUT_MS });
    await alice.getByRole('button', { name: 'Attach files' }).click();
    await (await chooser).setFiles({ name: 'pixel.png', mimeType: 'image/png', buffer: PNG });
    // a text file dropped on the message area
    // (page code as a string: the spec is compiled without the DOM library)
    const drop = await alice.evaluateHandle(`(() => {
      const data = new DataTransfer();
      data.items.add(new File(['meeting notes\\n'], 'notes.txt', { type: 'text/plain' }));
      return data;
    })()`);
    await alice.locator('.pane').dispatchEvent('dragover', { dataTransfer: drop });
    await alice.locator('.pane').dispatchEvent('drop', { dataTransfer: drop });
    const staged = alice.locator('.composer-uploads .upload');
    await staged.filter({ hasText: 'notes.txt' }).waitFor({ timeout: UI_TIMEOUT_MS });
    await alice.locator('.composer-uploads .upload.ready').nth(1).waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await staged.count()).toBe(2);
    await composer(alice).fill('two files');
    await composer(alice).press('Enter');
    await alice.locator('.composer-uploads').waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS });

    const sent = messages(bob).locator('.msg').filter({ hasText: 'two files' });
    const preview = sent.locator('img.attachment-image');
    await preview.waitFor({ timeout: UI_TIMEOUT_MS });
    // the preview is the image itself, fetched with the token and shown through a blob: URL
    // A function, not a string: Playwright wraps a string predicate in an eval() inside the page,
    // which the page's CSP (no 'unsafe-eval') refuses whenever the first check fails and it polls.
    await bob.waitForFunction(
      (el) => {
        const img = el as unknown as { src: string; complete: boolean; naturalWidth: number };
        return img.src.startsWith('blob:') && img.complete && img.naturalWidth === 1;
      },
      await preview.first().elementHandle(),
      { timeout: UI_TIMEOUT_MS },
    );
    expect(await preview.getAttribute('alt')).toBe('pixel.png');
    const chip = sent.locator('.attachment-file');
    await seeText(chip, 'notes.txt');
    await seeText(chip, '14 bytes');
    // the chip downloads the file under its name
    const download = bob.waitForEvent('download', { timeout: UI_TIMEOUT_MS });
    await chip.click();
    expect((await download).suggestedFilename()).toBe('notes.txt');
    // and the sender sees the same message
    await messages(alice)
      .locator('.msg')
      .filter({ hasText: 'two files' })
      .locator('img.attachment-image')
      .waitFor({
        timeout: UI_TIMEOUT_MS,
      });
    await screenshot(bob, 'attachments');
  });

  it('a file alone (no text) is a message; a file over the limit shows the server refusal', async () => {
    const { alice, bob } = await pair();
    const chooser = alice.waitForEvent('filechooser', { timeout: UI_TIMEOUT_MS });
    await alice.getByRole('button', { name: 'Attach files' }).click();
    await (
      await chooser
    ).setFiles([
      { name: 'alone.txt', mimeType: 'text/plain', buffer: Buffer.from('just a file') },
      { name: 'huge.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(11 * 1024 * 1024) },
    ]);
    await seeText(alice.locator('.composer-uploads .upload.failed'), /larger than/);
    await alice.locator('.composer-uploads .upload.ready').waitFor({ timeout: UI_TIMEOUT_MS });
    await composer(alice).press('Enter');
    await seeText(messages(bob).locator('.attachment-file'), 'alone.txt');
  });
});
