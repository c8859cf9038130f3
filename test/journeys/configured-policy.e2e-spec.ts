import { newIdNumber, Sandbox } from '../support/journey';

// The numbers of the process are configuration (DESIGN §1): the same journeys run
// with other numbers when the environment says so.
describe('journeys: the process numbers come from configuration', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await Sandbox.start({
      PAYMENT_PASSWORD_MAX_FAILURES: '2',
      PAYMENT_PASSWORD_LOCK_MS: String(30 * 60_000),
    });
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  it('locks identity submission after the configured number of wrong passwords, for the configured time', async () => {
    const account = await sandbox.account();
    await account.start();
    const submit = () =>
      account.post('/v1/verification/identity', {
        name: '张三',
        idNumber: newIdNumber(),
        paymentPassword: '000000',
      });
    const wrong = await submit().expect(422);
    expect(JSON.parse(wrong.text)).toMatchObject({
      code: 'wrong_payment_password',
      attemptsLeft: 1,
    });
    const locked = await submit().expect(423);
    expect(Number(locked.headers['retry-after'])).toBe(30 * 60);
  });
});
