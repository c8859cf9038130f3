import { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { startApi, testConfig } from '../support/app';
import { describeInBrowser, launchBrowser, screenshot } from '../support/browser';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { ensureWebAppBuilt } from '../support/web-app';

describeInBrowser('signing in to the back office in a browser', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let browser: Browser;
  let page: Page;
  let baseUrl: string;

  beforeAll(async () => {
    ensureWebAppBuilt();
    db = await createTestDatabase();
    app = await startApi(testConfig(db.url));
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    baseUrl = `http://127.0.0.1:${port}`;
    browser = await launchBrowser();
  }, 240_000);

  beforeEach(async () => {
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  });

  afterEach(async () => {
    await page?.close();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await db?.drop();
  });

  it('signs in through the sandbox form and lands on the queue', async () => {
    await page.goto(`${baseUrl}/backoffice/`);
    await page.getByTestId('sandbox-status').and(page.locator('[data-sandbox="on"]')).waitFor();
    await page.getByTestId('sign-in-sub').fill('rev-browser-1');
    // Reviewer is checked by default; supervisor too, for the dashboard link and panels.
    await page.getByTestId('sign-in-role-supervisor').check();
    await page.getByTestId('sign-in-submit').click();

    await page.getByTestId('queue-page').waitFor();
    await expectText(page, 'current-user', 'rev-browser-1');
    await page.getByTestId('admin-queues-link').waitFor();

    // A fresh database has no case: the empty state. While the back-office API is not
    // yet served, GET /v1/backoffice/cases answers 404 and the queue shows its error
    // state with the problem's code instead; either proves the page loaded and asked.
    const outcome = page.getByTestId('queue-empty').or(page.getByTestId('queue-error'));
    await outcome.first().waitFor();
    if (await page.getByTestId('queue-error').isVisible()) {
      await expectText(page, 'problem-code', '404');
    }
    await screenshot(page, 'sign-in-queue');

    // Signing in as a supervisor opened the queue dashboard's cookie session.
    await page.goto(`${baseUrl}/admin/queues`);
    await page.getByText('timers').first().waitFor();
    await screenshot(page, 'queue-dashboard');

    // The session survives a reload (sessionStorage) and a deep link keeps its address.
    await page.goto(`${baseUrl}/backoffice/cases/00000000-0000-4000-8000-000000000000`);
    await page.getByTestId('case-page').waitFor();
    await page.getByTestId('case-error').waitFor();
    await screenshot(page, 'case-not-found');
  });

  it('shows the keyboard shortcuts on ?', async () => {
    await page.goto(`${baseUrl}/backoffice/`);
    await page.getByTestId('sign-in-sub').fill('sup-browser-2');
    await page.getByTestId('sign-in-submit').click();
    await page.getByTestId('queue-page').waitFor();
    await page.keyboard.press('?');
    await page.getByTestId('shortcuts-help').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('shortcuts-help').waitFor({ state: 'detached' });
  });
});

async function expectText(page: Page, testId: string, text: string): Promise<void> {
  await page.getByTestId(testId).filter({ hasText: text }).first().waitFor();
}
