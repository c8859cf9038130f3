import { newIdNumber, png, Sandbox, type Account } from '../support/journey';

describe('journeys: identity mismatch and manual review', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await Sandbox.start();
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  async function mismatched(): Promise<Account> {
    const account = await sandbox.account();
    await account.start();
    expect(await account.submitIdentity(newIdNumber('999'))).toMatchObject({
      state: 'identity_mismatch',
      nextActions: ['apply_manual_review', 'submit_identity'],
      notice: { code: 'identity_mismatch' },
    });
    return account;
  }

  async function applied(account: Account): Promise<string> {
    const response = await account
      .upload('/v1/verification/manual-review', { certificates: [png(), png()] })
      .expect(202);
    expect(response.body).toMatchObject({
      state: 'manual_review_pending',
      nextActions: [],
      case: { kind: 'manual_review', status: 'open', dueAt: expect.any(String) },
    });
    expect(response.body.deadlines.manualReviewDueAt).toBe(response.body.case.dueAt);
    return response.body.case.id;
  }

  it('mismatch → manual review with two certificates → approved → straight to the bank card', async () => {
    const account = await mismatched();
    const caseId = await applied(account);
    const reviewer = await sandbox.staff(['reviewer']);
    await reviewer.take(caseId);
    const decided = await reviewer.decide(caseId, { outcome: 'approve' }).expect(200);
    expect(decided.body).toMatchObject({
      id: caseId,
      kind: 'manual_review',
      status: 'decided',
      outcome: 'approved',
    });
    expect(await account.waitForState('bank_card_required')).toMatchObject({
      nextActions: ['submit_bank_card'],
    });
    expect(await account.passBankCard()).toMatchObject({
      state: 'authenticated',
      tier: 'limited',
    });
  });

  it('rejected → the user may submit the identity again, or apply again', async () => {
    const account = await mismatched();
    const caseId = await applied(account);
    const reviewer = await sandbox.staff(['supervisor']);
    await reviewer.take(caseId);
    const unexplained = await reviewer.decide(caseId, { outcome: 'reject' }).expect(422);
    expect(JSON.parse(unexplained.text)).toMatchObject({ code: 'reason_required' });
    await reviewer
      .decide(caseId, {
        outcome: 'reject',
        reasonCode: 'certificates_unreadable',
        userMessage: 'The certificates could not be read.',
        internalNote: 'Blurred scans.',
      })
      .expect(200);
    expect(await account.waitForState('manual_review_rejected')).toMatchObject({
      nextActions: ['submit_identity', 'apply_manual_review'],
      notice: { code: 'certificates_unreadable', message: 'The certificates could not be read.' },
    });
    // Applying again opens a new case…
    const second = await applied(account);
    expect(second).not.toBe(caseId);
    await reviewer.take(second);
    await reviewer
      .decide(second, {
        outcome: 'reject',
        reasonCode: 'certificates_mismatch',
        userMessage: 'No match.',
      })
      .expect(200);
    // …and submitting a (corrected) identity goes to the authority again.
    await account.waitForState('manual_review_rejected');
    expect((await account.submitIdentity(newIdNumber())).state).toBe('identity_verified');
  });

  it('asks for the certificates again; the reviewer then decides on the new ones', async () => {
    const account = await mismatched();
    const caseId = await applied(account);
    const reviewer = await sandbox.staff(['reviewer']);
    await reviewer.take(caseId);
    const asked = await reviewer
      .decide(caseId, { outcome: 'request_reupload', userMessage: 'The back side is missing.' })
      .expect(200);
    expect(asked.body).toMatchObject({ status: 'awaiting_user', dueAt: null, assignee: null });
    expect(
      await account.waitForState((s) => s.case?.status === 'reupload_requested'),
    ).toMatchObject({
      state: 'manual_review_pending',
      nextActions: ['reupload_certificates'],
      notice: { code: 'reupload_requested', message: 'The back side is missing.' },
    });
    const reuploaded = await account
      .upload('/v1/verification/manual-review', { certificates: [png(), png()] })
      .expect(202);
    expect(reuploaded.body).toMatchObject({
      state: 'manual_review_pending',
      case: { id: caseId, status: 'open' },
      nextActions: [],
    });
    await reviewer.queueUntil({ status: 'open' }, (items) => items.some((c) => c.id === caseId));
    await reviewer.take(caseId);
    await reviewer.decide(caseId, { outcome: 'approve' }).expect(200);
    await account.waitForState('bank_card_required');
  });

  it('a final rejection ends the process for the account', async () => {
    const account = await mismatched();
    const caseId = await applied(account);
    const reviewer = await sandbox.staff(['reviewer']);
    await reviewer.take(caseId);
    await reviewer
      .decide(caseId, {
        outcome: 'reject',
        reasonCode: 'suspected_forgery',
        userMessage: 'The documents were not accepted.',
        final: true,
      })
      .expect(200);
    expect(await account.waitForState('manual_review_rejected')).toMatchObject({ nextActions: [] });
    const again = await account
      .post('/v1/verification/identity', {
        name: '张三',
        idNumber: newIdNumber(),
        paymentPassword: '135790',
      })
      .expect(409);
    expect(JSON.parse(again.text)).toMatchObject({ code: 'wrong_state' });
  });

  it('lets only reviewers and supervisors decide a manual review, once', async () => {
    const account = await mismatched();
    const caseId = await applied(account);
    const support = await sandbox.staff(['support']);
    await support.caseOf(caseId).catch(() => undefined);
    const refused = await support.decide(caseId, { outcome: 'approve' }).expect(403);
    expect(JSON.parse(refused.text)).toMatchObject({ code: 'forbidden' });
    const user = await sandbox.token('acct-x', ['user']);
    await sandbox.http
      .post(`/v1/backoffice/cases/${caseId}/decision`)
      .set('Authorization', `Bearer ${user}`)
      .send({ outcome: 'approve' })
      .expect(403);
    const reviewer = await sandbox.staff(['reviewer']);
    await reviewer.take(caseId);
    await reviewer.decide(caseId, { outcome: 'approve' }).expect(200);
    const twice = await reviewer.decide(caseId, { outcome: 'approve' }).expect(409);
    expect(JSON.parse(twice.text)).toMatchObject({ code: 'wrong_state' });
    await reviewer.decide('not-a-case', { outcome: 'approve' }).expect(404);
  });

  it('refuses one certificate, the same image twice, and a file that is no image', async () => {
    const account = await mismatched();
    const one = await account
      .upload('/v1/verification/manual-review', { certificates: [png()] })
      .expect(422);
    expect(JSON.parse(one.text)).toMatchObject({ code: 'invalid_certificate_count' });
    const image = png();
    const twice = await account
      .upload('/v1/verification/manual-review', { certificates: [image, image] })
      .expect(422);
    expect(JSON.parse(twice.text)).toMatchObject({ code: 'invalid_certificates' });
    const text = await account
      .upload('/v1/verification/manual-review', {
        certificates: [png(), { bytes: Buffer.from('not an image'), fileName: 'scan.png' }],
      })
      .expect(422);
    expect(JSON.parse(text.text)).toMatchObject({
      code: 'unsupported_media_type',
      field: 'certificates',
    });
    expect((await account.status()).state).toBe('identity_mismatch');
  });

  it('replays a multipart application repeated with its Idempotency-Key', async () => {
    const account = await mismatched();
    const certificates = [png(), png()];
    const first = await account
      .upload('/v1/verification/manual-review', { certificates }, 'apply-1')
      .expect(202);
    const again = await account
      .upload('/v1/verification/manual-review', { certificates }, 'apply-1')
      .expect(202);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.case.id).toBe(first.body.case.id);
  });
});
