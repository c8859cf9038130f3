import {
  BANK_CARD_CHECK,
  SandboxBankCardCheck,
  SandboxSmsGateway,
  SMS_GATEWAY,
  type BankCardCheck,
  type BankCardCheckRequest,
  type SmsGateway,
} from '@shiming/integrations';
import { DataSource } from 'typeorm';
import { newCardNumber, newMobile, Sandbox } from '../support/journey';

/** An outside party that fails the next `failures` calls, then behaves. */
class Flaky {
  failures = 0;

  call<T>(work: () => Promise<T>): Promise<T> {
    if (this.failures > 0) {
      this.failures--;
      return Promise.reject(new Error('connection reset by the outside party'));
    }
    return work();
  }
}

describe('journeys: outside calls that fail in the request are made from the log', () => {
  let sandbox: Sandbox;
  const bank = new Flaky();
  const sms = new Flaky();

  beforeAll(async () => {
    const sandboxBank = new SandboxBankCardCheck();
    const bankCardCheck: BankCardCheck = {
      check: (request: BankCardCheckRequest) => bank.call(() => sandboxBank.check(request)),
    };
    // The sandbox inbox exists once the app does.
    const inbox: { gateway?: SmsGateway } = {};
    const smsGateway: SmsGateway = {
      send: (mobile, text) => sms.call(() => (inbox.gateway as SmsGateway).send(mobile, text)),
    };
    sandbox = await Sandbox.start({}, [
      [BANK_CARD_CHECK, bankCardCheck],
      [SMS_GATEWAY, smsGateway],
    ]);
    inbox.gateway = sandbox.app.get(SandboxSmsGateway);
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  it('completes the bank check when the bank failed during the request', async () => {
    const account = await sandbox.account();
    await account.toPhotoStep();
    await account.skipPhotos();
    bank.failures = 2;
    const checking = await account.submitCard(newCardNumber(), newMobile());
    // The request could not get the bank's answer: the process waits for it…
    expect(checking).toMatchObject({ state: 'bank_card_required', nextActions: [] });
    // …and the process manager gets it from the log.
    expect(
      await account.waitForState((s) => s.nextActions.includes('accept_agreement')),
    ).toMatchObject({
      state: 'bank_card_required',
    });
    const [call]: { attempts: number; done_at: Date | null; last_error: string }[] =
      await sandbox.app.get(DataSource).query(
        `SELECT attempts, done_at, last_error FROM verification_outside_calls
          WHERE account_id = $1 AND kind = 'bank_check'`,
        [account.accountId],
      );
    expect(call).toMatchObject({ attempts: 3, done_at: expect.any(Date) });
    expect(call.last_error).toContain('connection reset');
  });

  it('sends the SMS code when the gateway failed during the request, and only once', async () => {
    const account = await sandbox.account();
    await account.toPhotoStep();
    await account.skipPhotos();
    const mobile = newMobile();
    await account.submitCard(newCardNumber(), mobile);
    sms.failures = 1;
    expect((await account.acceptAgreement()).state).toBe('sms_pending');
    const code = await sandbox.eventually(() => sandbox.latestSmsCode(mobile));
    expect(await sandbox.smsTexts(mobile)).toHaveLength(1);
    expect((await account.enterSmsCode(code)).state).toBe('authenticated');
    // The secret the call needed is gone once it was made.
    const rows: { payload: string | null }[] = await sandbox.app
      .get(DataSource)
      .query(`SELECT payload FROM verification_outside_calls WHERE account_id = $1`, [
        account.accountId,
      ]);
    expect(rows.every((row) => row.payload === null)).toBe(true);
  });
});
