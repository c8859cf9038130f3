import { randomBytes } from 'node:crypto';
import { CommandBus } from '@nestjs/cqrs';
import { parse } from 'csv-parse/sync';
import { RebuildProjectionCommand } from '@shiming/event-store';
import { newIdNumber, newMobile, Sandbox, type Staff } from '../support/journey';
import { appealCase, manualReviewCase } from '../support/cases';

// The holder's comparison, the staff directory, supervisors' bulk actions and the audit
// across cases, over HTTP.

interface AuditItem {
  eventId: string;
  at: string;
  action: string;
  staffId: string;
  caseId: string | null;
  accountId: string | null;
  details: Record<string, unknown>;
}

async function auditUntil(
  supervisor: Staff,
  query: Record<string, string>,
  until: (items: AuditItem[]) => boolean,
): Promise<AuditItem[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const response = await supervisor.get('/v1/backoffice/audit').query(query).expect(200);
    const items = response.body.items as AuditItem[];
    if (until(items)) return items;
    if (Date.now() > deadline) throw new Error(`Audit never matched: ${response.text}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function expectProblem(response: { status: number; headers: object; text: string }, code: string) {
  expect((response.headers as Record<string, string>)['content-type']).toMatch(
    /^application\/problem\+json/,
  );
  expect(JSON.parse(response.text)).toMatchObject({ status: response.status, code });
}

describe('back office: comparison, staff directory, bulk actions and the audit', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await Sandbox.start();
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  describe('comparing the applicant with the certificates', () => {
    it('shows the holder name and ID number in one action, recorded as one event', async () => {
      const idNumber = newIdNumber('999');
      const { caseId } = await manualReviewCase(sandbox, idNumber);
      const reviewer = await sandbox.staff(['reviewer']);
      await reviewer.take(caseId);
      const compared = await reviewer
        .post(`/v1/backoffice/cases/${caseId}/compare`, {
          justification: 'Comparing the applicant with the certificates.',
        })
        .expect(200);
      expect(compared.body).toEqual({ name: '张三', idNumber });
      expect(compared.headers['cache-control']).toBe('no-store');
      const timeline = await reviewer.get(`/v1/backoffice/cases/${caseId}/timeline`).expect(200);
      const types = timeline.body.items.map((e: { type: string }) => e.type);
      expect(types).toEqual(['CaseOpened', 'CaseClaimed', 'IdentityCompared']);
      expect(timeline.body.items[2]).toMatchObject({
        actor: { type: 'staff', id: reviewer.id },
        details: {
          by: reviewer.id,
          fields: ['name', 'idNumber'],
          justification: 'Comparing the applicant with the certificates.',
        },
      });
      expect(JSON.stringify(timeline.body)).not.toContain('张三');
      expect(JSON.stringify(timeline.body)).not.toContain(idNumber);
    });

    it('refuses anyone who does not hold the claim, with a stable code; they reveal one field', async () => {
      const { caseId } = await manualReviewCase(sandbox);
      const reviewer = await sandbox.staff(['reviewer']);
      const other = await sandbox.staff(['reviewer']);
      const supervisor = await sandbox.staff(['supervisor']);
      const body = { justification: 'Comparing the applicant with the certificates.' };
      await reviewer.caseOf(caseId);
      // Nobody holds it yet.
      expectProblem(
        await reviewer.post(`/v1/backoffice/cases/${caseId}/compare`, body).expect(403),
        'not_holder',
      );
      await reviewer.take(caseId);
      for (const stranger of [other, supervisor]) {
        expectProblem(
          await stranger.post(`/v1/backoffice/cases/${caseId}/compare`, body).expect(403),
          'not_holder',
        );
      }
      expectProblem(
        await reviewer
          .post(`/v1/backoffice/cases/${caseId}/compare`, { justification: 'x' })
          .expect(422),
        'validation_failed',
      );
      await other
        .post(`/v1/backoffice/cases/${caseId}/reveal`, {
          field: 'name',
          justification: 'Checking the spelling of the name.',
        })
        .expect(200);
      const timeline = await reviewer.get(`/v1/backoffice/cases/${caseId}/timeline`).expect(200);
      expect(timeline.body.items.map((e: { type: string }) => e.type)).toEqual([
        'CaseOpened',
        'CaseClaimed',
        'PersonalDataRevealed',
      ]);
    });
  });

  describe('the staff directory and bulk actions', () => {
    it('lists the staff who used the back office, by the kind they may work; supervisors only', async () => {
      const reviewer = await sandbox.staff(['reviewer']);
      const agent = await sandbox.staff(['support']);
      const supervisor = await sandbox.staff(['supervisor']);
      await reviewer.get('/v1/backoffice/cases').expect(200);
      await agent.get('/v1/backoffice/cases').expect(200);
      const all = await waitForStaff(supervisor, [reviewer.id, agent.id, supervisor.id]);
      expect(all.find((s) => s.id === reviewer.id)).toMatchObject({ roles: ['reviewer'] });
      const reviewers = await supervisor
        .get('/v1/backoffice/staff')
        .query({ kind: 'manual_review' })
        .expect(200);
      const ids = reviewers.body.items.map((s: { id: string }) => s.id);
      expect(ids).toContain(reviewer.id);
      expect(ids).not.toContain(agent.id);
      expectProblem(await reviewer.get('/v1/backoffice/staff').expect(403), 'forbidden');
      expectProblem(
        await supervisor.get('/v1/backoffice/staff').query({ kind: 'everything' }).expect(422),
        'validation_failed',
      );
    });

    it('reassigns several cases at once, each its own event and outcome', async () => {
      const [a, b, c] = await Promise.all([1, 2, 3].map(() => manualReviewCase(sandbox)));
      const holder = await sandbox.staff(['reviewer']);
      const target = await sandbox.staff(['reviewer']);
      const agent = await sandbox.staff(['support']);
      const supervisor = await sandbox.staff(['supervisor']);
      await agent.get('/v1/backoffice/cases').expect(200);
      await target.get('/v1/backoffice/cases').expect(200);
      await waitForStaff(supervisor, [target.id, agent.id]);
      await holder.take(b.caseId);
      await holder.take(c.caseId);
      await holder.decide(c.caseId, { outcome: 'approve' }).expect(200);
      await holder.caseOf(a.caseId);
      const missing = '3f0c9a52-5f0e-4a7e-9d0b-2b1c8d7e6f10';
      const answer = await supervisor
        .post('/v1/backoffice/cases/bulk-reassign', {
          caseIds: [a.caseId, b.caseId, c.caseId, missing],
          to: target.id,
          note: 'Evening shift',
        })
        .set('Accept-Language', 'en')
        .expect(200);
      expect(answer.body.results).toEqual([
        expect.objectContaining({ caseId: a.caseId, ok: true, changed: true, assignee: target.id }),
        expect.objectContaining({ caseId: b.caseId, ok: true, changed: true, assignee: target.id }),
        {
          caseId: c.caseId,
          ok: false,
          problem: expect.objectContaining({ status: 409, code: 'wrong_state' }),
        },
        {
          caseId: missing,
          ok: false,
          problem: expect.objectContaining({ status: 404, code: 'not_found' }),
        },
      ]);
      const timeline = await supervisor.get(`/v1/backoffice/cases/${b.caseId}/timeline`);
      expect(timeline.body.items.at(-1)).toMatchObject({
        type: 'CaseReassigned',
        actor: { type: 'staff', id: supervisor.id },
        details: { from: holder.id, to: target.id, note: 'Evening shift' },
      });
      // To someone who may not work the kind: refused case by case.
      const wrongRole = await supervisor
        .post('/v1/backoffice/cases/bulk-reassign', { caseIds: [a.caseId], to: agent.id })
        .expect(200);
      expect(wrongRole.body.results[0]).toMatchObject({
        ok: false,
        problem: { status: 422, code: 'assignee_cannot_work' },
      });
    });

    it('refuses reviewers, unknown staff and bad input as problem+json', async () => {
      const { caseId } = await manualReviewCase(sandbox);
      const reviewer = await sandbox.staff(['reviewer']);
      const supervisor = await sandbox.staff(['supervisor']);
      await reviewer.caseOf(caseId);
      for (const path of ['bulk-reassign', 'bulk-release']) {
        expectProblem(
          await reviewer
            .post(`/v1/backoffice/cases/${path}`, { caseIds: [caseId], to: reviewer.id })
            .expect(403),
          'forbidden',
        );
      }
      expectProblem(
        await supervisor
          .post('/v1/backoffice/cases/bulk-reassign', { caseIds: [caseId], to: 'nobody-here' })
          .expect(422),
        'unknown_staff',
      );
      for (const body of [
        { caseIds: [], to: reviewer.id },
        { caseIds: ['not-a-uuid'], to: reviewer.id },
        { caseIds: [caseId, caseId], to: reviewer.id },
        { caseIds: [caseId] },
        { caseIds: Array.from({ length: 101 }, () => caseId), to: reviewer.id },
      ]) {
        expectProblem(
          await supervisor.post('/v1/backoffice/cases/bulk-reassign', body).expect(422),
          'validation_failed',
        );
      }
    });

    it('replays a bulk action for its Idempotency-Key, and refuses the key for another body', async () => {
      const { caseId } = await manualReviewCase(sandbox);
      const target = await sandbox.staff(['reviewer']);
      const supervisor = await sandbox.staff(['supervisor']);
      await target.get('/v1/backoffice/cases').expect(200);
      await waitForStaff(supervisor, [target.id]);
      const key = `bulk-${randomBytes(6).toString('hex')}`;
      const body = { caseIds: [caseId], to: target.id };
      const first = await supervisor
        .post('/v1/backoffice/cases/bulk-reassign', body)
        .set('Idempotency-Key', key)
        .expect(200);
      const again = await supervisor
        .post('/v1/backoffice/cases/bulk-reassign', body)
        .set('Idempotency-Key', key)
        .expect(200);
      expect(again.body).toEqual(first.body);
      const timeline = await supervisor.get(`/v1/backoffice/cases/${caseId}/timeline`);
      expect(
        timeline.body.items.filter((e: { type: string }) => e.type === 'CaseReassigned'),
      ).toHaveLength(1);
      expectProblem(
        await supervisor
          .post('/v1/backoffice/cases/bulk-release', { caseIds: [caseId] })
          .set('Idempotency-Key', key)
          .expect(422),
        'idempotency_key_reused',
      );
    });

    it('two supervisors reassigning the same case at once: each case outcome is true, one holder', async () => {
      const { caseId } = await manualReviewCase(sandbox);
      const [first, second] = [
        await sandbox.staff(['reviewer']),
        await sandbox.staff(['reviewer']),
      ];
      const [boss1, boss2] = [
        await sandbox.staff(['supervisor']),
        await sandbox.staff(['supervisor']),
      ];
      await first.get('/v1/backoffice/cases').expect(200);
      await second.get('/v1/backoffice/cases').expect(200);
      await waitForStaff(boss1, [first.id, second.id]);
      await boss2.caseOf(caseId);
      const answers = await Promise.all([
        boss1.post('/v1/backoffice/cases/bulk-reassign', { caseIds: [caseId], to: first.id }),
        boss2.post('/v1/backoffice/cases/bulk-reassign', { caseIds: [caseId], to: second.id }),
      ]);
      expect(answers.map((a) => a.status)).toEqual([200, 200]);
      const results = answers.map((a) => a.body.results[0]);
      const done = results.filter((r) => r.ok && r.changed);
      for (const refused of results.filter((r) => !r.ok)) {
        expect(refused.problem.code).toBe('version_conflict');
      }
      const seen = await boss1.caseOf(caseId);
      expect([first.id, second.id]).toContain(seen.assignee);
      const timeline = await boss1.get(`/v1/backoffice/cases/${caseId}/timeline`).expect(200);
      const reassigned = timeline.body.items.filter(
        (e: { type: string }) => e.type === 'CaseReassigned',
      );
      expect(reassigned).toHaveLength(done.length);
      expect(reassigned.at(-1).details.to).toBe(seen.assignee);
    });

    it('releases several cases at once; one not claimed is refused on its own', async () => {
      const [a, b] = await Promise.all([1, 2].map(() => manualReviewCase(sandbox)));
      const holder = await sandbox.staff(['reviewer']);
      const supervisor = await sandbox.staff(['supervisor']);
      await holder.take(a.caseId);
      await holder.caseOf(b.caseId);
      const answer = await supervisor
        .post('/v1/backoffice/cases/bulk-release', { caseIds: [a.caseId, b.caseId] })
        .expect(200);
      expect(answer.body.results).toEqual([
        expect.objectContaining({ caseId: a.caseId, ok: true, status: 'open', assignee: null }),
        {
          caseId: b.caseId,
          ok: false,
          problem: expect.objectContaining({ status: 409, code: 'wrong_state' }),
        },
      ]);
      // Worded for the reader, the code unchanged.
      expect(answer.body.results[1].problem.detail).toMatch(/[\u4e00-\u9fff]/);
    });
  });

  describe('the audit across cases', () => {
    it('lists every reveal, comparison, document view and decision by a staff member, paged', async () => {
      const idNumber = newIdNumber('999');
      const { account, caseId } = await manualReviewCase(sandbox, idNumber);
      const reviewer = await sandbox.staff(['reviewer']);
      const supervisor = await sandbox.staff(['supervisor']);
      const started = new Date(Date.now() - 60_000).toISOString();
      const { documents } = await reviewer.take(caseId);
      const documentId = (documents as { id: string }[])[0].id;
      await reviewer.get(`/v1/backoffice/cases/${caseId}/documents/${documentId}`).expect(200);
      await reviewer
        .post(`/v1/backoffice/cases/${caseId}/reveal`, {
          field: 'idNumber',
          justification: 'The number on the card is smudged.',
        })
        .expect(200);
      await reviewer
        .post(`/v1/backoffice/cases/${caseId}/compare`, {
          justification: 'Comparing the applicant with the certificates.',
        })
        .expect(200);
      await reviewer
        .decide(caseId, { outcome: 'reject', reasonCode: 'certificates_expired' })
        .expect(200);
      const items = await auditUntil(supervisor, { staffId: reviewer.id }, (i) => i.length === 4);
      expect(items.map((i) => i.action)).toEqual([
        'case_decided',
        'identity_compared',
        'personal_data_revealed',
        'document_viewed',
      ]);
      expect(items.every((i) => i.caseId === caseId && i.accountId === account.accountId)).toBe(
        true,
      );
      expect(items[0].details).toEqual({ outcome: 'rejected', reasonCode: 'certificates_expired' });
      expect(items[2].details).toEqual({
        fields: ['idNumber'],
        justification: 'The number on the card is smudged.',
      });
      expect(items[3].details).toEqual({ documentId });
      expect(JSON.stringify(items)).not.toContain(idNumber);
      expect(JSON.stringify(items)).not.toContain('张三');
      // By account, within a time range, two at a time.
      const byAccount = await auditUntil(
        supervisor,
        { accountId: account.accountId, from: started },
        (i) => i.length === 4,
      );
      expect(byAccount.map((i) => i.eventId)).toEqual(items.map((i) => i.eventId));
      const pages: AuditItem[] = [];
      let cursor: string | null = null;
      do {
        const query: Record<string, string> = { staffId: reviewer.id, limit: '3' };
        if (cursor) query.cursor = cursor;
        const page = await supervisor.get('/v1/backoffice/audit').query(query).expect(200);
        pages.push(...(page.body.items as AuditItem[]));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(pages.map((i) => i.eventId)).toEqual(items.map((i) => i.eventId));
      const future = await supervisor
        .get('/v1/backoffice/audit')
        .query({ staffId: reviewer.id, from: new Date(Date.now() + 3_600_000).toISOString() })
        .expect(200);
      expect(future.body.items).toEqual([]);
    });

    it('finds an upheld appeal under its proposer and under the supervisor who approved it', async () => {
      const { account, holder, caseId } = await appealCase(sandbox);
      const proposer = await sandbox.staff(['support']);
      const approver = await sandbox.staff(['supervisor']);
      const auditor = await sandbox.staff(['supervisor']);
      await proposer.take(caseId);
      await proposer.decide(caseId, { outcome: 'approve' }).expect(200);
      await approver.approve(caseId, { approve: true }).expect(200);
      const approvals = await auditUntil(auditor, { staffId: approver.id }, (i) => i.length > 0);
      expect(approvals).toEqual([
        expect.objectContaining({
          action: 'proposal_reviewed',
          caseId,
          accountId: account.accountId,
          details: { approved: true },
        }),
      ]);
      const decided = await auditUntil(auditor, { staffId: proposer.id }, (i) =>
        i.some((e) => e.action === 'case_decided'),
      );
      expect(decided.find((e) => e.action === 'case_decided')?.details).toEqual({
        outcome: 'upheld',
        approvedBy: approver.id,
      });
      // The holder's account finds it too.
      await auditUntil(auditor, { accountId: holder.accountId }, (i) =>
        i.some((e) => e.caseId === caseId && e.action === 'case_decided'),
      );
    });

    it('is a read model rebuilt from the log, and the staff directory too', async () => {
      const { caseId } = await manualReviewCase(sandbox);
      const reviewer = await sandbox.staff(['reviewer']);
      const supervisor = await sandbox.staff(['supervisor']);
      await reviewer.take(caseId);
      await reviewer
        .post(`/v1/backoffice/cases/${caseId}/compare`, {
          justification: 'Comparing the applicant with the certificates.',
        })
        .expect(200);
      await reviewer.decide(caseId, { outcome: 'approve' }).expect(200);
      const before = await auditUntil(supervisor, { staffId: reviewer.id }, (i) => i.length === 2);
      const bus = sandbox.app.get(CommandBus);
      await bus.execute(new RebuildProjectionCommand('backoffice-audit'));
      await bus.execute(new RebuildProjectionCommand('backoffice-staff'));
      const after = await supervisor
        .get('/v1/backoffice/audit')
        .query({ staffId: reviewer.id })
        .expect(200);
      expect(after.body.items).toEqual(before);
      await waitForStaff(supervisor, [reviewer.id, supervisor.id]);
    });

    it('lists each search by ID number or mobile: who, when, the kind of value and the cases shown, never the value', async () => {
      const idNumber = newIdNumber('999');
      const mobile = newMobile();
      const { caseId } = await manualReviewCase(sandbox, idNumber);
      const reviewer = await sandbox.staff(['reviewer']);
      const supervisor = await sandbox.staff(['supervisor']);
      // The case is searchable once the list's read model has it.
      await reviewer.queueUntil({ caseId }, (items) => items.length > 0);
      const found = await reviewer.post('/v1/backoffice/cases/search', { idNumber }).expect(200);
      expect(found.body.items.map((c: { id: string }) => c.id)).toEqual([caseId]);
      await reviewer.post('/v1/backoffice/cases/search', { mobile }).expect(200);
      const items = await auditUntil(supervisor, { staffId: reviewer.id }, (i) => i.length === 2);
      expect(items).toEqual([
        expect.objectContaining({
          action: 'personal_data_searched',
          staffId: reviewer.id,
          caseId: null,
          accountId: null,
          details: { searchedBy: 'mobile', caseIds: [], nextPage: false },
        }),
        expect.objectContaining({
          action: 'personal_data_searched',
          details: { searchedBy: 'idNumber', caseIds: [caseId], nextPage: false },
        }),
      ]);
      expect(Date.parse(items[1].at)).toBeLessThanOrEqual(Date.parse(items[0].at));
      const listed = JSON.stringify(items);
      for (const value of [idNumber, idNumber.slice(6, 14), mobile, mobile.slice(3)]) {
        expect(listed).not.toContain(value);
      }
      const response = await supervisor
        .get('/v1/backoffice/audit/export.csv')
        .query({ staffId: reviewer.id })
        .buffer(true)
        .parse((res, done) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => done(null, Buffer.concat(chunks).toString('utf8')));
        })
        .expect(200);
      const text = response.body as string;
      for (const value of [idNumber, mobile, mobile.slice(3)]) expect(text).not.toContain(value);
      const rows = parse(text.slice(1), { columns: true }) as Record<string, string>[];
      expect(rows).toEqual([
        expect.objectContaining({
          action: 'personal_data_searched',
          staff_id: reviewer.id,
          case_id: '',
          searched_by: 'mobile',
          case_ids: '',
        }),
        expect.objectContaining({
          action: 'personal_data_searched',
          searched_by: 'idNumber',
          case_ids: caseId,
        }),
      ]);
    });

    it('is for supervisors only, and refuses bad filters with 422', async () => {
      const reviewer = await sandbox.staff(['reviewer']);
      const supervisor = await sandbox.staff(['supervisor']);
      for (const path of ['/v1/backoffice/audit', '/v1/backoffice/audit/export.csv']) {
        expectProblem(await reviewer.get(path).expect(403), 'forbidden');
      }
      for (const query of [
        { from: 'yesterday' },
        { limit: '0' },
        { cursor: 'not-a-cursor' },
        { from: '2026-12-08T00:00:00Z', to: '2026-12-01T00:00:00Z' },
      ]) {
        expectProblem(
          await supervisor.get('/v1/backoffice/audit').query(query).expect(422),
          'validation_failed',
        );
      }
    });

    it('exports to CSV: streamed, no personal data in clear, formulas defused, itself audited', async () => {
      const idNumber = newIdNumber('999');
      const { caseId } = await manualReviewCase(sandbox, idNumber);
      // A staff id a spreadsheet would run as a formula.
      const reviewer = await sandbox.staff(
        ['reviewer'],
        `=HYPERLINK("x")-${randomBytes(3).toString('hex')}`,
      );
      const supervisor = await sandbox.staff(['supervisor']);
      await reviewer.take(caseId);
      await reviewer
        .post(`/v1/backoffice/cases/${caseId}/compare`, {
          justification: 'Comparing the applicant with the certificates.',
        })
        .expect(200);
      await auditUntil(supervisor, { staffId: reviewer.id }, (i) => i.length === 1);
      const response = await supervisor
        .get('/v1/backoffice/audit/export.csv')
        .query({ staffId: reviewer.id })
        .buffer(true)
        .parse((res, done) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => done(null, Buffer.concat(chunks).toString('utf8')));
        })
        .expect(200);
      expect(response.headers['content-type']).toMatch(/^text\/csv/);
      expect(response.headers['content-disposition']).toMatch(/^attachment/);
      const text = response.body as string;
      expect(text.startsWith('\ufeff')).toBe(true);
      expect(text).not.toContain(idNumber);
      expect(text).not.toContain('张三');
      const rows = parse(text.slice(1), { columns: true }) as Record<string, string>[];
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        action: 'identity_compared',
        staff_id: `'${reviewer.id}`,
        case_id: caseId,
        fields: 'name idNumber',
      });
      expect(rows[0].at_beijing_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+08:00$/);
      // The export is on the record, with its filter.
      const exports = await auditUntil(supervisor, { staffId: supervisor.id }, (i) => i.length > 0);
      expect(exports[0]).toMatchObject({
        action: 'audit_exported',
        caseId: null,
        details: { filter: { staffId: reviewer.id }, format: 'csv' },
      });
    });
  });
});

async function waitForStaff(
  supervisor: Staff,
  ids: string[],
): Promise<{ id: string; roles: string[] }[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const response = await supervisor.get('/v1/backoffice/staff').expect(200);
    const items = response.body.items as { id: string; roles: string[] }[];
    if (ids.every((id) => items.some((s) => s.id === id))) return items;
    if (Date.now() > deadline) throw new Error(`Staff never listed: ${response.text}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
