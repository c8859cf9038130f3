import type { Page } from 'playwright-core';
import { CLOCK, TestClock, workingDayCalendar } from '@shiming/workflow';
import { describeInBrowser, signIn, withBrowserPage } from '../support/browser';
import { appealCase } from '../support/cases';
import type { Sandbox } from '../support/journey';

// An appeal filed days before the holiday data ends: its due time is provisional, and
// supervisors are told the data runs out. In the app's default language (zh-CN).
const last = workingDayCalendar(null).coveredYears().to;

describeInBrowser('a provisional due time and the holiday data notice, in the browser', () => {
  let sandbox: Sandbox;
  let page: Page;
  let baseUrl: string;
  withBrowserPage((started) => ({ sandbox, page, baseUrl } = started));

  beforeAll(async () => {
    await sandbox.app.get<TestClock>(CLOCK).set(new Date(`${last}-12-29T20:00:00+08:00`));
  });

  it('marks the due time 暂定 in the queue and on the case and shows the notice in the panel', async () => {
    const { caseId } = await appealCase(sandbox);
    const watcher = await sandbox.staff(['supervisor']);
    await watcher.caseOf(caseId);

    await signIn(page, baseUrl, 'supervisor-calendar-1', ['supervisor']);

    const notice = page.getByTestId('notification-calendar');
    await notice.waitFor();
    expect(await notice.textContent()).toContain(`${last}-12-31`);

    await page.getByTestId('queue-kind-appeal').click();
    const row = page.locator(`[data-testid="queue-row"][data-case-id="${caseId}"]`);
    const badge = row.getByTestId('queue-row-due-provisional');
    await badge.waitFor();
    expect((await badge.textContent())?.trim()).toBe('暂定');
    await row.click();
    await page.locator(`[data-testid="case-page"][data-case-id="${caseId}"]`).waitFor();
    const marker = page.getByTestId('case-due-provisional');
    await marker.waitFor();
    expect((await marker.textContent())?.trim()).toBe('暂定');
  });
});
