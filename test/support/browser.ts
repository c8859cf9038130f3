import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  Browser,
  BrowserContext,
  type BrowserContextOptions,
  chromium,
  Page,
} from 'playwright-core';
import { Sandbox, type FileToUpload } from './journey';
import { ensureWebAppBuilt, REPO_ROOT } from './web-app';

/** Debian's Chromium, which `.ci/run` installs; playwright never downloads a browser here. */
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const SCREENSHOTS = join(__dirname, '..', '..', 'test-output', 'screenshots');
/** The pictures the docs show; refreshed by a run with UPDATE_DOCS_SCREENSHOTS=1. */
export const DOCS_SCREENSHOTS = join(REPO_ROOT, 'docs', 'screenshots');

// Background networking is off: the machines that run the tests reach no outside host,
// and Chromium's own calls home would only fail, many at a time.
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

export function chromiumInstalled(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/** `describe` where Chromium is installed; skipped (and said so) where it is not. */
export const describeInBrowser = chromiumInstalled() ? describe : describe.skip;
if (!chromiumInstalled()) {
  console.warn('Browser tests skipped: /usr/bin/chromium is missing (apt-get install chromium).');
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS, headless: true });
}

/** Saves a full-page screenshot as test-output/screenshots/<name>.png and returns the path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name.replace(/[^A-Za-z0-9._-]+/g, '-')}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * A screenshot the docs show (docs/screenshots/<name>.png): saved with the others, and
 * copied into the docs when the run was asked to (UPDATE_DOCS_SCREENSHOTS=1), so that
 * an ordinary run leaves the repository as it was.
 */
export async function docsScreenshot(page: Page, name: string): Promise<string> {
  const path = await screenshot(page, name);
  if (process.env.UPDATE_DOCS_SCREENSHOTS === '1') {
    mkdirSync(DOCS_SCREENSHOTS, { recursive: true });
    copyFileSync(path, join(DOCS_SCREENSHOTS, `${name}.png`));
  }
  return path;
}

/** The web app's message ids (its zh-CN catalogue has them all). */
export const MESSAGE_IDS: string[] = Object.keys(
  JSON.parse(
    readFileSync(join(REPO_ROOT, 'apps', 'backoffice-web', 'src', 'i18n', 'zh-CN.json'), 'utf8'),
  ) as Record<string, string>,
);

/**
 * Watches a page for words the web app could not translate: a message its catalogue
 * lacks is said on the console with the prefix `[i18n]`, and a raw message id on the
 * screen means one was shown untranslated. `check()` fails on either.
 */
export function watchTranslations(page: Page): { check(): Promise<void> } {
  const untranslated: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && message.text().startsWith('[i18n]')) {
      untranslated.push(message.text());
    }
  });
  return {
    async check() {
      expect(untranslated).toEqual([]);
      if (page.isClosed()) return;
      const text = await page.locator('body').innerText();
      expect(MESSAGE_IDS.filter((id) => text.includes(id))).toEqual([]);
    },
  };
}

/** Waits until `count` document images have arrived and decoded, not only their <img>. */
export async function documentImagesLoaded(page: Page, count: number): Promise<void> {
  // A string runs in the page: the root tsconfig has no DOM types.
  await page.waitForFunction(
    `(() => {
      const images = [...document.querySelectorAll('[data-testid="document-image"]')];
      return images.length === ${count} &&
        images.every((image) => image.complete && image.naturalWidth > 0);
    })()`,
    undefined,
    { timeout: 15_000 },
  );
}

/** A sandbox api listening on a free local port, the web app built, and a browser. */
export async function startBrowserSandbox(): Promise<{
  sandbox: Sandbox;
  browser: Browser;
  baseUrl: string;
  stop(): Promise<void>;
}> {
  ensureWebAppBuilt();
  const sandbox = await Sandbox.start();
  await sandbox.app.listen(0, '127.0.0.1');
  const { port } = sandbox.app.getHttpServer().address() as AddressInfo;
  const browser = await launchBrowser();
  return {
    sandbox,
    browser,
    baseUrl: `http://127.0.0.1:${port}`,
    stop: async () => {
      await browser.close();
      await sandbox.stop();
    },
  };
}

/** What `withBrowserPage` gives the tests of a file. */
export interface BrowserPage {
  sandbox: Sandbox;
  browser: Browser;
  /** A page at the viewport the back office is designed for, watched for untranslated words. */
  page: Page;
  baseUrl: string;
}

export const DESKTOP = { width: 1440, height: 1000 };

/**
 * The set-up of a browser spec, in its `describeInBrowser`: a sandbox api with the web
 * app and Chromium, started before the first test and stopped after the last, and a page
 * (in a context of its own, `options.context` added to the desktop viewport) whose words
 * are checked after each test. `use` is given them once they exist. With `pagePerTest`,
 * each test gets a new context and page (fresh session storage and cookies), and `use` is
 * called again before each.
 */
export function withBrowserPage(
  use: (started: BrowserPage) => void,
  options: { pagePerTest?: boolean; context?: BrowserContextOptions } = {},
): void {
  let started: Awaited<ReturnType<typeof startBrowserSandbox>> | undefined;
  let context: BrowserContext | undefined;
  let translations: ReturnType<typeof watchTranslations> | undefined;

  const openPage = async (): Promise<void> => {
    if (!started) throw new Error('The browser sandbox did not start');
    context = await started.browser.newContext({ viewport: DESKTOP, ...options.context });
    const page = await context.newPage();
    translations = watchTranslations(page);
    use({ sandbox: started.sandbox, browser: started.browser, page, baseUrl: started.baseUrl });
  };

  beforeAll(async () => {
    started = await startBrowserSandbox();
    if (!options.pagePerTest) await openPage();
  }, 240_000);
  if (options.pagePerTest) beforeEach(openPage);

  afterEach(async () => {
    await translations?.check();
    if (options.pagePerTest) await context?.close();
  });

  afterAll(async () => {
    await started?.stop();
  });
}

export const STAFF_ROLES = ['reviewer', 'support', 'supervisor'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/**
 * Signs in to the sandbox back office as `sub` with exactly `roles`, and waits for the
 * queue to show that staff member.
 */
export async function signIn(
  page: Page,
  baseUrl: string,
  sub: string,
  roles: readonly StaffRole[],
): Promise<void> {
  await page.goto(`${baseUrl}/backoffice/`);
  await page.locator('[data-testid="sandbox-status"][data-sandbox="on"]').waitFor();
  await page.getByTestId('sign-in-sub').fill(sub);
  for (const role of STAFF_ROLES) {
    await page.getByTestId(`sign-in-role-${role}`).setChecked(roles.includes(role));
  }
  await page.getByTestId('sign-in-submit').click();
  await page.getByTestId('queue-page').waitFor();
  await page.getByTestId('current-user').filter({ hasText: sub }).waitFor();
}

/** A certificate photo: a real PNG Chromium renders, marked as sandbox data. */
export async function certificatePhoto(
  browser: Browser,
  title: string,
  n: number,
  note = `SANDBOX SPECIMEN ${n}, not a real document`,
): Promise<FileToUpload> {
  // As wide as a document viewer at 100% on a 1440-pixel screen.
  const maker = await browser.newPage({ viewport: { width: 460, height: 300 } });
  await maker.setContent(
    `<body style="margin:0;background:linear-gradient(135deg,#dfe9f3,#f7f1e3);font:18px sans-serif">
       <div style="padding:24px"><h1 style="margin:0 0 8px;font-size:30px">${title}</h1>
       <p style="margin:0 0 10px;color:#a33">${note}</p>
       <p style="margin:0;font-size:14px;line-height:1.5;color:#556;word-break:break-all">${'▚'.repeat(160)}</p></div></body>`,
  );
  const bytes = await maker.screenshot({ type: 'png' });
  await maker.close();
  return { bytes, fileName: `certificate-${n}.png` };
}
