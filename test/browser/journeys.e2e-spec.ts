import type { Browser, Page } from 'playwright-core';
import {
  certificatePhoto,
  describeInBrowser,
  docsScreenshot,
  documentImagesLoaded,
  screenshot,
  signIn,
  withBrowserPage,
} from '../support/browser';
import { appealCase, manualReviewCase } from '../support/cases';
import { newIdNumber, Sandbox, type Account, type FileToUpload } from '../support/journey';

// The journeys the back office exists for, in Chromium against a sandbox api: a reviewer
// working the oldest manual review, a support agent denying an appeal and a supervisor
// giving an upheld appeal its second approval, in the app's default language (zh-CN).
// Each leaves screenshots a person can look at in test-output/screenshots/ (case-page.png
// also illustrates the docs; the docs' queue picture is escalation.e2e-spec.ts's).

describeInBrowser('back-office journeys in the browser', () => {
  let sandbox: Sandbox;
  let browser: Browser;
  let page: Page;
  let baseUrl: string;
  let photos = 0;
  // Each journey is its own staff member in a fresh context (session storage, cookies).
  withBrowserPage((started) => ({ sandbox, browser, page, baseUrl } = started), {
    pagePerTest: true,
  });

  function nextPhoto(title: string): Promise<FileToUpload> {
    photos += 1;
    return certificatePhoto(browser, title, photos, `沙箱样本 ${photos}，非真实证件`);
  }

  async function certificates(): Promise<FileToUpload[]> {
    return [await nextPhoto('户口簿'), await nextPhoto('派出所证明')];
  }

  /** The queue row of each case, refreshing until the back office has opened them all. */
  async function waitForRows(caseIds: string[]): Promise<void> {
    await refreshUntil(async () => {
      const shown = await rowIds();
      return caseIds.every((id) => shown.includes(id));
    });
  }

  /** Refreshes until the queue lists exactly these cases, in this order. */
  async function waitForQueue(caseIds: string[]): Promise<void> {
    const same = async () => JSON.stringify(await rowIds()) === JSON.stringify(caseIds);
    if (!(await refreshUntil(same))) {
      expect(await rowIds()).toEqual(caseIds);
    }
  }

  async function refreshUntil(done: () => Promise<boolean>): Promise<boolean> {
    await page.getByTestId('queue-table').or(page.getByTestId('queue-empty')).first().waitFor();
    for (let tries = 0; tries < 50; tries++) {
      if (await done()) return true;
      await page.waitForTimeout(200);
      await page.getByTestId('queue-refresh').click();
      await page.getByTestId('queue-table').or(page.getByTestId('queue-empty')).first().waitFor();
    }
    return done();
  }

  /** The case ids of the queue's rows, top to bottom, read in one go. */
  function rowIds(): Promise<string[]> {
    return page.evaluate<string[]>(
      `[...document.querySelectorAll('[data-testid="queue-row"]')].map((row) => row.dataset.caseId)`,
    );
  }

  async function openFromQueue(caseId: string): Promise<void> {
    await page.locator(`[data-testid="queue-row"][data-case-id="${caseId}"]`).click();
    await page.locator(`[data-testid="case-page"][data-case-id="${caseId}"]`).waitFor();
  }

  async function claimOnCasePage(sub: string): Promise<void> {
    await page.getByTestId('decision-unavailable').waitFor();
    await page.getByTestId('action-claim').click();
    await page.locator('[data-testid="case-status"][data-status="claimed"]').waitFor();
    await page.getByTestId('case-assignee').filter({ hasText: sub }).waitFor();
    await page.getByTestId('decision-form').waitFor();
  }

  async function decidedAs(outcome: string): Promise<void> {
    await page.locator('[data-testid="case-status"][data-status="decided"]').waitFor();
    await page
      .getByTestId('decision-summary-outcome')
      .locator(`[data-outcome="${outcome}"]`)
      .waitFor();
  }

  it('a reviewer claims the oldest manual review, views both certificates and approves it', async () => {
    // Three reviews filed one after another: the first is due first, so it heads the queue.
    const filed: { account: Account; caseId: string }[] = [];
    for (let i = 0; i < 3; i++) {
      filed.push(await manualReviewCase(sandbox, newIdNumber('999'), await certificates()));
    }
    const oldest = filed[0];
    const reviewer = 'rev-journey-1';

    await signIn(page, baseUrl, reviewer, ['reviewer']);
    await page
      .getByTestId('queue-kind-manual_review')
      .and(page.locator('[aria-selected="true"]'))
      .waitFor();
    // Oldest first: the order they were filed in, which is the order they fall due.
    await waitForQueue(filed.map((f) => f.caseId));
    expect(await page.locator('[data-testid="queue-row"][data-escalated="true"]').count()).toBe(0);
    await page.locator('[data-testid="queue-end"][data-count="3"]').waitFor();
    await screenshot(page, 'queue-oldest-first');

    // The top row: the oldest case.
    const topId = await page.getByTestId('queue-row').first().getAttribute('data-case-id');
    expect(topId).toBe(oldest.caseId);
    await openFromQueue(oldest.caseId);
    await page.getByTestId('case-account').filter({ hasText: oldest.account.accountId }).waitFor();
    await page.getByTestId('case-subject-name').filter({ hasText: '张*' }).waitFor();
    await claimOnCasePage(reviewer);

    // Both certificates have arrived and decoded (naturalWidth > 0), not only their <img>.
    await documentImagesLoaded(page, 2);
    expect(await page.getByTestId('document-viewer').count()).toBe(2);
    expect(await page.getByTestId('document-error').count()).toBe(0);
    await docsScreenshot(page, 'case-page');

    await page.getByTestId('decision-outcome-approve').check();
    await page.getByTestId('decision-internal-note').fill('两份证件均与身份信息一致。');
    await page.getByTestId('decision-submit').click();
    await decidedAs('approved');
    await page.getByTestId('action-notice').filter({ hasText: '决定已记录' }).waitFor();
    await page.getByTestId('decision-form').waitFor({ state: 'detached' });
    await screenshot(page, 'case-approved');

    // The decision reached the user's process: on to the bank card.
    const status = await oldest.account.waitForState('bank_card_required');
    expect(status.nextActions).toEqual(['submit_bank_card']);
    // The others still wait, the next oldest now first.
    for (const other of filed.slice(1)) {
      expect((await other.account.status()).state).toBe('manual_review_pending');
    }
    await page.getByTestId('back-to-queue').click();
    await page.getByTestId('queue-table').waitFor();
    await waitForQueue(filed.slice(1).map((f) => f.caseId));
  }, 90_000);

  it('a support agent claims an appeal and denies it with a reason; the user is told', async () => {
    const { account, caseId } = await appealCase(sandbox, await certificates());
    const agent = 'support-journey-2';
    const reasonCode = 'documents_do_not_match';
    const message = '您提交的证件与填写的身份信息不一致。';

    await signIn(page, baseUrl, agent, ['support']);
    // Support agents work appeals only: the queue opens on them.
    await page
      .getByTestId('queue-kind-appeal')
      .and(page.locator('[aria-selected="true"]'))
      .waitFor();
    expect(await page.getByTestId('queue-kind-manual_review').count()).toBe(0);
    await waitForRows([caseId]);
    await openFromQueue(caseId);
    await page.getByTestId('case-holder-account').waitFor();
    await claimOnCasePage(agent);

    await page.getByTestId('decision-outcome-reject').check();
    const reason = page.getByTestId('decision-reason-code');
    // The appeal's reasons, not the manual review's.
    await reason.locator(`option[value="${reasonCode}"]`).waitFor({ state: 'attached' });
    expect(await reason.locator('option[value="certificates_unreadable"]').count()).toBe(0);
    await reason.selectOption(reasonCode);
    await page.getByTestId('decision-user-message').fill(message);
    await page.getByTestId('decision-internal-note').fill('两份证件上的姓名不一致。');
    await page.getByTestId('decision-submit').click();
    await decidedAs('denied');
    // The reason by its label; its code stays out of sight.
    await page
      .getByTestId('decision-summary-reason')
      .locator(`[data-reason-code="${reasonCode}"]`)
      .filter({ hasText: '证件与身份信息不符' })
      .waitFor();
    expect(await page.getByTestId('decision-summary').innerText()).not.toContain(reasonCode);
    await screenshot(page, 'appeal-denied');

    expect(await account.waitForState('appeal_denied')).toMatchObject({
      notice: { code: reasonCode, message },
    });
  }, 90_000);

  it('a supervisor gives the second approval to an appeal a support agent proposes to uphold', async () => {
    const { account, holder, caseId } = await appealCase(sandbox, await certificates());
    const agent = await sandbox.staff(['support'], 'support-journey-3');
    await agent.take(caseId);
    await agent
      .decide(caseId, { outcome: 'approve', internalNote: '户口簿与身份信息一致。' })
      .expect(200);
    const supervisor = 'supervisor-journey-3';

    await signIn(page, baseUrl, supervisor, ['supervisor']);
    await page.getByTestId('queue-kind-appeal').click();
    await page
      .getByTestId('queue-kind-appeal')
      .and(page.locator('[aria-selected="true"]'))
      .waitFor();
    await page.getByTestId('queue-status-filter').selectOption('awaiting_approval');
    await page.waitForURL(
      /kind=appeal.*status=awaiting_approval|status=awaiting_approval.*kind=appeal/,
    );
    await waitForRows([caseId]);
    await page
      .locator(
        `[data-testid="queue-row"][data-case-id="${caseId}"] [data-testid="queue-row-status"]`,
      )
      .and(page.locator('[data-status="awaiting_approval"]'))
      .waitFor();
    await openFromQueue(caseId);

    const panel = page.getByTestId('approval-panel');
    await panel.filter({ hasText: agent.id }).waitFor();
    await panel.filter({ hasText: '提议认定此申诉成立' }).waitFor();
    await page
      .getByTestId('approval-proposal-note')
      .filter({ hasText: '户口簿与身份信息一致。' })
      .waitFor();
    await page.locator('[data-testid="case-status"][data-status="awaiting_approval"]').waitFor();
    await page.getByTestId('approval-note').fill('同意：证件一致。');
    await screenshot(page, 'approval');

    await page.getByTestId('approval-approve').click();
    await decidedAs('upheld');
    await page
      .getByTestId('decision-summary')
      .filter({ hasText: `复核人 ${supervisor}` })
      .waitFor();
    await panel.waitFor({ state: 'detached' });
    await screenshot(page, 'appeal-upheld');

    // The claimant gets the identity; the account that held it loses it.
    await account.waitForState('identity_verified');
    expect(await holder.waitForState('identity_pending')).toMatchObject({
      authenticated: false,
      notice: { code: 'identity_revoked_appeal_upheld' },
    });
  }, 90_000);
});
