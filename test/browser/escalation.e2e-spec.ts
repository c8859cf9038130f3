import type { Browser, Page } from 'playwright-core';
import { describeInBrowser, screenshot, startBrowserSandbox } from '../support/browser';
import { manualReviewCase } from '../support/cases';
import { Sandbox, type Staff } from '../support/journey';

// The queue as a supervisor sees it once the SLA clock has run out on some cases: the
// escalated ones first and highlighted, their due time overdue, a claim with its holder,
// the breaches in the metrics strip and the notifications panel. Its own file: it moves
// the sandbox clock two days on. Its full-page screenshot is docs/screenshots/queue.png.

describeInBrowser('escalated cases in the queue, in the browser', () => {
  let sandbox: Sandbox;
  let browser: Browser;
  let page: Page;
  let baseUrl: string;

  let stop: () => Promise<void>;

  beforeAll(async () => {
    ({ sandbox, browser, baseUrl, stop } = await startBrowserSandbox());
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  }, 240_000);

  afterAll(async () => {
    await stop?.();
  });

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

  /** The metrics strip as {group heading: {label: value}}. */
  function metricsShown(): Promise<Record<string, Record<string, string>>> {
    return page.evaluate<Record<string, Record<string, string>>>(
      `Object.fromEntries(
        [...document.querySelectorAll('[data-testid="metrics-strip"] .metric-group')].map((group) => [
          group.querySelector('h3').textContent.trim(),
          Object.fromEntries(
            [...group.querySelectorAll('.metric')].map((metric) => [
              metric.querySelector('dt').textContent.trim(),
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
      expect(response.body.items).toHaveLength(2);
    });

    const supervisor = 'supervisor-escalation-1';
    await page.goto(`${baseUrl}/backoffice/`);
    await page.locator('[data-testid="sandbox-status"][data-sandbox="on"]').waitFor();
    await page.getByTestId('sign-in-sub').fill(supervisor);
    for (const role of ['reviewer', 'support', 'supervisor']) {
      await page.getByTestId(`sign-in-role-${role}`).setChecked(role === 'supervisor');
    }
    await page.getByTestId('sign-in-submit').click();
    await page.getByTestId('queue-page').waitFor();
    await page.getByTestId('current-user').filter({ hasText: supervisor }).waitFor();
    await page
      .getByTestId('queue-kind-manual_review')
      .and(page.locator('[aria-selected="true"]'))
      .waitFor();
    await page.getByTestId('queue-end').filter({ hasText: '4 cases' }).waitFor();
    // Nothing hovered: the rows show their own colours.
    await page.mouse.move(0, 0);

    // Escalated first (in the order they fell due), then the rest by due time.
    expect(await rowIds()).toEqual([...late, claimed, waiting]);
    const row = (caseId: string) =>
      page.locator(`[data-testid="queue-row"][data-case-id="${caseId}"]`);
    for (const caseId of late) {
      await row(caseId).and(page.locator('[data-escalated="true"]')).waitFor();
      await row(caseId).getByText('Escalated', { exact: true }).waitFor();
      const due = row(caseId).getByTestId('queue-row-due');
      expect(await due.getAttribute('data-due')).toBe('overdue');
      // One hour past the due time (and some seconds): "overdue 1h 00m".
      expect(await due.textContent()).toMatch(/^overdue 1h 0\dm$/);
    }
    for (const caseId of recent) {
      await row(caseId).and(page.locator('[data-escalated="false"]')).waitFor();
      const due = row(caseId).getByTestId('queue-row-due');
      expect(await due.getAttribute('data-due')).toBe('running');
      // 48 hours less the 2 that passed: "1d 21h" or "1d 22h" by the seconds.
      expect(await due.textContent()).toMatch(/^1d 2[12]h$/);
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
    expect(metrics['Manual reviews']).toMatchObject({ Open: '3', Claimed: '1', Escalated: '2' });
    expect(metrics['SLA breaches']).toEqual({ 'Open now': '2', 'Last 30 days': '2' });
    await page
      .getByTestId('metrics-manual_review')
      .locator('.metric.alert')
      .filter({ hasText: 'Escalated' })
      .waitFor();

    // The notifications panel: one SLA breach for each late case, linking to it.
    const notifications = page.getByTestId('notification-item');
    await notifications.nth(1).waitFor();
    expect(await notifications.count()).toBe(2);
    for (const caseId of late) {
      const item = notifications.filter({ hasText: caseId.slice(0, 8) });
      await item.filter({ hasText: 'SLA breached' }).waitFor();
      await item.filter({ hasText: 'passed its due time' }).waitFor();
      expect(await item.locator('a').getAttribute('href')).toContain(caseId);
    }
    expect(await page.getByTestId('notifications-empty').count()).toBe(0);

    await screenshot(page, 'queue-escalated');
  }, 120_000);
});
