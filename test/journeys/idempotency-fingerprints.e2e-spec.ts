import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Account, newCardNumber, newIdNumber, newMobile, Sandbox } from '../support/journey';

// The routes that take a secret (payment password, SMS code, deposit amount) leave it
// out of the stored Idempotency-Key fingerprint: two requests that differ only there
// are stored alike, and a retry with the same key replays the first answer.
describe('journeys: idempotency fingerprints keep no secret', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await Sandbox.start();
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  const fingerprintOf = async (account: Account, key: string): Promise<string> => {
    const rows: { request_hash: string }[] = await sandbox.app
      .get(DataSource)
      .query(`SELECT request_hash FROM idempotency_keys WHERE principal = $1 AND key = $2`, [
        account.accountId,
        key,
      ]);
    expect(rows).toHaveLength(1);
    return rows[0].request_hash;
  };
  const key = () => `key-${randomUUID()}`;

  it('payment password: a wrong and a right one are fingerprinted alike', async () => {
    const account = await sandbox.account();
    await account.start();
    const identity = { name: '张三', idNumber: newIdNumber() };
    const [wrongKey, rightKey] = [key(), key()];
    const wrong = await account
      .post('/v1/verification/identity', { ...identity, paymentPassword: '000000' }, wrongKey)
      .expect(422);
    expect(JSON.parse(wrong.text)).toMatchObject({ code: 'wrong_payment_password' });
    // The same key again, now with the right password: the first answer, replayed.
    const replayed = await account
      .post('/v1/verification/identity', { ...identity, paymentPassword: '135790' }, wrongKey)
      .expect(422);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    await account
      .post('/v1/verification/identity', { ...identity, paymentPassword: '135790' }, rightKey)
      .expect(202);
    expect(await fingerprintOf(account, rightKey)).toBe(await fingerprintOf(account, wrongKey));
  });

  it('SMS code and deposit amount: fingerprinted without them', async () => {
    const account = await sandbox.account();
    await account.toPhotoStep();
    await account.skipPhotos();
    const mobile = newMobile();
    await account.submitCard(newCardNumber(), mobile);
    await account.acceptAgreement();
    const [first, second] = [key(), key()];
    await account.post('/v1/verification/bank-card/sms', { code: '000001' }, first).expect(422);
    await account.post('/v1/verification/bank-card/sms', { code: '000002' }, second).expect(422);
    expect(await fingerprintOf(account, first)).toBe(await fingerprintOf(account, second));

    const other = await sandbox.account();
    await other.toPhotoStep();
    await other.skipPhotos();
    const cardNumber = newCardNumber();
    await other.submitCard(cardNumber, newMobile(true));
    await other.post('/v1/verification/bank-card/micro-deposit').expect(202);
    await sandbox.advance('P2D');
    await other.waitForState('micro_deposit_settled');
    const [deposit] = await sandbox.deposits(cardNumber);
    const wrong = deposit.amount === '0.01' ? '0.02' : '0.01';
    const [k1, k2] = [key(), key()];
    const confirm = '/v1/verification/bank-card/micro-deposit/confirm';
    await other.post(confirm, { amount: wrong }, k1).expect(422);
    await other.post(confirm, { amount: deposit.amount }, k2).expect(200);
    expect(await fingerprintOf(other, k1)).toBe(await fingerprintOf(other, k2));
  });
});
