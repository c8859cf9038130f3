import { PiiVault } from '@shiming/common';
import { EventStore, SubscriptionRunner, type RecordedEvent } from '@shiming/event-store';
import { eventIdFor } from '@shiming/workflow';
import { lastCommitted, startPlatform, type TestPlatform } from '../../../../test/support/platform';
import type { SubmittedIdentity } from '../domain';
import { IdentityRegistry } from '../infrastructure/identity-registry.repository';
import { PersonalData } from '../infrastructure/personal-data';
import { TestAccount } from '../testing/test-accounts';
import { verificationStreamId } from '../verification.streams';
import { CrossAccountProcessManager } from './cross-account.process-manager';

// What an account's events ask of other accounts, carried from the log over the real
// platform: each command lands on the other account's stream once, in the batch's
// transaction, caused by the event that asked for it.
describe('CrossAccountProcessManager on PostgreSQL', () => {
  let platform: TestPlatform;
  let processManager: CrossAccountProcessManager;
  let store: EventStore;

  beforeAll(async () => {
    platform = await startPlatform();
    processManager = platform.module.get(CrossAccountProcessManager);
    store = platform.module.get(EventStore);
  });

  afterAll(async () => {
    await platform?.close();
  });

  const streamOf = (user: TestAccount) => store.readStream(verificationStreamId(user.accountId));

  /** The account's events that the process manager reads, as the log hands them over. */
  const batchOf = async (user: TestAccount): Promise<RecordedEvent[]> =>
    (await streamOf(user)).filter((e) => processManager.eventTypes.includes(e.type));

  const applyInBatch = (events: RecordedEvent[]) =>
    platform.dataSource.transaction((tx) => processManager.apply(events, tx));

  const worker = () =>
    new SubscriptionRunner(platform.dataSource, store, processManager, {
      batchSize: 100,
      idlePollMs: 20,
    });

  // Up to the newest event committed: on a server that other transactions keep busy,
  // the log's readable end may lag behind what this spec appended, and a reader
  // stopping at the first idle look would stop short.
  const everything = () => lastCommitted(platform.dataSource);

  /** A holder of an identity, and an account that reclaims it ("not mine"). */
  async function reclaimed(): Promise<{ holder: TestAccount; owner: TestAccount }> {
    const holder = new TestAccount(platform.module);
    await holder.toVerified();
    const owner = new TestAccount(platform.module, undefined, holder.identity);
    await owner.start();
    await owner.submitIdentity();
    await owner.recordIdentityCheck('match', {
      accountId: holder.accountId,
      holderStatus: 'identity_verified',
    });
    await owner.run({ type: 'DecideOccupancy', data: { at: owner.now(), decision: 'not_mine' } });
    return { holder, owner };
  }

  /** An authenticated main account, and an account associated with it. */
  async function associated(): Promise<{ main: TestAccount; other: TestAccount }> {
    const main = new TestAccount(platform.module);
    await main.toSmsPending('864200');
    await main.verifySmsCode('864200');
    const other = new TestAccount(platform.module);
    await other.run({
      type: 'AssociateAccount',
      data: { at: other.now(), mainAccountId: main.accountId },
    });
    return { main, other };
  }

  it('revokes the identity of the holder an account reclaimed it from, caused by the reclaim', async () => {
    const { holder, owner } = await reclaimed();
    const [reclaim] = await batchOf(owner);
    expect(reclaim.type).toBe('IdentityReclaimed');

    await applyInBatch([reclaim]);

    const revoked = (await streamOf(holder)).at(-1);
    const holderStream = verificationStreamId(holder.accountId);
    expect(revoked).toMatchObject({
      eventId: eventIdFor(`reaction:${reclaim.eventId}:0`, holderStream, 0),
      type: 'IdentityRevoked',
      data: {
        registryId: holder.submitted?.registryId,
        reason: 'claimed_by_owner',
        byAccountId: owner.accountId,
      },
      metadata: {
        actor: { type: 'system', id: CrossAccountProcessManager.NAME },
        correlationId: reclaim.metadata.correlationId,
        causationId: reclaim.eventId,
      },
    });
    // What the revocation causes went with it: the holder's copy of the identity is erased.
    expect(
      await platform.module.get(PiiVault).isShredded(holder.submitted?.subjectId as string),
    ).toBe(true);
    expect(
      await platform.module
        .get(IdentityRegistry)
        .occupant(owner.submitted?.registryId as string, holder.accountId),
    ).toBe(owner.accountId);
  });

  it('tells the main account of an association, caused by it', async () => {
    const { main, other } = await associated();
    const [association] = await batchOf(other);
    expect(association.type).toBe('AccountAssociated');

    await applyInBatch([association]);

    expect((await streamOf(main)).at(-1)).toMatchObject({
      eventId: eventIdFor(
        `reaction:${association.eventId}:0`,
        verificationStreamId(main.accountId),
        0,
      ),
      type: 'AssociatedAccountAccepted',
      data: { accountId: other.accountId },
      metadata: {
        actor: { type: 'system', id: CrossAccountProcessManager.NAME },
        correlationId: association.metadata.correlationId,
        causationId: association.eventId,
      },
    });
  });

  it('sends each command once when the batch is applied again', async () => {
    const { holder, owner } = await reclaimed();
    const { main, other } = await associated();
    const batch = [...(await batchOf(owner)), ...(await batchOf(other))];

    await applyInBatch(batch);
    const after = { holder: await streamOf(holder), main: await streamOf(main) };
    await applyInBatch(batch);

    expect(await streamOf(holder)).toEqual(after.holder);
    expect(await streamOf(main)).toEqual(after.main);
    expect(after.holder.filter((e) => e.type === 'IdentityRevoked')).toHaveLength(1);
    expect(after.main.filter((e) => e.type === 'AssociatedAccountAccepted')).toHaveLength(1);
  });

  it('sends nothing when the batch’s transaction rolls back', async () => {
    const { holder, owner } = await reclaimed();
    const before = await streamOf(holder);

    await expect(
      platform.dataSource.transaction(async (tx) => {
        await processManager.apply(await batchOf(owner), tx);
        throw new Error('the batch fails after the command');
      }),
    ).rejects.toThrow('the batch fails after the command');

    expect(await streamOf(holder)).toEqual(before);
    expect(
      await platform.module.get(PiiVault).isShredded(holder.submitted?.subjectId as string),
    ).toBe(false);
    expect(
      await platform.module.get(PersonalData).revealIdentity(holder.submitted as SubmittedIdentity),
    ).toEqual(holder.identity);
  });

  it('reading the log, sends each command once, however many workers read it and from wherever', async () => {
    const { holder } = await reclaimed();
    const { main } = await associated();

    await Promise.all([worker().catchUp(await everything()), worker().catchUp(await everything())]);
    // The checkpoint lost: the whole log is read, and applied, again.
    await platform.dataSource.query('DELETE FROM es_checkpoints WHERE subscription_id = $1', [
      processManager.name,
    ]);
    await Promise.all([worker().catchUp(await everything()), worker().catchUp(await everything())]);

    expect((await streamOf(holder)).filter((e) => e.type === 'IdentityRevoked')).toHaveLength(1);
    expect(
      (await streamOf(main)).filter((e) => e.type === 'AssociatedAccountAccepted'),
    ).toHaveLength(1);
  });
});
