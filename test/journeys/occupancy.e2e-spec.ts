import { newIdNumber, png, Sandbox, type Account } from '../support/journey';

describe('journeys: an identity held by another account', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await Sandbox.start();
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  /** A: the holder is authenticated. */
  async function heldByAuthenticated(): Promise<{ holder: Account; idNumber: string }> {
    const holder = await sandbox.account();
    const idNumber = newIdNumber();
    await holder.authenticate(idNumber);
    return { holder, idNumber };
  }

  /** B: the holder passed identity verification only. */
  async function heldByVerified(): Promise<{ holder: Account; idNumber: string }> {
    const holder = await sandbox.account();
    const idNumber = newIdNumber();
    await holder.start();
    await holder.submitIdentity(idNumber);
    return { holder, idNumber };
  }

  async function claimant(idNumber: string, holder: string): Promise<Account> {
    const account = await sandbox.account();
    await account.start();
    expect(await account.submitIdentity(idNumber)).toMatchObject({
      state: 'identity_occupied',
      occupancy: { holder, disputed: false },
      nextActions: ['decide_occupancy', 'submit_identity'],
    });
    return account;
  }

  async function decide(account: Account, decision: 'mine' | 'not_mine') {
    return (await account.post('/v1/verification/occupancy', { decision }).expect(200)).body;
  }

  async function appeal(account: Account): Promise<string> {
    expect(await decide(account, 'not_mine')).toMatchObject({
      state: 'identity_occupied',
      occupancy: { disputed: true },
      nextActions: ['file_appeal', 'submit_identity'],
    });
    const filed = await account
      .upload('/v1/verification/appeal', { certificates: [png(), png()] })
      .expect(202);
    expect(filed.body).toMatchObject({
      state: 'appeal_pending',
      case: { kind: 'appeal', status: 'open' },
    });
    // The end of the third working day, Shanghai time.
    expect(filed.body.deadlines.appealDueAt).toMatch(/T15:59:59\.999Z$/);
    return filed.body.case.id;
  }

  it('A, mine: the account continues as an associated account of that identity', async () => {
    const { idNumber } = await heldByAuthenticated();
    const account = await claimant(idNumber, 'authenticated');
    expect(await decide(account, 'mine')).toMatchObject({ state: 'identity_verified' });
    await account.confirm();
    await account.skipPhotos();
    expect((await account.passBankCard()).state).toBe('authenticated');
  });

  it('A, not mine: an upheld appeal takes the identity from the holder, who is told', async () => {
    const { holder, idNumber } = await heldByAuthenticated();
    const account = await claimant(idNumber, 'authenticated');
    const caseId = await appeal(account);
    const reviewer = await sandbox.staff(['reviewer']);
    await reviewer.decide(caseId, { outcome: 'approve' }).expect(403);
    const support = await sandbox.staff(['support']);
    await support.take(caseId);
    const proposed = await support.decide(caseId, { outcome: 'approve' }).expect(200);
    expect(proposed.body).toMatchObject({ status: 'awaiting_approval', outcome: null });
    // Nothing happens to either account before a supervisor's second approval.
    expect((await account.status()).state).toBe('appeal_pending');
    const supervisor = await sandbox.staff(['supervisor']);
    const upheld = await supervisor.approve(caseId, { approve: true }).expect(200);
    expect(upheld.body).toMatchObject({ status: 'decided', outcome: 'upheld' });
    expect(await account.waitForState('identity_verified')).toBeTruthy();
    expect(await holder.waitForState('identity_pending')).toMatchObject({
      authenticated: false,
      tier: 'none',
      nextActions: ['submit_identity'],
      notice: { code: 'identity_revoked_appeal_upheld' },
    });
    await account.confirm();
    await account.skipPhotos();
    expect((await account.passBankCard()).state).toBe('authenticated');
    // The identity is the claimant's now: a third account finds it held by them.
    await claimant(idNumber, 'authenticated');
  });

  it('A, not mine: a denied appeal stops the process for that identity', async () => {
    const { holder, idNumber } = await heldByAuthenticated();
    const account = await claimant(idNumber, 'authenticated');
    const caseId = await appeal(account);
    const support = await sandbox.staff(['support']);
    await support.take(caseId);
    await support
      .decide(caseId, {
        outcome: 'reject',
        reasonCode: 'holder_is_owner',
        userMessage: 'The identity belongs to the account holding it.',
      })
      .expect(200);
    expect(await account.waitForState('appeal_denied')).toMatchObject({
      nextActions: ['submit_identity'],
      notice: { code: 'holder_is_owner' },
    });
    const same = await account
      .post('/v1/verification/identity', { name: '张三', idNumber, paymentPassword: '135790' })
      .expect(409);
    expect(JSON.parse(same.text)).toMatchObject({ code: 'identity_appeal_denied' });
    expect((await account.submitIdentity(newIdNumber())).state).toBe('identity_verified');
    expect((await holder.status()).state).toBe('authenticated');
  });

  it('B, mine: the account is associated with the holder, which becomes the main account', async () => {
    const { holder, idNumber } = await heldByVerified();
    const account = await claimant(idNumber, 'identity_verified');
    expect(await decide(account, 'mine')).toMatchObject({
      state: 'associated',
      mainAccountId: holder.accountId,
      authenticated: false,
      tier: 'none',
    });
    // The main account's identity is shared now: it can no longer change it.
    expect(
      await holder.waitForState((s) => s.state === 'identity_verified' && s.version >= 4),
    ).toMatchObject({ nextActions: ['confirm_identity', 'defer_confirmation'] });
    await holder.confirm();
    await holder.skipPhotos();
    await holder.passBankCard();
    expect(await account.waitForState((s) => s.authenticated)).toMatchObject({
      state: 'associated',
      tier: 'limited',
    });
  });

  it('B, not mine: the account continues and the holder’s identity is deleted', async () => {
    const { holder, idNumber } = await heldByVerified();
    const account = await claimant(idNumber, 'identity_verified');
    expect(await decide(account, 'not_mine')).toMatchObject({ state: 'identity_verified' });
    expect(await holder.waitForState('identity_pending')).toMatchObject({
      notice: { code: 'identity_revoked_claimed_by_owner' },
    });
    await account.confirm();
    await account.skipPhotos();
    expect((await account.passBankCard()).state).toBe('authenticated');
  });

  it('gives an identity to one of two accounts claiming it at once; the other finds it occupied', async () => {
    const idNumber = newIdNumber();
    const [first, second] = [await sandbox.account(), await sandbox.account()];
    await Promise.all([first.start(), second.start()]);
    const answers = await Promise.all([
      first.submitIdentity(idNumber),
      second.submitIdentity(idNumber),
    ]);
    expect(answers.map((a) => a.state).sort()).toEqual(['identity_occupied', 'identity_verified']);
    const loser = answers.find((a) => a.state === 'identity_occupied');
    expect(loser?.occupancy).toEqual({ holder: 'identity_verified', disputed: false });
  });
});
