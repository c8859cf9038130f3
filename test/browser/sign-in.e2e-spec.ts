import { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { startApi, testConfig } from '../support/app';
import {
  describeInBrowser,
  launchBrowser,
  screenshot,
  watchTranslations,
} from '../support/browser';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { ensureWebAppBuilt } from '../support/web-app';
import { reachableRedisUrl } from '../support/test-database';

describeInBrowser('signing in to the back office in a browser', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let browser: Browser;
  let page: Page;
  let baseUrl: string;
  let translations: ReturnType<typeof watchTranslations>;

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
    translations = watchTranslations(page);
  });

  afterEach(async () => {
    await translations?.check();
    await page?.close();
  });

  async function signIn(sub: string): Promise<void> {
    await page.getByTestId('sandbox-status').and(page.locator('[data-sandbox="on"]')).waitFor();
    await page.getByTestId('sign-in-sub').fill(sub);
    await page.getByTestId('sign-in-submit').click();
    await page.getByTestId('queue-page').waitFor();
    await expectText(page, 'current-user', sub);
  }

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

    // Signing in as a supervisor opened the queue dashboard's cookie session (the
    // dashboard shows BullMQ's queues: there is none without Redis).
    if (reachableRedisUrl()) {
      await page.goto(`${baseUrl}/admin/queues`);
      await page.getByText('timers').first().waitFor();
      await screenshot(page, 'queue-dashboard');
    }

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

  it('speaks Chinese first, and remembers each person’s choice of English', async () => {
    await page.goto(`${baseUrl}/backoffice/`);
    // Nobody chose yet: zh-CN.
    await page.getByText('实名后台').waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    await signIn('rev-language-1');
    await page.getByTestId('sign-out').filter({ hasText: '退出登录' }).waitFor();
    expect(await page.title()).toBe('实名 · 后台');

    await page.getByTestId('language-switch').selectOption('en');
    await page.getByTestId('sign-out').filter({ hasText: 'Sign out' }).waitFor();
    await page
      .getByTestId('queue-kind-manual_review')
      .filter({ hasText: 'Manual reviews' })
      .waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await screenshot(page, 'queue-in-english');
    // Kept across a reload, under the staff member's own id.
    await page.reload();
    await page.getByTestId('sign-out').filter({ hasText: 'Sign out' }).waitFor();
    expect(
      await page.evaluate(`localStorage.getItem('shiming.backoffice.language:rev-language-1')`),
    ).toBe('en');

    // Someone else at the same desk gets Chinese until they choose otherwise.
    await page.getByTestId('sign-out').click();
    await page.getByTestId('sign-in-page').waitFor();
    await signIn('rev-language-2');
    await page.getByTestId('sign-out').filter({ hasText: '退出登录' }).waitFor();
    await page.getByTestId('sign-out').click();
    await signIn('rev-language-1');
    await page.getByTestId('sign-out').filter({ hasText: 'Sign out' }).waitFor();
  });

  it('offers only the statuses the API accepts, and each one lists the queue', async () => {
    await page.goto(`${baseUrl}/backoffice/`);
    await signIn('rev-filters-1');
    const filter = page.getByTestId('queue-status-filter');
    const values = await filter
      .locator('option')
      .evaluateAll((options) =>
        options.map((option) => (option as unknown as { value: string }).value),
      );
    expect(values).toEqual([
      '',
      'open',
      'claimed',
      'awaiting_user',
      'awaiting_approval',
      'escalated',
      'decided',
      'all',
    ]);
    for (const value of values.filter(Boolean)) {
      await filter.selectOption(value);
      await page.waitForURL(new RegExp(`status=${value}`));
      await page.getByTestId('queue-empty').waitFor();
      expect(await page.getByTestId('queue-error').count()).toBe(0);
    }
    // An address saved before "withdrawn" went away still opens the queue.
    await page.goto(`${baseUrl}/backoffice/?status=withdrawn`);
    await page.getByTestId('queue-empty').waitFor();
    expect(await page.getByTestId('queue-error').count()).toBe(0);
  });
});

async function expectText(page: Page, testId: string, text: string): Promise<void> {
  await page.getByTestId(testId).filter({ hasText: text }).first().waitFor();
}
