import type { Page } from 'playwright-core';
import { describeInBrowser, docsScreenshot, signIn, withBrowserPage } from '../support/browser';
import { manualReviewCase } from '../support/cases';
import { newIdNumber, Sandbox } from '../support/journey';

// A reviewer finds a case by the ID number it was opened for: typed into the search box,
// recognised as an ID number, sent in a request body (never the address), recorded.

describeInBrowser('searching cases in the browser', () => {
  let sandbox: Sandbox;
  let page: Page;
  let baseUrl: string;
  // A browser set up as a reviewer's in mainland China (language and time zone).
  withBrowserPage((started) => ({ sandbox, page, baseUrl } = started), {
    context: { locale: 'zh-CN', timezoneId: 'Asia/Shanghai' },
  });

  it('finds a case by ID number, keeps the number out of the address, and sorts the list', async () => {
    const idNumber = newIdNumber('999');
    const { caseId } = await manualReviewCase(sandbox, idNumber);
    const other = await manualReviewCase(sandbox);
    const reviewer = await sandbox.staff(['reviewer'], 'rev-search');
    // Opened by the worker from the log; on a busy machine that may take a few tries.
    for (const id of [caseId, other.caseId]) {
      while ((await reviewer.get(`/v1/backoffice/cases/${id}`)).status === 503);
      // …and listed once the queue's read model has it.
      await reviewer.queueUntil({ caseId: id }, (items) => items.length > 0);
    }

    await signIn(page, baseUrl, 'rev-search', ['reviewer']);

    const input = page.getByTestId('case-search-input');
    await input.fill(idNumber);
    expect(await input.getAttribute('data-detected')).toBe('idNumber');
    await page.getByTestId('case-search-recorded').waitFor();
    const sent = page.waitForRequest((r) => r.url().endsWith('/v1/backoffice/cases/search'));
    await page.getByTestId('case-search-submit').click();
    const request = await sent;
    expect(request.method()).toBe('POST');
    expect(JSON.parse(request.postData() ?? '{}')).toMatchObject({ idNumber });
    await page.getByTestId('case-search-active').waitFor();
    await page
      .locator(
        '[data-testid="queue-table"], [data-testid="queue-empty"], [data-testid="queue-error"]',
      )
      .first()
      .waitFor();
    if ((await page.getByTestId('queue-row').count()) === 0) {
      throw new Error(`Not listed: ${await page.locator('body').innerText()}`);
    }
    await page.locator(`[data-testid="queue-row"][data-case-id="${caseId}"]`).waitFor();
    expect(await page.getByTestId('queue-row').count()).toBe(1);
    expect(page.url()).not.toContain(idNumber);
    await docsScreenshot(page, 'zh-case-search');

    // Another number nobody gave: nothing, said so.
    await input.fill(newIdNumber('999'));
    await page.getByTestId('case-search-submit').click();
    await page.getByTestId('queue-empty').waitFor();

    await page.getByTestId('case-search-clear').click();
    await page.getByTestId('filter-sort').selectOption('opened');
    await page.getByTestId('filter-order').selectOption('desc');
    await page.waitForURL(/sort=opened/);
    await page.locator(`[data-testid="queue-row"][data-case-id="${other.caseId}"]`).waitFor();
    const ids = await page.evaluate<string[]>(
      `[...document.querySelectorAll('[data-testid="queue-row"]')].map((row) => row.dataset.caseId)`,
    );
    // Newest opened first: the second case before the first.
    expect(ids.indexOf(other.caseId)).toBeLessThan(ids.indexOf(caseId));
  }, 120_000);
});
