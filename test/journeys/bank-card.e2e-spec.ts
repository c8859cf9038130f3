import { Account, newCardNumber, newMobile, Sandbox } from '../support/journey';

describe('journeys: bank card, micro-deposit and SMS code', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await Sandbox.start();
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  async function atCardStep(): Promise<Account> {
    const account = await sandbox.account();
    await account.toPhotoStep();
    await account.skipPhotos();
    return account;
  }

  /** A card whose reserved mobile the bank does not match, then a micro-deposit sent. */
  async function depositSent(account: Account, cardNumber: string): Promise<void> {
    expect(await account.submitCard(cardNumber, newMobile(true))).toMatchObject({
      state: 'bank_card_mismatch',
      nextActions: ['request_micro_deposit', 'change_bank_card'],
      notice: { code: 'mobile_mismatch' },
    });
    const requested = await account.post('/v1/verification/bank-card/micro-deposit').expect(202);
    expect(requested.body).toMatchObject({ state: 'micro_deposit_pending' });
  }

  async function settledAmount(account: Account, cardNumber: string): Promise<string> {
    expect(await sandbox.deposits(cardNumber)).toEqual([]);
    await sandbox.advance('P2D');
    const settled = await account.waitForState('micro_deposit_settled');
    expect(settled).toMatchObject({
      nextActions: ['confirm_micro_deposit', 'change_bank_card'],
      notice: { code: 'micro_deposit_arrived' },
    });
    expect(settled.deadlines.microDepositWindowEndsAt).toBeDefined();
    const [deposit] = await sandbox.deposits(cardNumber);
    expect(deposit.amount).toMatch(/^0\.\d\d$/);
    return deposit.amount;
  }

  function wrongAmount(amount: string): string {
    return amount === '0.01' ? '0.02' : '0.01';
  }

  it('mobile mismatch → micro-deposit → settles after P2D → the amount confirms it', async () => {
    const account = await atCardStep();
    const cardNumber = newCardNumber();
    await depositSent(account, cardNumber);
    const amount = await settledAmount(account, cardNumber);
    const confirmed = await account
      .post('/v1/verification/bank-card/micro-deposit/confirm', { amount })
      .expect(200);
    expect(confirmed.body).toMatchObject({
      state: 'authenticated',
      authenticated: true,
      tier: 'limited',
    });
  });

  it('ends the micro-deposit after three wrong amounts', async () => {
    const account = await atCardStep();
    const cardNumber = newCardNumber();
    await depositSent(account, cardNumber);
    const wrong = wrongAmount(await settledAmount(account, cardNumber));
    for (const attemptsLeft of [2, 1, 0]) {
      const response = await account
        .post('/v1/verification/bank-card/micro-deposit/confirm', { amount: wrong })
        .expect(422);
      expect(JSON.parse(response.text)).toMatchObject({ code: 'wrong_amount', attemptsLeft });
    }
    expect(await account.waitForState('bank_card_mismatch')).toMatchObject({
      nextActions: ['request_micro_deposit', 'change_bank_card'],
      notice: { code: 'micro_deposit_attempts_exhausted' },
    });
  });

  it('expires the micro-deposit 10 days after it arrived', async () => {
    const account = await atCardStep();
    const cardNumber = newCardNumber();
    await depositSent(account, cardNumber);
    const amount = await settledAmount(account, cardNumber);
    await sandbox.advance('P10D');
    expect(await account.waitForState('bank_card_mismatch')).toMatchObject({
      notice: { code: 'micro_deposit_expired' },
    });
    const late = await account
      .post('/v1/verification/bank-card/micro-deposit/confirm', { amount })
      .expect(409);
    expect(JSON.parse(late.text)).toMatchObject({ code: 'wrong_state' });
  });

  it('"verification failed" offers the micro-deposit too', async () => {
    const account = await atCardStep();
    const cardNumber = newCardNumber('999');
    expect(await account.submitCard(cardNumber, newMobile())).toMatchObject({
      state: 'bank_card_mismatch',
      nextActions: ['request_micro_deposit', 'change_bank_card'],
      notice: { code: 'verification_failed' },
    });
    const requested = await account.post('/v1/verification/bank-card/micro-deposit').expect(202);
    expect(requested.body.state).toBe('micro_deposit_pending');
  });

  it('"verification failed", then another card succeeds', async () => {
    const account = await atCardStep();
    await account.submitCard(newCardNumber('999'), newMobile());
    const changed = await account.post('/v1/verification/bank-card/change').expect(200);
    expect(changed.body).toMatchObject({
      state: 'bank_card_required',
      nextActions: ['submit_bank_card'],
    });
    expect((await account.passBankCard()).state).toBe('authenticated');
  });

  it('refuses a card that is not a quick-pay card, and takes another', async () => {
    const account = await atCardStep();
    expect(await account.submitCard(newCardNumber('998'), newMobile())).toMatchObject({
      state: 'bank_card_required',
      nextActions: ['submit_bank_card', 'change_bank_card'],
      notice: { code: 'card_not_quick_pay' },
    });
    expect((await account.passBankCard()).state).toBe('authenticated');
  });

  it('refuses a micro-deposit for a card without payment verification', async () => {
    const account = await atCardStep();
    expect(await account.submitCard(newCardNumber('997'), newMobile(true))).toMatchObject({
      state: 'bank_card_mismatch',
      nextActions: ['change_bank_card'],
    });
    const refused = await account.post('/v1/verification/bank-card/micro-deposit').expect(409);
    expect(JSON.parse(refused.text)).toMatchObject({ code: 'payment_verification_unsupported' });
  });

  describe('SMS code', () => {
    async function codeSent(): Promise<{ account: Account; mobile: string }> {
      const account = await atCardStep();
      const mobile = newMobile();
      await account.submitCard(newCardNumber(), mobile);
      const sent = await account.acceptAgreement();
      expect(sent.deadlines).toEqual({
        smsCodeExpiresAt: expect.any(String),
        smsResendableAt: expect.any(String),
      });
      return { account, mobile };
    }

    function otherThan(code: string): string {
      return code === '000000' ? '000001' : '000000';
    }

    it('refuses a wrong code and still takes the right one', async () => {
      const { account, mobile } = await codeSent();
      const code = await sandbox.latestSmsCode(mobile);
      const wrong = await account
        .post('/v1/verification/bank-card/sms', { code: otherThan(code) })
        .expect(422);
      expect(JSON.parse(wrong.text)).toMatchObject({ code: 'wrong_sms_code', attemptsLeft: 4 });
      expect((await account.enterSmsCode(code)).state).toBe('authenticated');
    });

    it('refuses an expired code; a new one works', async () => {
      const { account, mobile } = await codeSent();
      const code = await sandbox.latestSmsCode(mobile);
      await sandbox.advance('PT6M');
      expect(
        await account.waitForState((s) => s.notice?.code === 'sms_code_expired'),
      ).toMatchObject({
        state: 'sms_pending',
        nextActions: ['resend_sms_code', 'change_bank_card'],
      });
      const late = await account.post('/v1/verification/bank-card/sms', { code }).expect(409);
      expect(JSON.parse(late.text)).toMatchObject({ code: 'code_expired' });
      await account.post('/v1/verification/bank-card/sms/resend').expect(200);
      const fresh = await sandbox.latestSmsCode(mobile);
      expect(fresh).toMatch(/^\d{6}$/);
      expect((await account.enterSmsCode(fresh)).state).toBe('authenticated');
    });

    it('refuses a resend within the cool-down, with Retry-After', async () => {
      const { account, mobile } = await codeSent();
      const tooSoon = await account.post('/v1/verification/bank-card/sms/resend').expect(429);
      expect(JSON.parse(tooSoon.text)).toMatchObject({ code: 'resend_too_soon' });
      expect(Number(tooSoon.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(tooSoon.headers['retry-after'])).toBeLessThanOrEqual(60);
      await sandbox.advance('PT61S');
      await account.post('/v1/verification/bank-card/sms/resend').expect(200);
      expect(await sandbox.smsTexts(mobile)).toHaveLength(2);
    });

    it('ends the code after five wrong entries; accepting again sends a new one', async () => {
      const { account, mobile } = await codeSent();
      const wrong = otherThan(await sandbox.latestSmsCode(mobile));
      for (const attemptsLeft of [4, 3, 2, 1, 0]) {
        const response = await account
          .post('/v1/verification/bank-card/sms', { code: wrong })
          .expect(422);
        expect(JSON.parse(response.text)).toMatchObject({ code: 'wrong_sms_code', attemptsLeft });
      }
      expect(await account.waitForState('bank_card_required')).toMatchObject({
        nextActions: ['accept_agreement', 'change_bank_card'],
        notice: { code: 'sms_code_attempts_exhausted' },
      });
      await account.acceptAgreement();
      expect((await account.enterSmsCode(await sandbox.latestSmsCode(mobile))).state).toBe(
        'authenticated',
      );
    });
  });
});
