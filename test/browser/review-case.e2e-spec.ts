import type { Browser, Page } from 'playwright-core';
import {
  certificatePhoto,
  describeInBrowser,
  documentImagesLoaded,
  screenshot,
  withBrowserPage,
} from '../support/browser';
import { newIdNumber, Sandbox } from '../support/journey';

describeInBrowser('working a manual review in the browser', () => {
  let sandbox: Sandbox;
  let browser: Browser;
  let page: Page;
  let baseUrl: string;
  withBrowserPage((started) => ({ sandbox, browser, page, baseUrl } = started));

  it('claims a case from the queue, shows its documents and rejects it with a reason', async () => {
    const account = await sandbox.account();
    await account.start();
    expect((await account.submitIdentity(newIdNumber('999'))).state).toBe('identity_mismatch');
    const filed = await account
      .upload('/v1/verification/manual-review', {
        certificates: [
          await certificatePhoto(browser, 'Household register', 1),
          await certificatePhoto(browser, 'Police certificate', 2),
        ],
      })
      .expect(202);
    const caseId = filed.body.case.id as string;

    await page.goto(`${baseUrl}/backoffice/`);
    await page.getByTestId('sign-in-sub').fill('rev-browser-9');
    await page.getByTestId('sign-in-submit').click();

    // The case reaches the queue once the back office has opened it from the request.
    const row = page.locator(`[data-testid="queue-row"][data-case-id="${caseId}"]`);
    for (let tries = 0; !(await row.isVisible()) && tries < 50; tries++) {
      await page.getByTestId('queue-refresh').click();
      await page.waitForTimeout(200);
    }
    await row.waitFor();
    await screenshot(page, 'review-queue');
    await row.click();

    await page.getByTestId('case-page').waitFor();
    await page.getByTestId('case-subject-name').filter({ hasText: '张*' }).waitFor();
    await page.getByTestId('action-claim').click();
    await page.locator('[data-testid="case-status"][data-status="claimed"]').waitFor();

    const images = page.getByTestId('document-image');
    await images.nth(1).waitFor();
    expect(await images.count()).toBe(2);
    // Loaded and decoded, not only present: wait for it rather than check once.
    await documentImagesLoaded(page, 2);
    await page.getByTestId('document-rotate').first().click();
    await page.locator('[data-testid="document-image"][data-rotation="90"]').waitFor();

    // The keyboard: x chooses "reject" and puts the focus on the reason.
    await page.locator('body').click({ position: { x: 5, y: 500 } });
    await page.keyboard.press('x');
    const reason = page.getByTestId('decision-reason-code');
    await reason.waitFor();
    const firstReason = await reason.locator('option').nth(1).getAttribute('value');
    await reason.selectOption(firstReason as string);
    await page.getByTestId('decision-user-message').fill('The photos are too dark to read.');
    await page.getByTestId('decision-internal-note').fill('Both certificates unreadable.');
    await screenshot(page, 'review-case-deciding');
    await page.getByTestId('decision-submit').click();

    await page.locator('[data-testid="case-status"][data-status="decided"]').waitFor();
    await page.getByTestId('decision-summary').waitFor();
    await page.locator('[data-testid="timeline-item"][data-type="CaseDecided"]').waitFor();
    await screenshot(page, 'review-case-decided');
  });
});
