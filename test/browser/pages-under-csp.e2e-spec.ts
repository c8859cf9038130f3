import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { TokenIssuer } from '@shiming/common';
import { describeInBrowser, launchBrowser, screenshot } from '../support/browser';
import { Sandbox } from '../support/journey';
import { reachableRedisUrl } from '../support/test-database';

// The OpenAPI UI and the queue dashboard are pages of libraries we do not write; their
// Content-Security-Policy (security-headers.ts) must still let them work.

describeInBrowser('pages under their Content-Security-Policy', () => {
  let sandbox: Sandbox;
  let browser: Browser;
  let baseUrl: string;
  let supervisorToken: string;

  beforeAll(async () => {
    sandbox = await Sandbox.start();
    await sandbox.app.listen(0, '127.0.0.1');
    const { port } = sandbox.app.getHttpServer().address() as AddressInfo;
    baseUrl = `http://127.0.0.1:${port}`;
    supervisorToken = (
      await sandbox.app.get(TokenIssuer).issue({ sub: 'sup-csp', roles: ['supervisor'] })
    ).token;
    browser = await launchBrowser();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await sandbox?.stop();
  });

  /** A page that records every policy violation it reports in its console. */
  async function open(headers: Record<string, string> = {}) {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      extraHTTPHeaders: headers,
    });
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    return { page, violations, close: () => context.close() };
  }

  async function textOf(page: Page, selector: string): Promise<string> {
    await page.waitForSelector(selector, { timeout: 20_000 });
    return page.innerText(selector);
  }

  it('shows the OpenAPI UI with its operations', async () => {
    const { page, violations, close } = await open();
    try {
      await page.goto(`${baseUrl}/docs/`);
      expect(await textOf(page, '.swagger-ui .info .title')).toContain('Shiming API');
      await page.waitForSelector('.opblock-summary-path', { timeout: 20_000 });
      await screenshot(page, 'openapi-ui');
      expect(violations).toEqual([]);
    } finally {
      await close();
    }
  });

  // The dashboard shows BullMQ's queues: without Redis there is none.
  (reachableRedisUrl() ? it : it.skip)('shows the queue dashboard to a supervisor', async () => {
    const { page, violations, close } = await open({
      Authorization: `Bearer ${supervisorToken}`,
    });
    try {
      await page.goto(`${baseUrl}/admin/queues`);
      // Locators, not a function: the page's policy forbids evaluating strings.
      await page.getByText('Shiming queues').first().waitFor({ timeout: 20_000 });
      await page.getByText('Loading').waitFor({ state: 'detached', timeout: 20_000 });
      await page
        .getByText(/timers/i)
        .first()
        .waitFor({ timeout: 20_000 });
      await screenshot(page, 'queue-dashboard');
      // The dashboard asks for web fonts from an outside host; the policy keeps the page
      // to our own origin, and it falls back to the system's fonts.
      expect(violations.filter((text) => !/fonts\.googleapis\.com/.test(text))).toEqual([]);
    } finally {
      await close();
    }
  });
});
