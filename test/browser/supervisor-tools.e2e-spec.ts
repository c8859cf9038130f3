import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { describeInBrowser, docsScreenshot, signIn, withBrowserPage } from '../support/browser';
import { manualReviewCase } from '../support/cases';
import { newMobile, Sandbox } from '../support/journey';

// A supervisor's tools in Chinese: bulk reassignment from the queue to a staff member
// picked from the list, and the audit across cases with its CSV export.

describeInBrowser('a supervisor’s bulk actions and audit, in the browser', () => {
  let sandbox: Sandbox;
  let page: Page;
  let baseUrl: string;
  // A browser set up as a reviewer's in mainland China (language and time zone).
  withBrowserPage((started) => ({ sandbox, page, baseUrl } = started), {
    context: { locale: 'zh-CN', timezoneId: 'Asia/Shanghai' },
  });

  it('reassigns two cases at once to a reviewer from the list, then audits a reviewer', async () => {
    const cases = [await manualReviewCase(sandbox), await manualReviewCase(sandbox)];
    const target = await sandbox.staff(['reviewer'], 'rev-tools-target');
    const reader = await sandbox.staff(['reviewer'], 'rev-tools-reader');
    for (const { caseId } of cases) await target.caseOf(caseId);
    await reader
      .post(`/v1/backoffice/cases/${cases[0].caseId}/reveal`, {
        field: 'name',
        justification: '核对证件上的姓名写法',
      })
      .expect(200);
    const mobile = newMobile();
    await reader.post('/v1/backoffice/cases/search', { mobile }).expect(200);

    await signIn(page, baseUrl, 'sup-tools-1', ['supervisor']);

    for (const { caseId } of cases) {
      const row = page.locator(`[data-testid="queue-row"][data-case-id="${caseId}"]`);
      for (let tries = 0; !(await row.isVisible()) && tries < 50; tries++) {
        await page.getByTestId('queue-refresh').click();
        await page.waitForTimeout(200);
      }
      await row.getByTestId('queue-row-pick').check();
    }
    await page.getByTestId('bulk-count').filter({ hasText: '已选 2 个案件' }).waitFor();
    await page.getByTestId('bulk-reassign-to').selectOption('rev-tools-target');
    await page.getByTestId('bulk-reassign').click();
    await page.getByTestId('bulk-result').filter({ hasText: '2 个已完成，0 个未完成' }).waitFor();
    // The list is a read model: it shows the new assignee once it has read the events.
    for (const { caseId } of cases) {
      const row = page
        .locator(`[data-testid="queue-row"][data-case-id="${caseId}"]`)
        .filter({ hasText: 'rev-tools-target' });
      for (let tries = 0; !(await row.isVisible()) && tries < 50; tries++) {
        await page.getByTestId('queue-refresh').click();
        await page.waitForTimeout(200);
      }
      await row.waitFor();
    }
    await page.mouse.move(0, 0);
    await docsScreenshot(page, 'zh-queue-bulk');

    await page.getByTestId('nav-audit').click();
    await page.getByTestId('audit-page').waitFor();
    await page.getByTestId('audit-staff').selectOption('rev-tools-reader');
    const revealed = page.locator(
      '[data-testid="audit-row"][data-action="personal_data_revealed"]',
    );
    const searched = page.locator(
      '[data-testid="audit-row"][data-action="personal_data_searched"]',
    );
    for (
      let tries = 0;
      !((await revealed.isVisible()) && (await searched.isVisible())) && tries < 50;
      tries++
    ) {
      await page.getByTestId('audit-apply').click();
      await page.waitForTimeout(200);
    }
    await revealed.filter({ hasText: '查看了个人信息' }).waitFor();
    await revealed.filter({ hasText: '核对证件上的姓名写法' }).waitFor();
    // The search: by which kind of value and what it found, never the number searched.
    await searched.filter({ hasText: '按个人信息搜索了案件' }).waitFor();
    await searched.filter({ hasText: '按手机号' }).filter({ hasText: '未找到' }).waitFor();
    expect(await page.getByTestId('audit-table').innerText()).not.toContain(mobile);
    expect(await page.getByTestId('audit-row').count()).toBe(2);
    await docsScreenshot(page, 'zh-audit');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('audit-export').click(),
    ]);
    const csv = await readFile((await download.path())!, 'utf8');
    expect(csv.startsWith('\ufeffat_beijing_time,action,staff_id,')).toBe(true);
    expect(csv).toContain(',personal_data_revealed,rev-tools-reader,');
    expect(csv).toContain(',personal_data_searched,rev-tools-reader,');
    expect(csv).not.toContain(mobile);
    expect(csv).not.toContain('张三');
  });
});
