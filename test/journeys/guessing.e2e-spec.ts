import { PAYMENT_PASSWORD, type PaymentPasswordVerifier } from '@shiming/integrations';
import { DataSource } from 'typeorm';
import { newCardNumber, newIdNumber, newMobile, Sandbox, type Account } from '../support/journey';

// Secrets a caller may guess — the payment password, the SMS code, the micro-deposit
// amount — are guessed only as often as their limits allow (DESIGN §5), whatever the
// state of the process, however many requests race, and across resends and card
// changes. Every guess evaluated is counted.
describe('journeys: guesses stay within their limits', () => {
  let sandbox: Sandbox;
  let passwordChecks: jest.SpyInstance;

  beforeAll(async () => {
    sandbox = await Sandbox.start();
    passwordChecks = jest.spyOn(
      sandbox.app.get<PaymentPasswordVerifier>(PAYMENT_PASSWORD),
      'verify',
    );
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  const dataSource = () => sandbox.app.get(DataSource);

  async function eventsOf(account: Account, type: string): Promise<number> {
    const [{ count }] = await dataSource().query(
      `SELECT count(*) FROM es_events WHERE stream_id = $1 AND event_type = $2`,
      [`verification-${account.accountId}`, type],
    );
    return Number(count);
  }

  async function all<T>(n: number, guess: (i: number) => Promise<T>): Promise<T[]> {
    return Promise.all(Array.from({ length: n }, (_, i) => guess(i)));
  }

  const statuses = (responses: { status: number }[]) =>
    responses.map((r) => r.status).sort((a, b) => a - b);

  describe('the payment password', () => {
    it('checks no more than five of fifty racing wrong passwords, then locks', async () => {
      const account = await sandbox.account();
      await account.start();
      passwordChecks.mockClear();
      const idNumber = newIdNumber();
      const responses = await all(50, () =>
        account.post('/v1/verification/identity', {
          name: '张三',
          idNumber,
          paymentPassword: '000000',
        }),
      );
      expect(passwordChecks.mock.calls.length).toBeLessThanOrEqual(5);
      expect(passwordChecks.mock.calls.length).toBe(
        await eventsOf(account, 'PaymentPasswordRejected'),
      );
      for (const response of responses) {
        expect([422, 423, 429]).toContain(response.status);
        expect(response.headers['content-type']).toMatch(/problem\+json/);
      }
      // Whatever raced, what follows until five are counted is counted too.
      while ((await eventsOf(account, 'PaymentPasswordRejected')) < 5) {
        await account.post('/v1/verification/identity', {
          name: '张三',
          idNumber,
          paymentPassword: '000000',
        });
      }
      expect((await account.status()).state).toBe('locked');
    });

    it('while locked, answers a right and a wrong password alike, without checking either', async () => {
      const account = await sandbox.account();
      await account.start();
      const idNumber = newIdNumber();
      for (let i = 0; i < 5; i++) {
        await account
          .post('/v1/verification/identity', { name: '张三', idNumber, paymentPassword: '000000' })
          .expect((r) => expect([422, 423]).toContain(r.status));
      }
      const keysBefore = await keyCount();
      const eventsBefore = await eventsOf(account, 'PaymentPasswordRejected');
      passwordChecks.mockClear();
      const right = await account
        .post('/v1/verification/identity', { name: '张三', idNumber, paymentPassword: '135790' })
        .expect(423);
      const wrong = await account
        .post('/v1/verification/identity', { name: '张三', idNumber, paymentPassword: '000000' })
        .expect(423);
      expect(passwordChecks).not.toHaveBeenCalled();
      expect(right.body).toEqual(wrong.body);
      expect(right.headers['retry-after']).toBe(wrong.headers['retry-after']);
      // A right guess leaves no trace a wrong one would not: no data key, no event.
      expect(await keyCount()).toBe(keysBefore);
      expect(await eventsOf(account, 'PaymentPasswordRejected')).toBe(eventsBefore);
      expect(await eventsOf(account, 'IdentitySubmitted')).toBe(0);
    });

    it('does not check the password of a submission the state refuses', async () => {
      const account = await sandbox.account();
      await account.toPhotoStep();
      passwordChecks.mockClear();
      const refused = await account
        .post('/v1/verification/identity', {
          name: '张三',
          idNumber: newIdNumber(),
          paymentPassword: '000000',
        })
        .expect(409);
      expect(refused.body).toMatchObject({ code: 'identity_already_confirmed' });
      expect(passwordChecks).not.toHaveBeenCalled();
    });

    async function keyCount(): Promise<number> {
      const [{ count }] = await dataSource().query(`SELECT count(*) FROM pii_data_keys`);
      return Number(count);
    }
  });

  describe('the SMS code', () => {
    /** An account at the SMS step, with the code sent to `mobile`. */
    async function atSms(mobile = newMobile()): Promise<Account> {
      const account = await sandbox.account();
      await account.toPhotoStep();
      await account.skipPhotos();
      await account.submitCard(newCardNumber(), mobile);
      expect((await account.acceptAgreement()).state).toBe('sms_pending');
      return account;
    }

    it('evaluates five wrong codes in all, across a resend, of fifty racing ones', async () => {
      const account = await atSms();
      for (const left of [4, 3, 2]) {
        const wrong = await account
          .post('/v1/verification/bank-card/sms', { code: '000001' })
          .expect(422);
        expect(wrong.body).toMatchObject({ code: 'wrong_sms_code', attemptsLeft: left });
      }
      // A new code does not bring new guesses.
      await sandbox.advance('PT61S');
      await account.post('/v1/verification/bank-card/sms/resend').expect(200);
      const racing = await all(50, () =>
        account.post('/v1/verification/bank-card/sms', { code: '000002' }),
      );
      expect(await eventsOf(account, 'SmsCodeRejected')).toBe(5);
      expect(await eventsOf(account, 'SmsCodeAttemptsExhausted')).toBe(1);
      for (const response of racing) expect([409, 422]).toContain(response.status);
      expect(statuses(racing).filter((s) => s === 422)).toHaveLength(2);
    });

    it('caps the codes sent to an account in an hour, whatever the card', async () => {
      const account = await atSms();
      // The agreement sent one; four resends a minute apart make five.
      for (let i = 0; i < 4; i++) {
        await sandbox.advance('PT61S');
        await account.post('/v1/verification/bank-card/sms/resend').expect(200);
      }
      await sandbox.advance('PT61S');
      const refused = await account.post('/v1/verification/bank-card/sms/resend').expect(429);
      expect(refused.body).toMatchObject({ code: 'sms_limit_reached' });
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(50 * 60);
      // Another card and agreement do not buy more codes.
      await account.post('/v1/verification/bank-card/change').expect(200);
      await account.submitCard(newCardNumber(), newMobile());
      const again = await account.post('/v1/verification/bank-card/agreement', { accepted: true });
      expect(again.status).toBe(429);
      expect(again.body).toMatchObject({ code: 'sms_limit_reached' });
    });

    it('caps the codes sent to one mobile number from every account together', async () => {
      const mobile = newMobile();
      for (let i = 0; i < 5; i++) await atSms(mobile);
      const account = await sandbox.account();
      await account.toPhotoStep();
      await account.skipPhotos();
      await account.submitCard(newCardNumber(), mobile);
      const refused = await account
        .post('/v1/verification/bank-card/agreement', { accepted: true })
        .expect(429);
      expect(refused.body).toMatchObject({ code: 'sms_limit_reached' });
      expect(refused.headers['retry-after']).toBeDefined();
      // Refused, so not sent and not counted: the inbox has the five codes only.
      expect(await sandbox.smsTexts(mobile)).toHaveLength(5);
      expect((await account.status()).state).toBe('bank_card_required');
    });
  });

  describe('the micro-deposit amount', () => {
    /** An account whose card failed the bank check, ready for a micro-deposit. */
    async function atMismatch(cardNumber = newCardNumber()): Promise<Account> {
      const account = await sandbox.account();
      await account.toPhotoStep();
      await account.skipPhotos();
      await account.submitCard(cardNumber, newMobile(true));
      return account;
    }

    it('evaluates three wrong amounts of fifty racing ones', async () => {
      const cardNumber = newCardNumber();
      const account = await atMismatch(cardNumber);
      await account.post('/v1/verification/bank-card/micro-deposit').expect(202);
      await sandbox.advance('P2D');
      await account.waitForState('micro_deposit_settled');
      const [{ amount }] = await sandbox.deposits(cardNumber);
      const wrong = amount === '0.01' ? '0.02' : '0.01';
      const responses = await all(50, () =>
        account.post('/v1/verification/bank-card/micro-deposit/confirm', { amount: wrong }),
      );
      expect(await eventsOf(account, 'MicroDepositAmountRejected')).toBe(3);
      expect(statuses(responses).filter((s) => s === 422)).toHaveLength(3);
      for (const response of responses) expect([409, 422]).toContain(response.status);
    });

    it('sends three deposits in a verification, however often the card is changed back', async () => {
      const cardNumber = newCardNumber();
      const account = await atMismatch(cardNumber);
      for (let i = 0; i < 3; i++) {
        await account.post('/v1/verification/bank-card/micro-deposit').expect(202);
        await account.post('/v1/verification/bank-card/change').expect(200);
        await account.submitCard(i === 1 ? newCardNumber() : cardNumber, newMobile(true));
        await account.waitForState('bank_card_mismatch');
      }
      const refused = await account.post('/v1/verification/bank-card/micro-deposit').expect(429);
      expect(refused.body).toMatchObject({ code: 'attempts_exceeded' });
      expect(await eventsOf(account, 'MicroDepositRequested')).toBe(3);
    });
  });
});
