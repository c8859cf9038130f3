import { newCardNumber, newIdNumber, newMobile, Sandbox } from '../support/journey';

describe('journeys: identity, photos and bank card', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await Sandbox.start();
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  it('identity match → confirm → skip photos → card match → agreement → SMS code: authenticated, limited', async () => {
    const account = await sandbox.account();
    expect(await account.status()).toMatchObject({
      accountId: account.accountId,
      state: 'not_started',
      nextActions: ['start_verification'],
      version: 0,
    });
    expect(await account.start()).toMatchObject({
      state: 'identity_pending',
      nextActions: ['submit_identity'],
    });
    const verified = await account.submitIdentity(newIdNumber());
    expect(verified).toMatchObject({
      state: 'identity_verified',
      nextActions: ['confirm_identity', 'defer_confirmation', 'submit_identity'],
    });
    expect(await account.confirm()).toMatchObject({
      state: 'identity_confirmed',
      nextActions: ['upload_id_documents', 'skip_id_documents'],
    });
    expect(await account.skipPhotos()).toMatchObject({
      state: 'bank_card_required',
      nextActions: ['submit_bank_card'],
    });
    const authenticated = await account.passBankCard();
    expect(authenticated).toMatchObject({
      state: 'authenticated',
      authenticated: true,
      tier: 'limited',
      nextActions: ['upload_id_documents', 'associate_account'],
    });
    // The read model has caught up with the answer.
    expect(await account.status()).toEqual(authenticated);
  });

  it('with ID photos accepted, authenticates at the full tier', async () => {
    const account = await sandbox.account();
    await account.toPhotoStep();
    const checked = await account.uploadPhotos();
    // The document check answered within the request.
    expect(checked).toMatchObject({
      state: 'bank_card_required',
      nextActions: ['submit_bank_card'],
    });
    expect(await account.passBankCard()).toMatchObject({
      state: 'authenticated',
      authenticated: true,
      tier: 'full',
      nextActions: ['associate_account'],
    });
  });

  it('takes the photos again after the check refused them', async () => {
    const account = await sandbox.account();
    await account.toPhotoStep();
    expect(await account.uploadPhotos(4 * 1024)).toMatchObject({
      state: 'identity_confirmed',
      nextActions: ['upload_id_documents', 'skip_id_documents'],
      notice: {
        code: 'id_documents_rejected',
        params: { reason: 'image_too_small' },
        message: '身份证照片未通过检查（图片太小或不清晰），请重新上传或跳过此步。',
      },
    });
    expect((await account.uploadPhotos()).state).toBe('bank_card_required');
  });

  it('"not yet": not authenticated until the user comes back and confirms', async () => {
    const account = await sandbox.account();
    await account.start();
    await account.submitIdentity(newIdNumber());
    const deferred = (await account.post('/v1/verification/identity/defer').expect(200)).body;
    expect(deferred).toMatchObject({
      state: 'identity_verified',
      authenticated: false,
      tier: 'none',
      nextActions: ['confirm_identity', 'submit_identity'],
    });
    expect(await account.confirm()).toMatchObject({ state: 'identity_confirmed' });
    await account.skipPhotos();
    expect((await account.passBankCard()).state).toBe('authenticated');
  });

  it('refuses a new identity once the identity is confirmed', async () => {
    const account = await sandbox.account();
    await account.toPhotoStep();
    const response = await account
      .post('/v1/verification/identity', {
        name: '李四',
        idNumber: newIdNumber(),
        paymentPassword: '135790',
      })
      .expect(409);
    expect(JSON.parse(response.text)).toMatchObject({ code: 'identity_already_confirmed' });
  });

  it('lifts the limited tier to full with photos uploaded after authentication', async () => {
    const account = await sandbox.account();
    expect((await account.authenticate()).tier).toBe('limited');
    expect(await account.uploadPhotos()).toMatchObject({
      state: 'authenticated',
      tier: 'full',
      nextActions: ['associate_account'],
    });
  });

  it('authenticates with the bound quick-pay card the user confirms', async () => {
    const account = await sandbox.account();
    await account.toPhotoStep();
    await account.skipPhotos();
    await sandbox.bindCard(account.accountId, newCardNumber(), newMobile());
    const response = await account
      .post('/v1/verification/bank-card', { useBoundCard: true })
      .expect(202);
    expect(response.body).toMatchObject({ state: 'authenticated', tier: 'limited' });
  });

  it('refuses useBoundCard for an account without a bound card', async () => {
    const account = await sandbox.account();
    await account.toPhotoStep();
    await account.skipPhotos();
    const response = await account
      .post('/v1/verification/bank-card', { useBoundCard: true })
      .expect(409);
    expect(JSON.parse(response.text)).toMatchObject({ code: 'no_bound_card' });
  });

  it('lets an authenticated account associate another account of the user', async () => {
    const main = await sandbox.account();
    await main.authenticate();
    const other = await sandbox.account();
    const response = await main
      .post('/v1/verification/associations', { accountToken: other.token })
      .expect(201);
    expect(response.body).toMatchObject({
      mainAccountId: main.accountId,
      accountId: other.accountId,
      status: { state: 'associated', authenticated: true, tier: 'limited' },
    });
    expect(
      await other.waitForState((s) => s.state === 'associated' && s.authenticated),
    ).toMatchObject({
      mainAccountId: main.accountId,
      tier: 'limited',
    });
    // The associated account's tier follows its main account's.
    await main.uploadPhotos();
    expect(await other.waitForState((s) => s.tier === 'full')).toMatchObject({
      state: 'associated',
    });
  });

  it('refuses to associate with a token of the same account, or from an unauthenticated one', async () => {
    const main = await sandbox.account();
    await main.authenticate();
    const same = await main
      .post('/v1/verification/associations', { accountToken: main.token })
      .expect(422);
    expect(JSON.parse(same.text)).toMatchObject({ code: 'invalid_account_token' });
    const unauthenticated = await sandbox.account();
    const other = await sandbox.account();
    const refused = await unauthenticated
      .post('/v1/verification/associations', { accountToken: other.token })
      .expect(409);
    expect(JSON.parse(refused.text)).toMatchObject({ code: 'wrong_state' });
  });
});
