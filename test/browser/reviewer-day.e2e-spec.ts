import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import {
  certificatePhoto,
  describeInBrowser,
  docsScreenshot,
  documentImagesLoaded,
  signIn,
  withBrowserPage,
} from '../support/browser';
import { appealCase, manualReviewCase } from '../support/cases';
import { newIdNumber, Sandbox, type FileToUpload, type Staff } from '../support/journey';
import { REPO_ROOT } from '../support/web-app';

// A reviewer's day in Chinese, in Chromium against a sandbox api: the queue, comparing
// the applicant with the certificates, a rejection with the reason's default message, a
// request for new certificates that the user answers, an approval, and a supervisor's
// second approval of an upheld appeal. The browser runs in Los Angeles time and asks for
// English: the app still speaks Chinese and writes every time in Beijing time. Its
// screenshots illustrate the docs (docs/screenshots/zh-*.png).

const ZH = JSON.parse(
  readFileSync(join(REPO_ROOT, 'apps', 'backoffice-web', 'src', 'i18n', 'zh-CN.json'), 'utf8'),
) as Record<string, string>;
const BEIJING_OFFSET_MS = 8 * 3600 * 1000;

/** An instant as the app must write it: Beijing is UTC+8 all year, with no summer time. */
function beijingTime(iso: string, now = Date.now()): string {
  const at = new Date(Date.parse(iso) + BEIJING_OFFSET_MS);
  const thisYear = new Date(now + BEIJING_OFFSET_MS).getUTCFullYear();
  const pad = (n: number) => String(n).padStart(2, '0');
  const year = at.getUTCFullYear() === thisYear ? '' : `${at.getUTCFullYear()}年`;
  return `${year}${at.getUTCMonth() + 1}月${at.getUTCDate()}日 ${pad(at.getUTCHours())}:${pad(
    at.getUTCMinutes(),
  )}（北京时间）`;
}

describeInBrowser('a reviewer’s day in Chinese', () => {
  let sandbox: Sandbox;
  let browser: Browser;
  let baseUrl: string;
  let page: Page;
  let photos = 0;
  withBrowserPage((started) => ({ sandbox, browser, page, baseUrl } = started), {
    pagePerTest: true,
    context: { timezoneId: 'America/Los_Angeles', locale: 'en-US' },
  });

  async function certificates(): Promise<FileToUpload[]> {
    const made: FileToUpload[] = [];
    for (const title of ['户口簿', '派出所证明']) {
      photos += 1;
      made.push(await certificatePhoto(browser, title, photos, `沙箱样本 ${photos}，非真实证件`));
    }
    return made;
  }

  /** The queue row of a case, refreshing until the back office has opened it. */
  async function row(caseId: string) {
    const found = page.locator(`[data-testid="queue-row"][data-case-id="${caseId}"]`);
    for (let tries = 0; !(await found.isVisible()) && tries < 50; tries++) {
      await page.getByTestId('queue-refresh').click();
      await page.waitForTimeout(200);
    }
    await found.waitFor();
    return found;
  }

  async function openCase(caseId: string): Promise<void> {
    await (await row(caseId)).click();
    await page.locator(`[data-testid="case-page"][data-case-id="${caseId}"]`).waitFor();
  }

  async function claim(sub: string): Promise<void> {
    await page.getByTestId('action-claim').click();
    await page.locator('[data-testid="case-status"][data-status="claimed"]').waitFor();
    await page.getByTestId('case-assignee').filter({ hasText: sub }).waitFor();
    await page.getByTestId('decision-form').waitFor();
  }

  /** Every time on the timeline is written in Beijing time; none is a raw ISO string. */
  async function expectTimelineInBeijingTime(): Promise<void> {
    const times = await page.getByTestId('timeline-time').allInnerTexts();
    expect(times.length).toBeGreaterThan(0);
    for (const text of times) expect(text).toMatch(/^\d{1,2}月\d{1,2}日 \d\d:\d\d（北京时间）$/);
    expect(await page.getByTestId('timeline').innerText()).not.toMatch(/\d{4}-\d\d-\d\dT\d\d/);
  }

  it('compares the applicant with the certificates and rejects with the reason’s default message', async () => {
    const idNumber = newIdNumber('999');
    const { account, caseId } = await manualReviewCase(sandbox, idNumber, await certificates());
    const watcher: Staff = await sandbox.staff(['supervisor'], 'supervisor-day-watch');
    const opened = await watcher.caseOf(caseId);
    const reviewer = 'rev-day-1';

    await signIn(page, baseUrl, reviewer, ['reviewer']);
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    const queued = await row(caseId);
    // Two days to go, in words, and the due time in Beijing time beside it.
    expect(await queued.getByTestId('queue-row-due-left').innerText()).toMatch(
      /^剩余 1 天 23 小时$/,
    );
    expect(await queued.getByTestId('queue-row-due-at').innerText()).toBe(
      beijingTime(opened.dueAt as string),
    );
    await page.getByRole('columnheader', { name: '到期' }).waitFor();
    await page.mouse.move(0, 0);
    await docsScreenshot(page, 'zh-queue');

    await openCase(caseId);
    await page.getByTestId('case-subject-name').filter({ hasText: '张*' }).waitFor();
    await claim(reviewer);
    await documentImagesLoaded(page, 2);

    // Compare: name and ID number beside the certificates, for one justification, by the
    // shortcut that readies it.
    await page.keyboard.press('i');
    expect(await page.getByTestId('reveal-field').inputValue()).toBe('both');
    await page.getByTestId('reveal-justification').fill('与证件照片核对姓名和身份证号');
    await page.getByTestId('reveal-submit').click();
    await page
      .locator('[data-testid="reveal-value"][data-field="name"]')
      .filter({ hasText: '张三' })
      .waitFor();
    await page
      .locator('[data-testid="reveal-value"][data-field="idNumber"]')
      .filter({ hasText: idNumber })
      .waitFor();

    // Turned a quarter and zoomed to 125 %, the certificate can be scrolled to every edge.
    const viewer = page.getByTestId('document-viewer').first();
    await viewer.getByTestId('document-rotate').click();
    await viewer.getByTestId('document-zoom-in').click();
    await viewer
      .locator('[data-testid="document-image"][data-rotation="90"][data-zoom="1.25"]')
      .waitFor();
    await page.waitForTimeout(300); // the rotation's transition
    // A string runs in the page: the root tsconfig has no DOM types.
    const edges = await page.evaluate<Record<string, number | boolean>>(`(() => {
      const stage = document.querySelector('[data-testid="document-stage"]');
      const image = () => stage.querySelector('[data-testid="document-image"]').getBoundingClientRect();
      const box = stage.getBoundingClientRect();
      stage.scrollTo(0, 0);
      const start = image();
      stage.scrollTo(stage.scrollWidth, stage.scrollHeight);
      const end = image();
      stage.scrollTo(0, 0);
      return {
        taller: start.height > stage.clientHeight,
        left: start.left - box.left,
        top: start.top - box.top,
        right: box.left + stage.clientWidth - end.right,
        bottom: box.top + stage.clientHeight - end.bottom,
      };
    })()`);
    expect(edges.taller).toBe(true);
    for (const side of ['left', 'top', 'right', 'bottom']) {
      expect(edges[side]).toBeGreaterThanOrEqual(-1);
    }

    // The comparison (one event) and the views are on the timeline, in Beijing time.
    await page.locator('[data-testid="timeline-item"][data-type="IdentityCompared"]').waitFor();
    expect(
      await page.locator('[data-testid="timeline-item"][data-type="PersonalDataRevealed"]').count(),
    ).toBe(0);
    await page
      .locator('[data-testid="timeline-item"][data-type="DocumentViewed"]')
      .nth(1)
      .waitFor();
    await expectTimelineInBeijingTime();
    await docsScreenshot(page, 'zh-case-compare');

    // Reject: the reason fills in its default message, in Chinese, to send as it is.
    const defaultMessage = ZH['reason.manual_review.certificates_unreadable.message'];
    await page.getByTestId('decision-outcome-reject').check();
    await page.getByTestId('decision-reason-code').selectOption('certificates_unreadable');
    const message = page.getByTestId('decision-user-message');
    expect(await message.inputValue()).toBe(defaultMessage);
    expect(await message.getAttribute('data-default')).toBe('true');
    await page.getByTestId('decision-internal-note').fill('照片模糊，无法辨认证件号码。');
    await page.getByTestId('decision-submit').click();

    await page.locator('[data-testid="case-status"][data-status="decided"]').waitFor();
    const summary = page.getByTestId('decision-summary');
    await page
      .getByTestId('decision-summary-reason')
      .filter({ hasText: '证件模糊或不完整' })
      .waitFor();
    expect(await summary.innerText()).not.toContain('certificates_unreadable');
    await page
      .getByTestId('decision-summary-message')
      .filter({ hasText: defaultMessage })
      .waitFor();
    await expectTimelineInBeijingTime();
    await docsScreenshot(page, 'zh-case-rejected');

    expect(await account.waitForState('manual_review_rejected')).toMatchObject({
      notice: { code: 'certificates_unreadable', message: defaultMessage },
    });
  }, 120_000);

  it('asks for new certificates, sees the ones the user uploads and approves', async () => {
    const { account, caseId } = await manualReviewCase(
      sandbox,
      newIdNumber('999'),
      await certificates(),
    );
    const reviewer = 'rev-day-2';

    await signIn(page, baseUrl, reviewer, ['reviewer']);
    await openCase(caseId);
    await claim(reviewer);
    await documentImagesLoaded(page, 2);

    // A new upload: a general default message, edited before it is sent.
    await page.getByTestId('decision-outcome-request_reupload').check();
    const message = page.getByTestId('decision-user-message');
    // Filled with the default once the choice has rendered.
    for (
      let tries = 0;
      tries < 50 && (await message.inputValue()) !== ZH['decision.reupload.defaultMessage'];
      tries++
    ) {
      await page.waitForTimeout(100);
    }
    expect(await message.inputValue()).toBe(ZH['decision.reupload.defaultMessage']);
    const edited = '请重新拍摄户口簿本人页，确保四角完整、文字清晰。';
    await message.fill(edited);
    expect(await message.getAttribute('data-default')).toBe('false');
    await page.getByTestId('decision-submit').click();
    await page.locator('[data-testid="case-status"][data-status="awaiting_user"]').waitFor();
    await page.getByTestId('reupload-notice').filter({ hasText: edited }).waitFor();
    await page
      .locator('[data-testid="case-due"][data-due="paused"]')
      .filter({ hasText: /^已暂停 · 剩余 1 天 23 小时$/ })
      .waitFor();
    const waiting = await account.waitForState((s) =>
      s.nextActions.includes('reupload_certificates'),
    );
    expect(waiting.notice?.message).toBe(edited);

    // The user uploads through the API; the case is open again with both uploads.
    await account
      .upload('/v1/verification/manual-review', { certificates: await certificates() })
      .expect(202);
    await page.getByTestId('back-to-queue').click();
    const reopened = (await row(caseId)).locator(
      '[data-testid="queue-row-status"][data-status="open"]',
    );
    for (let tries = 0; !(await reopened.isVisible()) && tries < 50; tries++) {
      await page.getByTestId('queue-refresh').click();
      await page.waitForTimeout(200);
    }
    await openCase(caseId);
    await page.locator('[data-testid="case-status"][data-status="open"]').waitFor();
    await claim(reviewer);
    await page
      .locator('[data-testid="document-set"][data-set="2"]')
      .filter({ hasText: '第 2 次上传（最新）' })
      .waitFor();
    await documentImagesLoaded(page, 4);

    await page.getByTestId('decision-outcome-approve').check();
    expect(await message.inputValue()).toBe('');
    await page.getByTestId('decision-internal-note').fill('新上传的户口簿清晰，与身份信息一致。');
    await page.getByTestId('decision-submit').click();
    await page.locator('[data-testid="case-status"][data-status="decided"]').waitFor();
    await page.getByTestId('decision-summary-outcome').filter({ hasText: '通过' }).waitFor();
    await page.locator('[data-testid="timeline-item"][data-type="DocumentsAdded"]').waitFor();
    await page
      .locator(
        '[data-testid="timeline-item"][data-type="DocumentsRequested"] [data-detail="slaRemainingMs"]',
      )
      .filter({ hasText: /1 天 23 小时/ })
      .waitFor();
    await expectTimelineInBeijingTime();
    await docsScreenshot(page, 'zh-case-approved');

    await account.waitForState('bank_card_required');
  }, 120_000);

  it('a supervisor gives the second approval to an upheld appeal', async () => {
    const { account, caseId } = await appealCase(sandbox, await certificates());
    const agent = await sandbox.staff(['support'], 'support-day-3');
    await agent.take(caseId);
    await agent
      .decide(caseId, { outcome: 'approve', internalNote: '户口簿与申诉的身份信息一致。' })
      .expect(200);
    const supervisor = 'supervisor-day-3';

    await signIn(page, baseUrl, supervisor, ['supervisor']);
    await page.getByTestId('queue-kind-appeal').click();
    await page.getByTestId('queue-status-filter').selectOption('awaiting_approval');
    await openCase(caseId);
    const panel = page.getByTestId('approval-panel');
    await panel
      .locator(`[data-testid="approval-proposal"][data-proposed-by="${agent.id}"]`)
      .waitFor();
    await panel.filter({ hasText: '提议认定此申诉成立' }).waitFor();
    await page
      .getByTestId('approval-proposal-note')
      .filter({ hasText: '户口簿与申诉的身份信息一致。' })
      .waitFor();
    await page.getByTestId('approval-note').fill('同意：证件一致。');
    await documentImagesLoaded(page, 2);
    await docsScreenshot(page, 'zh-approval');

    await page.getByTestId('approval-approve').click();
    await page.locator('[data-testid="case-status"][data-status="decided"]').waitFor();
    await page.getByTestId('decision-summary-outcome').filter({ hasText: '申诉成立' }).waitFor();
    await page
      .getByTestId('decision-summary-by')
      .filter({ hasText: `复核人 ${supervisor}` })
      .waitFor();
    await expectTimelineInBeijingTime();
    await account.waitForState('identity_verified');
  }, 120_000);
});
