import { APP_CONFIG, type AppConfig } from '@shiming/common';
import {
  EventStore,
  SubscriptionRunner,
  SubscriptionsHost,
  type Projection,
} from '@shiming/event-store';
import { CLOCK } from '@shiming/workflow';
import {
  lastCommitted,
  startPlatformWithParties,
  type TestPlatform,
} from '../../../../test/support/platform';
import { OutsideCallsRepository } from '../infrastructure/outside-calls.repository';
import { PersonalData } from '../infrastructure/personal-data';
import { VerificationAccounts } from '../infrastructure/verification-accounts';
import { VerificationCommandExecutor } from '../infrastructure/verification-command.executor';
import { OutsideCallsProcessManager } from '../reactions/outside-calls.process-manager';
import { ControlledParty } from '../testing/controlled-party';
import { TestAccount } from '../testing/test-accounts';
import { verificationStreamId } from '../verification.streams';
import { OutsideCallRegistry } from './outside-call.registry';
import { OUTSIDE_CALL_LEASE_MS, OutsideCallRunner } from './outside-call.runner';
import { OutsideCallSweeper } from './outside-call.sweeper';

const HOUR = 60 * 60_000;

interface CallRow {
  attempts: number;
  done: boolean;
  held: boolean;
}

// The backstop of outside calls over the real platform: a call the process manager
// passed because someone else held it is still made, once, when that maker dies (its
// lease lapses) or gives it back, however many workers and sweepers race for it.
describe('OutsideCallSweeper on PostgreSQL', () => {
  let platform: TestPlatform;
  let authority: ControlledParty;
  let bank: ControlledParty;
  let runner: OutsideCallRunner;
  let sweeper: OutsideCallSweeper;
  let calls: OutsideCallsRepository;

  beforeAll(async () => {
    ({ platform, authority, bank } = await startPlatformWithParties());
    runner = platform.module.get(OutsideCallRunner);
    calls = platform.module.get(OutsideCallsRepository);
    sweeper = sweeperOf(runner);
  });

  afterAll(async () => {
    await platform?.close();
  });

  afterEach(() => {
    for (const party of [authority, bank]) party.reset();
  });

  /**
   * A sweeper with a runner of its own, as another process has. Its interval is long,
   * so that a call counts as just opened however slowly the spec runs.
   */
  const sweeperOf = (runner: OutsideCallRunner) =>
    new OutsideCallSweeper(
      calls,
      runner,
      { ...platform.module.get<AppConfig>(APP_CONFIG), outsideCalls: { sweepIntervalMs: HOUR } },
      platform.module.get(SubscriptionsHost),
    );
  const anotherSweeper = () =>
    sweeperOf(
      new OutsideCallRunner(
        calls,
        platform.module.get(OutsideCallRegistry),
        platform.module.get(VerificationAccounts),
        platform.module.get(VerificationCommandExecutor),
        platform.module.get(PersonalData),
        platform.module.get(CLOCK),
      ),
    );

  /** A worker reading the log for the process manager, as the worker app runs it. */
  const worker = () =>
    new SubscriptionRunner(
      platform.dataSource,
      platform.module.get(EventStore),
      platform.module.get<Projection>(OutsideCallsProcessManager),
      { batchSize: 100, idlePollMs: 20, retryDelayMs: 20 },
    );

  // Up to the newest event committed: on a server that other transactions keep busy,
  // the log's readable end may lag behind what this spec appended, and a reader
  // stopping at the first idle look would stop short.
  const everything = () => lastCommitted(platform.dataSource);

  const callRow = async (callId: string): Promise<CallRow> =>
    (
      await platform.dataSource.query(
        `SELECT attempts, done_at IS NOT NULL AS done, coalesce(claimed_until > now(), false) AS held
           FROM verification_outside_calls WHERE call_id = $1`,
        [callId],
      )
    )[0];

  const eventsOf = async (user: TestAccount, type: string) =>
    (await platform.module.get(EventStore).readStream(verificationStreamId(user.accountId))).filter(
      (e) => e.type === type,
    );
  const verifiedEventsOf = (user: TestAccount) => eventsOf(user, 'IdentityVerified');

  // Lease and opening times are the database's: these move them, as time passing would.
  const leaseLapses = (callId: string) =>
    platform.dataSource.query(
      `UPDATE verification_outside_calls SET claimed_until = now() - interval '1 second'
        WHERE call_id = $1`,
      [callId],
    );
  const openedLongAgo = (callId: string) =>
    platform.dataSource.query(
      `UPDATE verification_outside_calls SET created_at = now() - interval '1 day'
        WHERE call_id = $1`,
      [callId],
    );

  /** An account whose identity was just submitted, with its identity check open. */
  async function awaitingAuthority(): Promise<{ user: TestAccount; callId: string }> {
    const user = new TestAccount(platform.module);
    await user.start();
    const submitted = await user.submitIdentity();
    return { user, callId: submitted.calls[0] };
  }

  /** An account whose card was just submitted, with the bank's check open. */
  async function awaitingBank(): Promise<{ user: TestAccount; callId: string }> {
    const user = new TestAccount(platform.module);
    await user.toCardStep();
    const submitted = await user.submitCard();
    return { user, callId: submitted.calls[0] };
  }

  /** The call taken by a request's fast path in an api that then died, mid-call. */
  async function takenByADeadApi(): Promise<{ user: TestAccount; callId: string }> {
    const opened = await awaitingAuthority();
    expect(await calls.claim(opened.callId, OUTSIDE_CALL_LEASE_MS)).not.toBeNull();
    return opened;
  }

  it('makes a call whose lease lapsed without an outcome, once, and not while the lease runs', async () => {
    const { user, callId } = await takenByADeadApi();
    // The process manager passes it: someone holds it.
    await worker().catchUp(await everything());

    await sweeper.sweep();
    expect(authority.calls).toBe(0);
    expect(await callRow(callId)).toEqual({ attempts: 1, done: false, held: true });

    await leaseLapses(callId);
    await sweeper.sweep();
    await sweeper.sweep();

    expect(authority.calls).toBe(1);
    expect(await verifiedEventsOf(user)).toHaveLength(1);
    expect(await callRow(callId)).toEqual({ attempts: 2, done: true, held: false });
  });

  it('makes a call given back after a failure once it has been open an interval, leaving a new one to its request', async () => {
    const { user, callId } = await awaitingBank();
    // The request's fast path takes the call; the process manager passes it meanwhile…
    bank.hold();
    bank.failures = 1;
    const request = runner.run(callId, 0);
    await bank.reached(1);
    await worker().catchUp(await everything());
    // …and the party fails: the call is given back.
    bank.release();
    await expect(request).rejects.toThrow('connection reset by the outside party');
    const fresh = await awaitingBank();

    // Both just opened: a request about to make a call keeps it.
    await sweeper.sweep();
    expect(bank.calls).toBe(1);

    await openedLongAgo(callId);
    await sweeper.sweep();

    expect(bank.calls).toBe(2);
    expect(await eventsOf(user, 'BankCardMatched')).toHaveLength(1);
    expect(await callRow(callId)).toEqual({ attempts: 2, done: true, held: false });
    expect(await callRow(fresh.callId)).toEqual({ attempts: 0, done: false, held: false });
    // The new one is its request's, or the process manager's reading the log.
    await worker().catchUp(await everything());
    expect(await callRow(fresh.callId)).toEqual({ attempts: 1, done: true, held: false });
  });

  it('never makes one call twice when two workers and two sweepers race for the calls nobody is making', async () => {
    const lapsed = [await takenByADeadApi(), await takenByADeadApi()];
    const neverClaimed = [await awaitingAuthority(), await awaitingAuthority()];
    const all = [...lapsed, ...neverClaimed];
    for (const { callId } of lapsed) await leaseLapses(callId);
    for (const { callId } of all) await openedLongAgo(callId);

    // Held at the party, so that each racer is mid-call while the others look.
    authority.hold();
    const racing = Promise.all([
      worker().catchUp(await everything()),
      worker().catchUp(await everything()),
      sweeper.sweep(),
      anotherSweeper().sweep(),
    ]);
    // A worker and both sweepers each hold a call of their own at the party (the worker
    // once the read horizon lets it see the events: allow a busy server its time).
    await authority.reached(3, 30_000);
    authority.release();
    await racing;
    // What a racer found taken and passed is done by whoever took it.
    await sweeper.sweep();

    expect(authority.calls).toBe(all.length);
    for (const { user, callId } of all) {
      expect(await verifiedEventsOf(user)).toHaveLength(1);
      expect((await callRow(callId)).done).toBe(true);
    }
    for (const { callId } of lapsed) expect((await callRow(callId)).attempts).toBe(2);
    for (const { callId } of neverClaimed) expect((await callRow(callId)).attempts).toBe(1);
  });
});
