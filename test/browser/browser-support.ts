import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { WebModule } from '../../apps/chat-server/src/web/web.module';
import { startTestApp, TestApp } from '../helpers/test-app';

export const REPO_ROOT = resolve(__dirname, '../..');
/** Debian's chromium (CI installs it); CHROMIUM_PATH points elsewhere on other machines. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS_DIR = join(REPO_ROOT, 'test-artifacts');
/** Every wait on the page is bounded by this. */
export const UI_TIMEOUT_MS = 20_000;

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/**
 * Builds the page as `npm run build` does, but into a folder of this test file's own: dist/ is
 * shared, and `nest build` (which other specs may run meanwhile) empties it.
 */
export function buildWebClient(): string {
  const out = mkdtempSync(join(tmpdir(), 'chat-web-'));
  const result = spawnSync(
    process.execPath,
    [join(REPO_ROOT, 'apps/chat-server/web/build.mjs'), '--out', out],
    {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  if (result.status !== 0)
    throw new Error(`Building the web client failed:\n${result.stderr || result.stdout}`);
  return out;
}

export function removeWebBuild(dir: string | undefined): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

export interface TestDatabase {
  url: string;
  dataDir: string;
  drop(): Promise<void>;
}

/**
 * The real server, as startTestApp starts it, serving the page built into `webDir`. With a
 * `port`, it listens there: a restart at the address the page already uses. The database is
 * dropped on close only when this call made it.
 */
export async function startWebTestApp(
  webDir: string,
  options: { database?: TestDatabase; port?: number } = {},
): Promise<TestApp> {
  const beforeListen = (app: NestFastifyApplication) => app.get(WebModule).serveFrom(webDir);
  return startTestApp({}, options.database, { beforeListen, port: options.port });
}

/** Headless Debian Chromium with a fresh, empty profile; never a downloaded browser. */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
  });
}

export interface UserPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught exceptions in the page: a test ends by asserting there were none. */
  errors: string[];
}

/** A separate browser context (own sessionStorage, own connection): one person at their desk. */
export async function openUserPage(
  browser: Browser,
  viewport = { width: 1280, height: 800 },
): Promise<UserPage> {
  const context = await browser.newContext({
    viewport,
    deviceScaleFactor: 1,
    locale: 'en-US',
    timezoneId: 'UTC',
  });
  context.setDefaultTimeout(UI_TIMEOUT_MS);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  return { context, page, errors };
}

/** The server, the browser and the pages of one describe block (see {@link useWebTestApp}). */
export interface WebTestEnv {
  /** The real server serving this block's own build of the page (set in beforeAll). */
  readonly t: TestApp;
  readonly browser: Browser;
  /** A new person's page; closed after the test, which fails if the page threw. */
  open(viewport?: { width: number; height: number }): Promise<UserPage>;
}

/**
 * Registers the hooks every browser spec needs: build the page, start the server and Chromium
 * (beforeAll); close the test's pages and fail on uncaught page errors (afterEach); stop both and
 * remove the build (afterAll). Call it first in a browser spec's describe body.
 */
export function useWebTestApp(): WebTestEnv {
  let t: TestApp | undefined;
  let browser: Browser | undefined;
  let webDir: string | undefined;
  const pages: UserPage[] = [];
  beforeAll(async () => {
    webDir = buildWebClient();
    [t, browser] = await Promise.all([startWebTestApp(webDir), launchChromium()]);
  });
  afterEach(async () => {
    const errors = pages.flatMap((p) => p.errors);
    await Promise.all(pages.splice(0).map((p) => p.context.close()));
    expect(errors).toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    removeWebBuild(webDir);
  });
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not started: use it inside a test or hook`);
    return value;
  };
  return {
    get t() {
      return started(t, 'the test server');
    },
    get browser() {
      return started(browser, 'Chromium');
    },
    async open(viewport) {
      const p = await openUserPage(started(browser, 'Chromium'), viewport);
      pages.push(p);
      return p;
    },
  };
}

/** Waits, bounded, until `locator` shows `text`. */
export async function seeText(
  scope: Page | Locator,
  text: string | RegExp,
  timeout = UI_TIMEOUT_MS,
): Promise<Locator> {
  const target = scope.getByText(text).first();
  await target.waitFor({ state: 'visible', timeout });
  return target;
}

/** Waits, bounded, until no element in `scope` shows `text`. */
export async function seeNoText(
  scope: Page | Locator,
  text: string | RegExp,
  timeout = UI_TIMEOUT_MS,
): Promise<void> {
  await scope.getByText(text).first().waitFor({ state: 'hidden', timeout });
}

export async function registerThroughUi(
  page: Page,
  baseUrl: string,
  username: string,
  password: string,
): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.getByRole('tab', { name: 'Register' }).click();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Email').fill(`${username.toLowerCase()}@example.com`);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await seeText(page.locator('#me-name'), username);
}

export async function loginThroughUi(
  page: Page,
  url: string,
  username: string,
  password: string,
): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Username or email').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await seeText(page.locator('#me-name'), username);
}

/** Creates a channel through the dialog; returns its id (from the URL the page navigates to). */
export async function createChannelThroughUi(
  page: Page,
  name: string,
  visibility: 'Public' | 'Private',
): Promise<number> {
  await page.getByRole('button', { name: 'Create a channel' }).first().click();
  const dialog = page.locator('dialog');
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByText(visibility, { exact: true }).click();
  await dialog.getByRole('button', { name: 'Create' }).click();
  await seeText(page.locator('.room-title'), name);
  const match = /#\/room\/(\d+)$/.exec(page.url());
  if (!match) throw new Error(`The page did not open the new room (at ${page.url()})`);
  return Number(match[1]);
}

export function composer(page: Page): Locator {
  return page.getByRole('textbox', { name: 'Message' });
}

export async function sendThroughUi(page: Page, text: string): Promise<void> {
  await composer(page).fill(text);
  await composer(page).press('Enter');
}

/** The message list of the open room. */
export function messages(page: Page): Locator {
  return page.getByRole('log', { name: 'Messages' });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path, animations: 'disabled', caret: 'hide' });
  return path;
}
