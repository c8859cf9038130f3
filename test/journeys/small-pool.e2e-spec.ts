import { newIdNumber, Sandbox, type Account } from '../support/journey';

// A command holds one pool connection for its whole transaction; anything it reads
// must go through that transaction. With a pool of two, one identity check that took
// a second connection for its reads while four others waited for one would freeze
// the service for good.
describe('journeys: a pool smaller than the load', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await Sandbox.start({ DB_POOL_SIZE: '2' });
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  it('answers concurrent identity checks of an identity another account holds', async () => {
    const holder = await sandbox.account();
    const idNumber = newIdNumber();
    await holder.start();
    await holder.submitIdentity(idNumber);

    const claimants: Account[] = [];
    for (let i = 0; i < 6; i++) {
      const account = await sandbox.account();
      await account.start();
      claimants.push(account);
    }
    const answers = await Promise.all(claimants.map((account) => account.submitIdentity(idNumber)));
    for (const answer of answers) {
      expect(answer).toMatchObject({ state: 'identity_occupied', occupancy: { disputed: false } });
    }
  });
});
