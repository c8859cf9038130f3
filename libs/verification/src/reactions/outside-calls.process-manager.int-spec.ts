import {
  checkpointStatus,
  comparePositions,
  EventStore,
  SubscriptionRunner,
  type Projection,
  type RecordedEvent,
} from '@shiming/event-store';
import {
  lastCommitted,
  startPlatformWithParties,
  type TestPlatform,
} from '../../../../test/support/platform';
import { ControlledParty } from '../testing/controlled-party';
import { TestAccount } from '../testing/test-accounts';
import { verificationStreamId } from '../verification.streams';
import { OutsideCallsRepository } from '../infrastructure/outside-calls.repository';
import { OutsideCallsProcessManager } from './outside-calls.process-manager';

// The durable side of outside calls, over the real platform: the calls a request never
// made (here, nobody ran the fast path) are made from the log, each exactly once,
// however often its batch is applied and however many workers read the log.
describe('OutsideCallsProcessManager on PostgreSQL', () => {
  let platform: TestPlatform;
  // As the subscription sees it.
  let processManager: Projection;
  let authority: ControlledParty;
  let bank: ControlledParty;

  beforeAll(async () => {
    ({ platform, authority, bank } = await startPlatformWithParties());
    processManager = platform.module.get(OutsideCallsProcessManager);
  });

  afterAll(async () => {
    await platform?.close();
  });

  afterEach(() => {
    for (const party of [authority, bank]) party.reset();
  });

  const streamOf = (user: TestAccount) =>
    platform.module.get(EventStore).readStream(verificationStreamId(user.accountId));

  const eventTypesOf = async (user: TestAccount) => (await streamOf(user)).map((e) => e.type);

  /** The account's events that the process manager reads, as the log hands them over. */
  const batchOf = async (user: TestAccount): Promise<RecordedEvent[]> =>
    (await streamOf(user)).filter((e) => processManager.eventTypes?.includes(e.type));

  const applyInBatch = (events: RecordedEvent[]) =>
    platform.dataSource.transaction((tx) => processManager.apply(events, tx));

  /** A worker reading the log for the process manager, as the worker app runs it. */
  const worker = () =>
    new SubscriptionRunner(platform.dataSource, platform.module.get(EventStore), processManager, {
      batchSize: 100,
      idlePollMs: 20,
      retryDelayMs: 20,
    });

  // Up to the newest event committed: on a server that other transactions keep busy,
  // the log's readable end may lag behind what this spec appended, and a reader
  // stopping at the first idle look would stop short.
  const everything = () => lastCommitted(platform.dataSource);

  const callsOf = (
    user: TestAccount,
  ): Promise<{ kind: string; attempts: number; done: boolean }[]> =>
    platform.dataSource.query(
      `SELECT kind, attempts, done_at IS NOT NULL AS done
         FROM verification_outside_calls WHERE account_id = $1 ORDER BY created_at`,
      [user.accountId],
    );

  const callIdsOf = async (user: TestAccount): Promise<string[]> =>
    (
      await platform.dataSource.query(
        `SELECT call_id FROM verification_outside_calls WHERE account_id = $1 ORDER BY created_at`,
        [user.accountId],
      )
    ).map((row: { call_id: string }) => row.call_id);

  async function submittedIdentity(): Promise<TestAccount> {
    const user = new TestAccount(platform.module);
    await user.start();
    await user.submitIdentity();
    return user;
  }

  it('makes the call its event asks for once, when the batch is applied twice', async () => {
    const user = await submittedIdentity();
    const batch = await batchOf(user);
    expect(batch.map((e) => e.type)).toEqual(['IdentitySubmitted']);

    await applyInBatch(batch);
    await applyInBatch(batch);

    expect(authority.calls).toBe(1);
    expect(await eventTypesOf(user)).toEqual([
      'VerificationStarted',
      'IdentitySubmitted',
      'IdentityVerified',
    ]);
    expect(await callsOf(user)).toEqual([{ kind: 'identity_check', attempts: 1, done: true }]);
  });

  it('makes the call once when two workers apply the same batch at once: the second passes it without waiting', async () => {
    const user = await submittedIdentity();
    const batch = await batchOf(user);
    authority.hold();
    const first = applyInBatch(batch);
    await authority.reached(1);
    // The second worker finds the call taken: it neither calls nor waits (which would
    // hold back every event after it); the call is the first one's to finish.
    await applyInBatch(batch);
    expect(authority.calls).toBe(1);
    authority.release();
    await first;
    await applyInBatch(batch);

    expect(authority.calls).toBe(1);
    expect((await eventTypesOf(user)).filter((t) => t === 'IdentityVerified')).toHaveLength(1);
    expect(await callsOf(user)).toEqual([{ kind: 'identity_check', attempts: 1, done: true }]);
  });

  it('reading the log, passes a call in the hands of a request and moves on to the next', async () => {
    const reader = worker();
    await reader.catchUp(await everything());
    const taken = await submittedIdentity();
    const free = await submittedIdentity();
    // The request that opened the first call is making it (its fast path holds the lease).
    const [callId] = await callIdsOf(taken);
    expect(await platform.module.get(OutsideCallsRepository).claim(callId, 60_000)).not.toBeNull();

    await reader.catchUp(await everything());

    // The reader went past both events: the free call made, the taken one left alone.
    expect(authority.calls).toBe(1);
    expect((await eventTypesOf(free)).at(-1)).toBe('IdentityVerified');
    expect((await eventTypesOf(taken)).at(-1)).toBe('IdentitySubmitted');
    expect(await callsOf(taken)).toEqual([{ kind: 'identity_check', attempts: 1, done: false }]);
    const submitted = (await streamOf(taken)).find((e) => e.type === 'IdentitySubmitted')!;
    const checkpoint = await checkpointStatus(platform.dataSource.manager, processManager.name);
    expect(comparePositions(checkpoint!.position, submitted.position)).toBeGreaterThanOrEqual(0);
    expect(checkpoint?.attempts).toBe(0);
  });

  it('reading the log, makes every call nobody made, once, however many workers read it', async () => {
    const users = [await submittedIdentity(), await submittedIdentity()];
    authority.hold();
    const workers = Promise.all([
      worker().catchUp(await everything()),
      worker().catchUp(await everything()),
    ]);
    await authority.reached(1);
    // One worker holds the batch and makes its accounts' calls side by side; the other
    // finds the subscription busy meanwhile, and calls nobody.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(authority.calls).toBeLessThanOrEqual(users.length);
    authority.release();
    await workers;

    // Calls made in earlier tests are done, and skipped.
    expect(authority.calls).toBe(2);
    for (const user of users) {
      expect((await eventTypesOf(user)).at(-1)).toBe('IdentityVerified');
      expect(await callsOf(user)).toEqual([{ kind: 'identity_check', attempts: 1, done: true }]);
    }
  });

  it('reading the log, retries the batch of a call that failed, and makes it once it succeeds', async () => {
    const reader = worker();
    await reader.catchUp(await everything());
    const user = new TestAccount(platform.module);
    await user.toCardStep();
    await user.submitCard();
    bank.failures = 1;

    // The batch fails with the bank; nothing of it is checkpointed…
    await expect(reader.catchUp(await everything())).rejects.toThrow(
      'connection reset by the outside party',
    );
    expect((await eventTypesOf(user)).at(-1)).toBe('BankCardSubmitted');
    expect(await checkpointStatus(platform.dataSource.manager, processManager.name)).toMatchObject({
      attempts: 1,
      lastError: expect.stringContaining('connection reset by the outside party'),
    });
    // …so the next batch makes the call again.
    await reader.catchUp(await everything());

    expect(bank.calls).toBe(2);
    expect(await checkpointStatus(platform.dataSource.manager, processManager.name)).toMatchObject({
      attempts: 0,
    });
    expect((await eventTypesOf(user)).filter((t) => t === 'BankCardMatched')).toHaveLength(1);
    expect((await callsOf(user)).find((c) => c.kind === 'bank_check')).toEqual({
      kind: 'bank_check',
      attempts: 2,
      done: true,
    });
  });
});
