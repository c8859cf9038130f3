import { CommandBus } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import {
  CaseQueueProjection,
  CaseTimelineProjection,
  CaseTimerKind,
  caseStreamId,
} from '@shiming/backoffice';
import { RebuildProjectionCommand } from '@shiming/event-store';
import { png, Sandbox, type Staff } from '../support/journey';
import { appealCase, manualReviewCase } from '../support/cases';
import { fireTogether } from '../support/timers';

// These tests move this file's sandbox clock: each goes forward from where the last left it.

type Told = { caseId: string; resolvedAt: string | null; message: string };

describe('back office: claim lapses, SLA escalation, and rebuilt read models', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await Sandbox.start();
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const value = await read();
      if (ok(value)) return value;
      if (Date.now() > deadline) throw new Error(`Never reached: ${JSON.stringify(value)}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  const caseOf = (staff: Staff, caseId: string) => staff.caseOf(caseId);

  it('a claim lapses after 30 minutes without activity; activity keeps it', async () => {
    const { caseId } = await manualReviewCase(sandbox);
    const reviewer = await sandbox.staff(['reviewer']);
    const claimed = await reviewer.take(caseId);
    const [doc] = claimed.documents as { id: string }[];
    await sandbox.advance('PT20M');
    // Viewing a certificate is activity: the claim now runs to 30 minutes from here.
    await reviewer.get(`/v1/backoffice/cases/${caseId}/documents/${doc.id}`).expect(200);
    await sandbox.advance('PT15M');
    expect(await caseOf(reviewer, caseId)).toMatchObject({
      status: 'claimed',
      assignee: reviewer.id,
    });
    await sandbox.advance('PT16M');
    expect(
      await until(
        () => caseOf(reviewer, caseId),
        (c) => c.status === 'open',
      ),
    ).toMatchObject({ assignee: null });
    const timeline = await reviewer.get(`/v1/backoffice/cases/${caseId}/timeline`).expect(200);
    expect(timeline.body.items.at(-1)).toMatchObject({
      type: 'ClaimLapsed',
      actor: { type: 'system', id: 'timer:case_claim_lapse' },
      details: { staffId: reviewer.id },
    });
    // Back in the queue for anyone.
    const other = await sandbox.staff(['reviewer']);
    await other.claim(caseId).expect(200);
  });

  it('escalates an undecided manual review after 2 days, tells supervisors, decides nothing', async () => {
    const { account, caseId } = await manualReviewCase(sandbox);
    const reviewer = await sandbox.staff(['reviewer']);
    await reviewer.caseOf(caseId);
    await sandbox.advance('PT47H');
    expect((await caseOf(reviewer, caseId)).escalated).toBe(false);
    await sandbox.advance('PT1H1M');
    const escalated = await until(
      () => caseOf(reviewer, caseId),
      (c) => c.escalated === true,
    );
    expect(escalated).toMatchObject({ status: 'open', priority: 1 });
    // Escalated first in the queue, ahead of cases due sooner.
    await manualReviewCase(sandbox);
    const queue = await reviewer.queueUntil({ kind: 'manual_review' }, (items) =>
      items.some((c) => c.id === caseId && c.escalated === true),
    );
    const firstNormal = queue.findIndex((c) => !c.escalated);
    const ours = queue.findIndex((c) => c.id === caseId);
    expect(firstNormal === -1 || ours < firstNormal).toBe(true);
    const escalatedOnly = await reviewer
      .get('/v1/backoffice/cases')
      .query({ status: 'escalated' })
      .expect(200);
    expect(escalatedOnly.body.items.every((c: { escalated: boolean }) => c.escalated)).toBe(true);
    const supervisor = await sandbox.staff(['supervisor']);
    const told = await until(
      async () => (await supervisor.get('/v1/backoffice/notifications').expect(200)).body.items,
      (items: Told[]) => items.some((n) => n.caseId === caseId),
    );
    const notice = told.find((n) => n.caseId === caseId)!;
    expect(notice).toMatchObject({
      kind: 'sla_breached',
      caseKind: 'manual_review',
      dueAt: escalated.dueAt,
      resolvedAt: null,
    });
    // Worded when read: in Chinese by default, in Beijing time; in English when asked.
    expect(notice.message).toMatch(
      new RegExp(`^人工审核案件 ${caseId.slice(0, 8)} 已超过截止时间（.+（北京时间））仍未处理。$`),
    );
    const english = await supervisor
      .get('/v1/backoffice/notifications')
      .set('Accept-Language', 'en')
      .expect(200);
    expect(english.body.items.find((n: { caseId: string }) => n.caseId === caseId).message).toMatch(
      new RegExp(
        `^Manual review ${caseId.slice(0, 8)} passed its due time \\(.+ \\(Beijing time\\)\\) undecided\\.$`,
      ),
    );
    await reviewer.get('/v1/backoffice/notifications').expect(403);
    const metrics = await supervisor.get('/v1/backoffice/metrics').expect(200);
    expect(metrics.body.breaches.open).toBeGreaterThanOrEqual(1);
    expect(metrics.body.backlog.manual_review.escalated).toBeGreaterThanOrEqual(1);
    // Never decided by the clock.
    expect((await account.status()).state).toBe('manual_review_pending');
    // Deciding the case resolves what supervisors were told about it.
    await reviewer.claim(caseId).expect(200);
    await reviewer.decide(caseId, { outcome: 'approve' }).expect(200);
    const resolved = await until(
      async () => (await supervisor.get('/v1/backoffice/notifications').expect(200)).body.items,
      (items: Told[]) => items.some((n) => n.caseId === caseId && n.resolvedAt !== null),
    );
    expect(resolved.find((n) => n.caseId === caseId)!.message).toMatch(/后已处理。$/);
  });

  it('does not escalate while the case waits on the user', async () => {
    const { account, caseId } = await manualReviewCase(sandbox);
    const reviewer = await sandbox.staff(['reviewer']);
    await reviewer.caseOf(caseId);
    await sandbox.advance('PT47H');
    await reviewer.claim(caseId).expect(200);
    await reviewer
      .decide(caseId, { outcome: 'request_reupload', userMessage: 'Both sides, please.' })
      .expect(200);
    await sandbox.advance('P3D');
    expect(await caseOf(reviewer, caseId)).toMatchObject({
      status: 'awaiting_user',
      escalated: false,
    });
    await account.waitForState((s) => s.nextActions.includes('reupload_certificates'));
    await account
      .upload('/v1/verification/manual-review', { certificates: [png(), png()] })
      .expect(202);
    const resumed = await until(
      () => caseOf(reviewer, caseId),
      (c) => c.status === 'open',
    );
    // About one hour was left when it paused (less the real time the test took).
    const uploadedAt = (resumed.documents as { addedAt: string }[]).at(-1)!.addedAt;
    const left = Date.parse(resumed.dueAt as string) - Date.parse(uploadedAt);
    expect(left).toBeLessThanOrEqual(3_600_000);
    expect(left).toBeGreaterThan(3_600_000 - 5_000);
    await sandbox.advance('PT1H1M');
    await until(
      () => caseOf(reviewer, caseId),
      (c) => c.escalated === true,
    );
  });

  it('escalates an appeal at the end of its third working day', async () => {
    const { caseId } = await appealCase(sandbox);
    const support = await sandbox.staff(['support']);
    const opened = await support.caseOf(caseId);
    const dueAt = Date.parse(opened.dueAt as string);
    // The end of a day in Shanghai: 23:59:59.999 at UTC+8.
    expect(new Date(dueAt + 8 * 3_600_000 + 1).toISOString().slice(11)).toBe('00:00:00.000Z');
    const clock = (await sandbox.http.get('/v1/sandbox/clock').expect(200)).body;
    const now = Date.parse(clock.now as string);
    const minutes = Math.ceil((dueAt - now) / 60_000) + 1;
    await sandbox.advance(`PT${minutes}M`);
    await until(
      () => caseOf(support, caseId),
      (c) => c.escalated === true,
    );
  });

  it('rebuilds case_queue and case_timeline from zero to the same rows', async () => {
    const { caseId } = await manualReviewCase(sandbox);
    const reviewer = await sandbox.staff(['reviewer']);
    await reviewer.take(caseId);
    await reviewer.decide(caseId, { outcome: 'approve' }).expect(200);
    await reviewer.queueUntil({ status: 'decided' }, (items) => items.some((c) => c.id === caseId));
    await reviewer.get(`/v1/backoffice/cases/${caseId}/timeline`).expect(200);
    const db = sandbox.app.get(DataSource);
    const dump = async () => ({
      queue: await db.query(`SELECT * FROM case_queue ORDER BY case_id`),
      timeline: await db.query(
        `SELECT case_id, seq, event_id, type, at, actor, details FROM case_timeline
          ORDER BY case_id, seq`,
      ),
    });
    const before = await dump();
    expect(before.queue.length).toBeGreaterThan(3);
    // Each row names the identity its case was opened for (how staff search by ID number).
    expect(before.queue.every((row: { subject_id: unknown }) => row.subject_id)).toBe(true);
    const bus = sandbox.app.get(CommandBus);
    await bus.execute(new RebuildProjectionCommand(CaseQueueProjection.NAME));
    await bus.execute(new RebuildProjectionCommand(CaseTimelineProjection.NAME));
    expect(await dump()).toEqual(before);
  });

  it('escalates the cases whose SLAs pass together in one firing batch', async () => {
    const cases = [];
    for (let i = 0; i < 3; i++) cases.push(await manualReviewCase(sandbox));
    const streams = cases.map(({ caseId }) => caseStreamId(caseId));
    // The cases (and their SLA timers) open from the log a moment after the uploads.
    const supervisor = await sandbox.staff(['supervisor']);
    for (const { caseId } of cases) await supervisor.caseOf(caseId);
    // Past the SLA, then the three wake-ups as the worker batches them.
    expect(
      await fireTogether(sandbox, CaseTimerKind.Sla, streams, 48 * 3_600_000 + 60_000),
    ).toEqual({ outcomes: ['fired', 'fired', 'fired'], transactions: 1, appendStatements: 1 });
    for (const { caseId } of cases) {
      await until(
        () => caseOf(supervisor, caseId),
        (c) => c.escalated === true,
      );
    }
  });
});
