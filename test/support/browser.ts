import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';

/** Debian's Chromium, which `.ci/run` installs; playwright never downloads a browser here. */
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const SCREENSHOTS = join(__dirname, '..', '..', 'test-output', 'screenshots');

// Background networking is off: the machines that run the tests reach no outside host,
// and Chromium's own calls home would only fail, many at a time.
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

export function chromiumInstalled(): boolean {
  return existsSync(CHROMIUM_PATH);
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
