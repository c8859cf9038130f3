import { png, Sandbox } from '../support/journey';
import { appealCase, manualReviewCase, rejectedThenResubmitted } from '../support/cases';

describe('back office: cases, claims, decisions and the second approval', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await Sandbox.start();
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  it('shows a case with the person masked, never in clear', async () => {
    const { account, caseId } = await manualReviewCase(sandbox);
    const reviewer = await sandbox.staff(['reviewer']);
    const seen = await reviewer.caseOf(caseId);
    expect(seen).toMatchObject({
      id: caseId,
      kind: 'manual_review',
      status: 'open',
      escalated: false,
      accountId: account.accountId,
      subject: { name: '张*', idNumber: expect.stringMatching(/^\d{6}\*{8}\d{3}[\dX]$/) },
      documentCount: 2,
      allowedActions: ['claim', 'reveal'],
    });
    expect(JSON.stringify(seen)).not.toContain('张三');
  });

  it('lets exactly one of two racing claims win', async () => {
    const { caseId } = await manualReviewCase(sandbox);
    const [first, second] = [await sandbox.staff(['reviewer']), await sandbox.staff(['reviewer'])];
    await first.caseOf(caseId);
    const answers = await Promise.all([first.claim(caseId), second.claim(caseId)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const loser = answers.find((a) => a.status === 409)!;
    expect(JSON.parse(loser.text)).toMatchObject({ code: 'already_claimed' });
    const winner = answers[0].status === 200 ? first : second;
    expect((await winner.caseOf(caseId)).assignee).toBe(winner.id);
  });

  it('only the holder decides; nobody decides about their own account', async () => {
    const { account, caseId } = await manualReviewCase(sandbox);
    const holder = await sandbox.staff(['reviewer']);
    const other = await sandbox.staff(['reviewer']);
    await holder.caseOf(caseId);
    const unclaimed = await other.decide(caseId, { outcome: 'approve' }).expect(403);
    expect(JSON.parse(unclaimed.text)).toMatchObject({ code: 'not_holder' });
    await holder.take(caseId);
    const notHolder = await other.decide(caseId, { outcome: 'approve' }).expect(403);
    expect(JSON.parse(notHolder.text)).toMatchObject({ code: 'not_holder' });
    // A reviewer whose staff id is the applicant's account.
    const self = await sandbox.staff(['reviewer', 'supervisor'], account.accountId);
    const own = await self.claim(caseId).expect(403);
    expect(JSON.parse(own.text)).toMatchObject({ code: 'own_case' });
    const ownDecision = await self.decide(caseId, { outcome: 'approve' }).expect(403);
    expect(JSON.parse(ownDecision.text)).toMatchObject({ code: 'own_case' });
    // Nor read: not the case, its timeline, its documents or its place in the queue.
    for (const path of ['', '/timeline']) {
      const read = await self.get(`/v1/backoffice/cases/${caseId}${path}`).expect(403);
      expect(JSON.parse(read.text)).toMatchObject({ code: 'own_case' });
    }
    const { documents } = await holder.caseOf(caseId);
    const document = (documents as { id: string }[])[0].id;
    await self.get(`/v1/backoffice/cases/${caseId}/documents/${document}`).expect(403);
    const queue = await self.get('/v1/backoffice/cases').query({ status: 'claimed' }).expect(200);
    expect((queue.body.items as { id: string }[]).map((c) => c.id)).not.toContain(caseId);
    const visible = await holder.get('/v1/backoffice/cases').query({ status: 'claimed' });
    expect((visible.body.items as { id: string }[]).map((c) => c.id)).toContain(caseId);
  });

  it('approves a manual review: the user moves to the bank-card step', async () => {
    const { account, caseId } = await manualReviewCase(sandbox);
    const reviewer = await sandbox.staff(['reviewer']);
    await reviewer.take(caseId);
    const decided = await reviewer
      .decide(caseId, { outcome: 'approve', internalNote: 'Both certificates match.' })
      .expect(200);
    expect(decided.body).toMatchObject({
      status: 'decided',
      outcome: 'approved',
      decision: { decidedBy: reviewer.id, internalNote: 'Both certificates match.' },
      allowedActions: ['reveal'],
    });
    expect((await account.waitForState('bank_card_required')).nextActions).toEqual([
      'submit_bank_card',
    ]);
  });

  it('rejects with a listed reason; the user sees the message, never the internal note', async () => {
    const { account, caseId } = await manualReviewCase(sandbox);
    const reviewer = await sandbox.staff(['reviewer']);
    await reviewer.take(caseId);
    const unknown = await reviewer
      .decide(caseId, { outcome: 'reject', reasonCode: 'looks_odd', userMessage: 'No.' })
      .expect(422);
    expect(JSON.parse(unknown.text)).toMatchObject({ code: 'unknown_reason_code' });
    await reviewer
      .decide(caseId, {
        outcome: 'reject',
        reasonCode: 'certificates_expired',
        userMessage: 'One of your certificates has expired.',
        internalNote: 'Passport expired 2019.',
      })
      .expect(200);
    const status = await account.waitForState('manual_review_rejected');
    expect(status.notice).toEqual({
      code: 'certificates_expired',
      message: 'One of your certificates has expired.',
    });
    expect(JSON.stringify(status)).not.toContain('Passport expired');
    const codes = await reviewer.get('/v1/backoffice/reason-codes').expect(200);
    expect(codes.body.manual_review).toContainEqual({
      code: 'certificates_expired',
      label: '证件已过期',
      labels: { 'zh-CN': '证件已过期', en: 'A certificate has expired' },
      defaultMessages: {
        'zh-CN': '您上传的证件已过有效期。请上传有效期内的证件。',
        en: 'A certificate you uploaded has expired. Upload certificates that are still valid.',
      },
    });
    const english = await reviewer
      .get('/v1/backoffice/reason-codes')
      .set('Accept-Language', 'en')
      .expect(200);
    expect(english.body.appeal.map((r: { label: string }) => r.label)).toContain('Suspected fraud');
  });

  it('re-upload round trip: the SLA pauses while the user uploads and resumes after', async () => {
    const { account, caseId } = await manualReviewCase(sandbox);
    const reviewer = await sandbox.staff(['reviewer']);
    const before = await reviewer.take(caseId);
    const asked = await reviewer
      .decide(caseId, {
        outcome: 'request_reupload',
        userMessage: 'Please photograph the back of your ID card again.',
      })
      .expect(200);
    expect(asked.body).toMatchObject({
      status: 'awaiting_user',
      dueAt: null,
      slaRemainingMs: expect.any(Number),
      assignee: null,
      reupload: { userMessage: 'Please photograph the back of your ID card again.' },
    });
    const remaining = asked.body.slaRemainingMs as number;
    expect(remaining).toBeLessThanOrEqual(Date.parse(before.dueAt as string) - Date.now() + 1000);
    const waiting = await account.waitForState((s) =>
      s.nextActions.includes('reupload_certificates'),
    );
    expect(waiting.notice?.message).toBe('Please photograph the back of your ID card again.');
    // Paused cases wait at the end of the queue.
    await reviewer.queueUntil({ status: 'awaiting_user' }, (items) =>
      items.some((c) => c.id === caseId && c.dueAt === null),
    );
    await account
      .upload('/v1/verification/manual-review', { certificates: [png(), png()] })
      .expect(202);
    const resumed = await reviewer.queueUntil({ status: 'open' }, (items) =>
      items.some((c) => c.id === caseId),
    );
    const row = resumed.find((c) => c.id === caseId)!;
    const newDue = Date.parse(row.dueAt as string);
    // Due again: the time left at the request, from the upload on.
    expect(newDue).toBeGreaterThanOrEqual(Date.now() + remaining - 10_000);
    expect(newDue).toBeLessThanOrEqual(Date.now() + remaining + 1_000);
    expect(row.documentCount).toBe(4);
    await reviewer.take(caseId);
    await reviewer.decide(caseId, { outcome: 'approve' }).expect(200);
    await account.waitForState('bank_card_required');
  });

  it('upholding an appeal takes a second supervisor; self-approval is 403', async () => {
    const { account, holder, caseId } = await appealCase(sandbox);
    const reviewer = await sandbox.staff(['reviewer']);
    await reviewer.caseOf(caseId).catch(() => undefined);
    await reviewer.claim(caseId).expect(403);
    // A supervisor may work appeals too, and propose: but not approve their own proposal.
    const proposer = await sandbox.staff(['supervisor']);
    const taken = await proposer.take(caseId);
    expect(taken).toMatchObject({ kind: 'appeal', holderAccountId: holder.accountId });
    await proposer
      .decide(caseId, { outcome: 'approve', internalNote: 'Household register matches.' })
      .expect(200);
    const self = await proposer.approve(caseId, { approve: true }).expect(403);
    expect(JSON.parse(self.text)).toMatchObject({ code: 'own_proposal' });
    const support = await sandbox.staff(['support']);
    await support.approve(caseId, { approve: true }).expect(403);
    expect((await account.status()).state).toBe('appeal_pending');
    expect((await holder.status()).state).toBe('authenticated');
    const second = await sandbox.staff(['supervisor']);
    const approved = await second.approve(caseId, { approve: true, note: 'Agreed.' }).expect(200);
    expect(approved.body).toMatchObject({
      status: 'decided',
      outcome: 'upheld',
      decision: { decidedBy: proposer.id, approvedBy: second.id },
    });
    await account.waitForState('identity_verified');
    expect(await holder.waitForState('identity_pending')).toMatchObject({
      authenticated: false,
      notice: { code: 'identity_revoked_appeal_upheld' },
    });
  });

  it('new documents after a proposal let it lapse: approving it is 409', async () => {
    const { account, caseId } = await appealCase(sandbox);
    const support = await sandbox.staff(['support']);
    await support.take(caseId);
    await support.decide(caseId, { outcome: 'approve' }).expect(200);
    await account.upload('/v1/verification/appeal', { certificates: [png(), png()] }).expect(202);
    // The documents reach the case from the log, a moment after the upload.
    const deadline = Date.now() + 10_000;
    while (((await support.caseOf(caseId)).proposal as { status: string }).status !== 'lapsed') {
      if (Date.now() > deadline) throw new Error('The proposal never lapsed');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const supervisor = await sandbox.staff(['supervisor']);
    const lapsed = await supervisor.approve(caseId, { approve: true }).expect(409);
    expect(JSON.parse(lapsed.text)).toMatchObject({ code: 'proposal_lapsed' });
    expect(await support.caseOf(caseId)).toMatchObject({
      status: 'claimed',
      assignee: support.id,
      proposal: { status: 'lapsed' },
      documentCount: 4,
    });
    expect((await account.status()).state).toBe('appeal_pending');
  });

  it('a support agent denies an appeal with a reason; the user is stopped with it', async () => {
    const { account, caseId } = await appealCase(sandbox);
    const support = await sandbox.staff(['support']);
    await support.take(caseId);
    await support
      .decide(caseId, {
        outcome: 'reject',
        reasonCode: 'insufficient_evidence',
        userMessage: 'The documents do not show the identity is yours.',
      })
      .expect(200);
    expect(await account.waitForState('appeal_denied')).toMatchObject({
      notice: { code: 'insufficient_evidence' },
    });
  });

  it('serves documents to staff who may work the case, and records each view', async () => {
    const { caseId } = await manualReviewCase(sandbox);
    const reviewer = await sandbox.staff(['reviewer']);
    const seen = await reviewer.caseOf(caseId);
    const [doc] = seen.documents as { id: string }[];
    const image = await reviewer
      .get(`/v1/backoffice/cases/${caseId}/documents/${doc.id}`)
      .buffer(true)
      .expect(200);
    expect(image.headers['content-type']).toBe('image/png');
    expect(seen.documents).toEqual([
      expect.objectContaining({ id: doc.id, contentType: 'image/png', size: 12 * 1024, set: 1 }),
      expect.objectContaining({ contentType: 'image/png', set: 1 }),
    ]);
    expect(image.headers['cache-control']).toBe('no-store');
    expect(Buffer.from(image.body).subarray(1, 4).toString()).toBe('PNG');
    const support = await sandbox.staff(['support']);
    await support.get(`/v1/backoffice/cases/${caseId}/documents/${doc.id}`).expect(403);
    await reviewer
      .get(`/v1/backoffice/cases/${caseId}/documents/00000000-0000-4000-8000-000000000000`)
      .expect(404);
    const timeline = await reviewer.get(`/v1/backoffice/cases/${caseId}/timeline`).expect(200);
    expect(timeline.body.items).toContainEqual(
      expect.objectContaining({
        type: 'DocumentViewed',
        actor: { type: 'staff', id: reviewer.id },
        details: expect.objectContaining({ documentId: doc.id }),
      }),
    );
  });

  it('keeps showing and revealing the identity a decided case reviewed, not a later one', async () => {
    // Rejected; the user then submits another identity, which matches: the account moves on.
    const { caseId, reviewer, reviewed, later } = await rejectedThenResubmitted(sandbox);

    const seen = await reviewer.caseOf(caseId);
    expect(seen.subject).toEqual({
      name: '张*',
      idNumber: `${reviewed.slice(0, 6)}********${reviewed.slice(14)}`,
    });
    const revealed = await reviewer
      .post(`/v1/backoffice/cases/${caseId}/reveal`, {
        field: 'idNumber',
        justification: 'Audit of the rejected review.',
      })
      .expect(200);
    expect(revealed.body).toEqual({ field: 'idNumber', value: reviewed });
    const name = await reviewer
      .post(`/v1/backoffice/cases/${caseId}/reveal`, {
        field: 'name',
        justification: 'Audit of the rejected review.',
      })
      .expect(200);
    expect(name.body.value).toBe('张三');
    expect(JSON.stringify(seen)).not.toContain(later.slice(14));
  });

  it('reveals a field for a justification, on the record', async () => {
    const { caseId } = await manualReviewCase(sandbox);
    const reviewer = await sandbox.staff(['reviewer']);
    await reviewer.caseOf(caseId);
    const terse = await reviewer
      .post(`/v1/backoffice/cases/${caseId}/reveal`, { field: 'name', justification: 'x' })
      .expect(422);
    expect(JSON.parse(terse.text)).toMatchObject({ code: 'validation_failed' });
    const revealed = await reviewer
      .post(`/v1/backoffice/cases/${caseId}/reveal`, {
        field: 'name',
        justification: 'Comparing the name with the certificate photo.',
      })
      .expect(200);
    expect(revealed.body).toEqual({ field: 'name', value: '张三' });
    const timeline = await reviewer.get(`/v1/backoffice/cases/${caseId}/timeline`).expect(200);
    expect(timeline.body.items.map((e: { type: string }) => e.type)).toEqual([
      'CaseOpened',
      'PersonalDataRevealed',
    ]);
    expect(timeline.body.items[1]).toMatchObject({
      actor: { type: 'staff', id: reviewer.id },
      details: { field: 'name', justification: 'Comparing the name with the certificate photo.' },
    });
    expect(JSON.stringify(timeline.body)).not.toContain('张三');
  });

  it('release, reassignment by a supervisor, and "next case" on the timeline', async () => {
    const { caseId } = await manualReviewCase(sandbox);
    const reviewer = await sandbox.staff(['reviewer']);
    const colleague = await sandbox.staff(['reviewer']);
    const supervisor = await sandbox.staff(['supervisor']);
    await reviewer.take(caseId);
    await colleague.post(`/v1/backoffice/cases/${caseId}/release`).expect(403);
    await reviewer
      .post(`/v1/backoffice/cases/${caseId}/reassign`, { to: colleague.id })
      .expect(403);
    const moved = await supervisor
      .post(`/v1/backoffice/cases/${caseId}/reassign`, { to: colleague.id, note: 'Holiday.' })
      .expect(200);
    expect(moved.body).toMatchObject({ status: 'claimed', assignee: colleague.id });
    const released = await colleague.post(`/v1/backoffice/cases/${caseId}/release`).expect(200);
    expect(released.body).toMatchObject({ status: 'open', assignee: null });
    const timeline = await supervisor.get(`/v1/backoffice/cases/${caseId}/timeline`).expect(200);
    expect(timeline.body.items.map((e: { type: string }) => e.type)).toEqual([
      'CaseOpened',
      'CaseClaimed',
      'CaseReassigned',
      'ClaimReleased',
    ]);
    expect(timeline.body.items[2]).toMatchObject({
      actor: { type: 'staff', id: supervisor.id },
      details: { from: reviewer.id, to: colleague.id, note: 'Holiday.' },
    });
  });

  it('"next case" hands out the most urgent open case the caller may work, once', async () => {
    const support = await sandbox.staff(['support']);
    const { caseId } = await appealCase(sandbox);
    // Everything open in the appeal queue, most urgent first, as the queue orders it.
    const queue = await support.queueUntil({ kind: 'appeal', status: 'open' }, (items) =>
      items.some((c) => c.id === caseId),
    );
    const next = await support.post('/v1/backoffice/cases/next', { kind: 'appeal' }).expect(200);
    expect(next.body).toMatchObject({ id: queue[0].id, status: 'claimed', assignee: support.id });
    const other = await sandbox.staff(['support']);
    const taken = new Set([next.body.id]);
    for (;;) {
      const answer = await other.post('/v1/backoffice/cases/next', { kind: 'appeal' });
      if (answer.status === 204) break;
      expect(taken.has(answer.body.id)).toBe(false);
      taken.add(answer.body.id);
    }
    expect(taken.has(caseId)).toBe(true);
    const reviewer = await sandbox.staff(['reviewer']);
    await reviewer.post('/v1/backoffice/cases/next', { kind: 'appeal' }).expect(403);
  });

  it('pages the queue with a cursor, escalated first, then by due time', async () => {
    const made: string[] = [];
    for (let i = 0; i < 3; i++) made.push((await manualReviewCase(sandbox)).caseId);
    const reviewer = await sandbox.staff(['reviewer']);
    // The queue once it shows the three new cases (its read model follows the log).
    const everything = await reviewer.queueUntil({ kind: 'manual_review', limit: '100' }, (items) =>
      made.every((id) => items.some((c) => c.id === id)),
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: Record<string, string> = { kind: 'manual_review', limit: '2' };
      if (cursor) query.cursor = cursor;
      const page = await reviewer.get('/v1/backoffice/cases').query(query).expect(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((c: { id: string }) => c.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(everything.map((c) => c.id));
    const sortKeys = everything.map((c) => [c.escalated ? 0 : 1, c.dueAt ?? '9999']);
    expect(sortKeys).toEqual([...sortKeys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    const bad = await reviewer.get('/v1/backoffice/cases').query({ cursor: 'nope' }).expect(422);
    expect(JSON.parse(bad.text)).toMatchObject({ code: 'validation_failed' });
    const support = await sandbox.staff(['support']);
    await support.get('/v1/backoffice/cases').query({ kind: 'manual_review' }).expect(403);
    const user = await sandbox.account();
    await sandbox.http
      .get('/v1/backoffice/cases')
      .set('Authorization', `Bearer ${user.token}`)
      .expect(403);
  });

  it('metrics count the backlog and decision times', async () => {
    const supervisor = await sandbox.staff(['supervisor']);
    const metrics = await supervisor.get('/v1/backoffice/metrics').expect(200);
    expect(metrics.body).toMatchObject({
      backlog: {
        manual_review: expect.objectContaining({ open: expect.any(Number) }),
        appeal: expect.objectContaining({ claimed: expect.any(Number) }),
      },
      breaches: { open: expect.any(Number), last30Days: expect.any(Number) },
      decisionTimes: {
        manual_review: expect.objectContaining({ decided: expect.any(Number) }),
      },
    });
    expect(metrics.body.decisionTimes.manual_review.decided).toBeGreaterThan(0);
    expect(metrics.body.decisionTimes.manual_review.p50Ms).toBeGreaterThanOrEqual(0);
    expect(metrics.body.backlog.manual_review.open).toBeGreaterThan(0);
  });
});
