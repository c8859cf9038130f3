import { PersonalDataErasedError, PiiVault } from '@shiming/common';
import { DataSource } from 'typeorm';
import { sandboxWithCapturedLogs } from '../support/captured-logs';
import { newCardNumber, newIdNumber, newMobile, Sandbox } from '../support/journey';

// Everything the application writes, to its tables and its logs, during journeys that
// carry a payment password, ID numbers and card numbers: none of them may show in
// clear anywhere (DESIGN §5).
describe('journeys: personal data and the payment password', () => {
  let sandbox: Sandbox;
  let logs: string[] = [];

  beforeAll(async () => {
    ({ sandbox, logs } = await sandboxWithCapturedLogs());
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  /** Every text-like value of every table, with where it was found. */
  async function everythingStored(): Promise<{ where: string; value: string }[]> {
    const dataSource = sandbox.app.get(DataSource);
    const columns: { table_name: string; column_name: string }[] = await dataSource.query(
      `SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = 'public'
          AND data_type IN ('text', 'jsonb', 'json', 'character varying', 'character', 'bytea')`,
    );
    const found: { where: string; value: string }[] = [];
    for (const { table_name: table, column_name: column } of columns) {
      const rows: { value: string | null }[] = await dataSource.query(
        `SELECT "${column}"::text AS value FROM "${table}"`,
      );
      for (const row of rows) {
        if (row.value) found.push({ where: `${table}.${column}`, value: row.value });
      }
    }
    return found;
  }

  it('keeps the payment password, ID numbers and card numbers out of every table and log', async () => {
    const password = '246813';
    const idNumber = newIdNumber();
    const cardNumber = newCardNumber();
    const depositCard = newCardNumber();

    // SMS path, with a wrong password first.
    const account = await sandbox.account();
    await account.start();
    await account
      .post('/v1/verification/identity', { name: '王五', idNumber, paymentPassword: '000000' })
      .expect(422);
    await account.submitIdentity(idNumber, password, '王五');
    await account.confirm();
    await account.skipPhotos();
    expect((await account.passBankCard(cardNumber, newMobile())).state).toBe('authenticated');

    // Micro-deposit path.
    const other = await sandbox.account();
    const otherId = newIdNumber();
    await other.start();
    await other.submitIdentity(otherId, password);
    await other.confirm();
    await other.skipPhotos();
    await other.submitCard(depositCard, newMobile(true));
    await other.post('/v1/verification/bank-card/micro-deposit').expect(202);
    await sandbox.advance('P2D');
    await other.waitForState('micro_deposit_settled');
    const [{ amount }] = await sandbox.deposits(depositCard);
    await other.post('/v1/verification/bank-card/micro-deposit/confirm', { amount }).expect(200);

    const stored = await everythingStored();
    expect(stored.length).toBeGreaterThan(50);
    const leaks = (secret: string | RegExp) =>
      [
        ...stored.filter(({ value }) => matches(value, secret)).map(({ where }) => where),
        ...logs.filter((line) => matches(line, secret)).map(() => 'logs'),
      ].filter((where, index, all) => all.indexOf(where) === index);
    // A password is 6 digits: it counts only as a token of its own, not inside a hash.
    expect(leaks(new RegExp(`(^|[^0-9A-Za-z])${password}([^0-9A-Za-z]|$)`))).toEqual([]);
    for (const secret of [idNumber, otherId, cardNumber, depositCard]) {
      expect(leaks(secret)).toEqual([]);
    }
    // The logs were captured: the requests are in them, redacted.
    expect(logs.some((line) => line.includes('/v1/verification/identity'))).toBe(true);
  });

  it('erases the personal data of an identity taken back by its owner (crypto-shredding)', async () => {
    const idNumber = newIdNumber();
    const holder = await sandbox.account();
    await holder.start();
    await holder.submitIdentity(idNumber);
    const owner = await sandbox.account();
    await owner.start();
    expect((await owner.submitIdentity(idNumber)).state).toBe('identity_occupied');
    await owner.post('/v1/verification/occupancy', { decision: 'not_mine' }).expect(200);
    await holder.waitForState('identity_pending');

    const [submitted]: {
      data: { identity: { subjectId: string; encrypted: { idNumber: string } } };
    }[] = await sandbox.app
      .get(DataSource)
      .query(
        `SELECT data FROM es_events WHERE stream_id = $1 AND event_type = 'IdentitySubmitted'`,
        [`verification-${holder.accountId}`],
      );
    const { subjectId, encrypted } = submitted.data.identity;
    const vault = sandbox.app.get(PiiVault);
    vault.clearCache();
    expect(await vault.isShredded(subjectId)).toBe(true);
    await expect(vault.decrypt(subjectId, encrypted.idNumber)).rejects.toBeInstanceOf(
      PersonalDataErasedError,
    );
    // The owner's own submission is untouched, and the holder may verify again.
    expect((await holder.submitIdentity(newIdNumber())).state).toBe('identity_verified');
  });
});

function matches(text: string, secret: string | RegExp): boolean {
  return typeof secret === 'string' ? text.includes(secret) : secret.test(text);
}
