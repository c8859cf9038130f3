import { watchStatements } from '../../../../test/support/statements';
import type { EntityManager } from 'typeorm';
import { startPlatform, type TestPlatform } from '../../../../test/support/platform';
import { identityOf, SmsSendLimitError, type VerificationState } from '../domain';
import { TestAccount } from '../testing/test-accounts';
import { MobileSmsQuota } from './mobile-sms-quota';
import { subjectOf } from './personal-data';

const DAY_MS = 24 * 60 * 60 * 1000;

// The cap on codes sent to one mobile number from all accounts (5 an hour by default),
// counted in the sending command's transaction.
describe('MobileSmsQuota on PostgreSQL', () => {
  let platform: TestPlatform;
  let quota: MobileSmsQuota;

  beforeAll(async () => {
    platform = await startPlatform();
    quota = platform.module.get(MobileSmsQuota);
  });

  afterAll(async () => {
    await platform?.close();
  });

  /** An account whose card matched: the state a code is sent from. */
  async function matchedCard(): Promise<VerificationState> {
    const user = new TestAccount(platform.module);
    await user.toCardStep();
    await user.submitCard();
    return (await user.recordBankCheck()).state;
  }

  /** Takes a code in a transaction of its own; returns how many statements it sent. */
  const take = (before: VerificationState) =>
    platform.dataSource.transaction(async (tx: EntityManager) => {
      const sent = await watchStatements(tx);
      await quota.take(tx, before);
      sent.stop();
      // Reading the card's number may or may not ask for its key (a cached one): left out.
      return sent.texts().filter((sql) => !sql.includes('pii_data_keys')).length;
    });

  const sendsOf = async (subjectId: string) =>
    (
      await platform.dataSource.query<{ n: number }[]>(
        'SELECT count(*)::int AS n FROM sms_mobile_sends WHERE subject_id = $1',
        [subjectId],
      )
    )[0].n;

  it('counts each code to the number and refuses the one past the hour’s cap', async () => {
    const before = await matchedCard();
    for (let i = 0; i < 5; i++) await take(before);
    await expect(take(before)).rejects.toBeInstanceOf(SmsSendLimitError);
    expect(await sendsOf(subjectOf(identityOf(before)!))).toBe(5);
  });

  it('forgets sends older than a day, whoever they were for', async () => {
    const before = await matchedCard();
    const old = new Date(Date.now() - 2 * DAY_MS);
    await platform.dataSource.query(
      `INSERT INTO sms_mobile_sends (mobile_key, subject_id, sent_at) VALUES ($1, $2, $3)`,
      ['another-number', 'identity:gone', old],
    );
    // The number's lock, the purge with the count of the day's sends, the new send.
    expect(await take(before)).toBe(3);
    expect(
      await platform.dataSource.query(
        `SELECT 1 FROM sms_mobile_sends WHERE mobile_key = 'another-number'`,
      ),
    ).toEqual([]);
  });
});
