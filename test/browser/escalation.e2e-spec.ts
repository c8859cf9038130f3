import type { Page } from 'playwright-core';
import { describeInBrowser, docsScreenshot, signIn, withBrowserPage } from '../support/browser';
import { manualReviewCase } from '../support/cases';
import { Sandbox, type Staff } from '../support/journey';

// The queue as a supervisor sees it once the SLA clock has run out on some cases: the
// escalated ones first and highlighted, their due time overdue, a claim with its holder,
// the breaches in the metrics strip and the notifications panel. Its own file: it moves
// the sandbox clock two days on. Its full-page screenshot is docs/screenshots/queue.png.

// The holiday data's runway notice may be listed too, depending on the date the test runs.
const breaches = (items: { kind: string }[]) => items.filter((n) => n.kind === 'sla_breached');

describeInBrowser('escalated cases in the queue, in the browser', () => {
  let sandbox: Sandbox;
  let page: Page;
  let baseUrl: string;
  withBrowserPage((started) => ({ sandbox, page, baseUrl } = started));

  /** Two manual reviews, filed and opened as cases (their SLA timers scheduled). */
  async function fileTwo(staff: Staff): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const { caseId } = await manualReviewCase(sandbox);
      await staff.caseOf(caseId);
      ids.push(caseId);
    }
    return ids;
  }

  /** The case ids of the queue's rows, top to bottom, read in one go. */
  function rowIds(): Promise<string[]> {
    return page.evaluate<string[]>(
      `[...document.querySelectorAll('[data-testid="queue-row"]')].map((row) => row.dataset.caseId)`,
    );
  }

  /** The metrics strip as {group: {metric: value}}, by their test ids and names. */
  function metricsShown(): Promise<Record<string, Record<string, string>>> {
    return page.evaluate<Record<string, Record<string, string>>>(
      `Object.fromEntries(
        [...document.querySelectorAll('[data-testid="metrics-strip"] .metric-group')].map((group) => [
          group.dataset.testid,
          Object.fromEntries(
            [...group.querySelectorAll('.metric')].map((metric) => [
              metric.dataset.metric,
              metric.querySelector('dd').textContent.trim(),
            ]),
          ),
        ]),
      )`,
    );
  }

  /** A few computed styles of a queue row, to tell a highlighted row from a plain one. */
  function rowLook(caseId: string): Promise<Record<string, string>> {
    return page.evaluate<Record<string, string>>(
      `(() => {
        const row = document.querySelector('[data-testid="queue-row"][data-case-id="${caseId}"]');
        const style = getComputedStyle(row);
        const due = getComputedStyle(row.querySelector('[data-testid="queue-row-due"]'));
        return {
          className: row.className,
          background: style.backgroundColor,
          boxShadow: style.boxShadow,
          dueColor: due.color,
          dueWeight: due.fontWeight,
        };
      })()`,
    );
  }

  it('a supervisor sees the escalated reviews first, highlighted and overdue, with the breaches', async () => {
    const watcher = await sandbox.staff(['supervisor'], 'supervisor-watch');

    // Two reviews filed 49 hours ago, past their 2-day SLA; two filed 2 hours ago.
    const late = await fileTwo(watcher);
    await sandbox.advance('PT47H');
    const recent = await fileTwo(watcher);
    await sandbox.advance('PT2H');

    // A reviewer holds one of the recent ones.
    const [claimed, waiting] = recent;
    const reviewer = await sandbox.staff(['reviewer'], 'rev-escalation-1');
    await reviewer.take(claimed);

    // The read models have caught up: both breaches escalated, the claim shown, notified.
    await watcher.queueUntil(
      { kind: 'manual_review' },
      (items) =>
        items.filter((item) => item.escalated).length === 2 &&
        items.some((item) => item.id === claimed && item.assignee === reviewer.id),
    );
    await sandbox.eventually(async () => {
      const response = await watcher.get('/v1/backoffice/notifications').expect(200);
      expect(breaches(response.body.items)).toHaveLength(2);
    });

    const supervisor = 'supervisor-escalation-1';
    await signIn(page, baseUrl, supervisor, ['supervisor']);
    await page
      .getByTestId('queue-kind-manual_review')
      .and(page.locator('[aria-selected="true"]'))
      .waitFor();
    await page.locator('[data-testid="queue-end"][data-count="4"]').waitFor();
    // Nothing hovered: the rows show their own colours.
    await page.mouse.move(0, 0);

    // Escalated first (in the order they fell due), then the rest by due time.
    expect(await rowIds()).toEqual([...late, claimed, waiting]);
    const row = (caseId: string) =>
      page.locator(`[data-testid="queue-row"][data-case-id="${caseId}"]`);
    for (const caseId of late) {
      await row(caseId).and(page.locator('[data-escalated="true"]')).waitFor();
      await row(caseId).getByText('已升级', { exact: true }).waitFor();
      const due = row(caseId).getByTestId('queue-row-due');
      expect(await due.getAttribute('data-due')).toBe('overdue');
      // One hour past the due time (and some seconds), in words, with the due time.
      expect(await row(caseId).getByTestId('queue-row-due-left').textContent()).toMatch(
        /^超时 1 小时( \d 分钟)?$/,
      );
      expect(await row(caseId).getByTestId('queue-row-due-at').textContent()).toMatch(
        /^\d{1,2}月\d{1,2}日 \d\d:\d\d（北京时间）$/,
      );
    }
    for (const caseId of recent) {
      await row(caseId).and(page.locator('[data-escalated="false"]')).waitFor();
      const due = row(caseId).getByTestId('queue-row-due');
      expect(await due.getAttribute('data-due')).toBe('running');
      // 48 hours less the 2 that passed: "1 day 21 hours" or "… 22 hours" by the seconds.
      expect(await row(caseId).getByTestId('queue-row-due-left').textContent()).toMatch(
        /^剩余 1 天 2[12] 小时$/,
      );
    }

    // Highlighted: a row of its own colour with a red edge, its due time red and bold.
    const escalatedLook = await rowLook(late[0]);
    const plainLook = await rowLook(waiting);
    expect(escalatedLook.className).toContain('escalated');
    expect(plainLook.className).not.toContain('escalated');
    expect(escalatedLook.background).not.toBe(plainLook.background);
    expect(escalatedLook.boxShadow).not.toBe(plainLook.boxShadow);
    expect(escalatedLook.dueColor).not.toBe(plainLook.dueColor);
    expect(Number(escalatedLook.dueWeight)).toBeGreaterThan(Number(plainLook.dueWeight));

    // The claim and its holder; the others are open and nobody's.
    await row(claimed)
      .getByTestId('queue-row-status')
      .and(page.locator('[data-status="claimed"]'))
      .waitFor();
    await row(claimed).getByText(reviewer.id, { exact: true }).waitFor();
    for (const caseId of [...late, waiting]) {
      await row(caseId)
        .getByTestId('queue-row-status')
        .and(page.locator('[data-status="open"]'))
        .waitFor();
      expect(await row(caseId).textContent()).not.toContain(reviewer.id);
    }

    // The metrics strip: three open, one claimed, two escalated; two breaches open.
    await page.getByTestId('metrics-strip').waitFor();
    const metrics = await metricsShown();
    expect(metrics['metrics-manual_review']).toMatchObject({
      open: '3',
      claimed: '1',
      escalated: '2',
    });
    expect(metrics['metrics-breaches']).toEqual({
      'breaches-open': '2',
      'breaches-last-30-days': '2',
    });
    await page
      .getByTestId('metrics-manual_review')
      .locator('.metric.alert[data-metric="escalated"]')
      .filter({ hasText: '已升级' })
      .waitFor();

    // The notifications panel: one SLA breach for each late case, linking to it.
    const notifications = page.getByTestId('notification-item');
    await notifications.nth(1).waitFor();
    expect(await notifications.count()).toBe(2);
    for (const caseId of late) {
      const item = notifications.filter({ hasText: caseId.slice(0, 8) });
      await item.filter({ hasText: '已超时' }).waitFor();
      await item.filter({ hasText: '已超过处理时限，仍未决定' }).waitFor();
      expect(await item.locator('a').getAttribute('href')).toContain(caseId);
    }
    expect(await page.getByTestId('notifications-empty').count()).toBe(0);

    await docsScreenshot(page, 'queue');
  }, 120_000);

  /** What the page's three parts say about escalated manual reviews, read in one go. */
  function escalatedShown(): Promise<{ rows: number; metric: string; notifications: number }> {
    return page.evaluate(
      `({
        rows: document.querySelectorAll('[data-testid="queue-row"][data-escalated="true"]').length,
        metric: document
          .querySelector('[data-testid="metrics-manual_review"] [data-metric="escalated"] dd')
          .textContent.trim(),
        notifications: document.querySelectorAll('[data-testid="notification-item"]').length,
      })`,
    );
  }

  it('after one Refresh the table, the metrics and the notifications agree', async () => {
    const watcher = await sandbox.staff(['supervisor'], 'supervisor-watch-2');
    // The page stays open on the queue of the test before, with two escalated reviews.
    await page.locator('[data-testid="queue-page"][data-refreshing="false"]').waitFor();
    expect(await escalatedShown()).toEqual({ rows: 2, metric: '2', notifications: 2 });

    // One more review, then two days more: every open review passes its due time.
    const { caseId } = await manualReviewCase(sandbox);
    await watcher.caseOf(caseId);
    await sandbox.advance('PT49H');
    await watcher.queueUntil(
      { kind: 'manual_review' },
      (items) => items.length === 5 && items.every((item) => item.escalated),
    );
    await sandbox.eventually(async () => {
      const response = await watcher.get('/v1/backoffice/notifications').expect(200);
      expect(breaches(response.body.items)).toHaveLength(5);
      const metrics = await watcher.get('/v1/backoffice/metrics').expect(200);
      expect(metrics.body.backlog.manual_review.escalated).toBe(5);
    });

    // One click refreshes every part of the page at once: within moments, not at the next
    // periodic refresh of some part (30 s away at best), all three say five.
    await page.getByTestId('queue-refresh').click();
    const deadline = Date.now() + 5_000;
    let shown = await escalatedShown();
    while (shown.notifications !== 5 && Date.now() < deadline) {
      await page.waitForTimeout(100);
      shown = await escalatedShown();
    }
    await page.locator('[data-testid="queue-page"][data-refreshing="false"]').waitFor();
    expect(await escalatedShown()).toEqual({ rows: 5, metric: '5', notifications: 5 });
    await page.locator(`[data-testid="queue-row"][data-case-id="${caseId}"]`).waitFor();
  }, 120_000);
});
