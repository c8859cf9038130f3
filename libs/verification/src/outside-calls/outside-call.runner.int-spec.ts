import { PiiVault } from '@shiming/common';
import { EventStore } from '@shiming/event-store';
import { CLOCK } from '@shiming/workflow';
import {
  compilePlatform,
  startPlatformWithParties,
  type TestPlatform,
} from '../../../../test/support/platform';
import { OUTSIDE_CALL_KINDS } from '../domain';
import { OutsideCallsRepository } from '../infrastructure/outside-calls.repository';
import { PersonalData } from '../infrastructure/personal-data';
import { VerificationAccounts } from '../infrastructure/verification-accounts';
import { VerificationCommandExecutor } from '../infrastructure/verification-command.executor';
import { ControlledParty } from '../testing/controlled-party';
import { TestAccount } from '../testing/test-accounts';
import { verificationStreamId } from '../verification.streams';
import { BankCheckCall } from './bank-check.call';
import { DocumentCheckCall } from './document-check.call';
import { IdentityCheckCall } from './identity-check.call';
import type { KnownAccount } from './outside-call.handler';
import { OutsideCallRegistry } from './outside-call.registry';
import { OUTSIDE_CALL_LEASE_MS, OutsideCallRunner } from './outside-call.runner';
import { PayoutCall } from './payout.call';
import { SmsCall } from './sms.call';

interface CallRow {
  attempts: number;
  done_at: Date | null;
  claimed_until: Date | null;
  last_error: string | null;
  payload: string | null;
}

// The runner over the real platform, with the sandbox's identity authority and bank
// behind parties the spec can hold or make fail: who makes a call, how often, and what
// is left of it when it fails.
describe('OutsideCallRunner on PostgreSQL', () => {
  let platform: TestPlatform;
  let runner: OutsideCallRunner;
  let authority: ControlledParty;
  let bank: ControlledParty;

  beforeAll(async () => {
    ({ platform, authority, bank } = await startPlatformWithParties());
    runner = platform.module.get(OutsideCallRunner);
  });

  afterAll(async () => {
    await platform?.close();
  });

  afterEach(() => {
    jest.restoreAllMocks();
    for (const party of [authority, bank]) party.reset();
  });

  /** Another runner over the same database: another process making calls. */
  const anotherRunner = () =>
    new OutsideCallRunner(
      platform.module.get(OutsideCallsRepository),
      platform.module.get(OutsideCallRegistry),
      platform.module.get(VerificationAccounts),
      platform.module.get(VerificationCommandExecutor),
      platform.module.get(PersonalData),
      platform.module.get(CLOCK),
    );

  const callRow = async (callId: string): Promise<CallRow> =>
    (
      await platform.dataSource.query(
        `SELECT attempts, done_at, claimed_until, last_error, payload
           FROM verification_outside_calls WHERE call_id = $1`,
        [callId],
      )
    )[0];

  const eventTypesOf = async (user: TestAccount) =>
    (await platform.module.get(EventStore).readStream(verificationStreamId(user.accountId))).map(
      (e) => e.type,
    );

  /** An account whose identity was just submitted, with its identity check open. */
  async function awaitingAuthority() {
    const user = new TestAccount(platform.module);
    await user.start();
    const submitted = await user.submitIdentity();
    return { user, callId: submitted.calls[0], submitted };
  }

  /** An account whose card was just submitted, with the bank's check open. */
  async function awaitingBank(): Promise<{ user: TestAccount; callId: string }> {
    const user = new TestAccount(platform.module);
    await user.toCardStep();
    const submitted = await user.submitCard();
    return { user, callId: submitted.calls[0] };
  }

  it('makes a call once when two runners race for it: the other waits for the lease and finds it done', async () => {
    const { user, callId } = await awaitingAuthority();
    const other = anotherRunner();
    authority.hold();
    const first = runner.run(callId, 5_000);
    await authority.reached(1);

    // The lease is taken: the other runner only waits, and gives up waiting in time.
    expect(await other.run(callId, 100)).toBe('pending');
    const second = other.run(callId, 5_000);
    authority.release();

    expect(await Promise.all([first, second])).toEqual(['done', 'done']);
    expect(authority.calls).toBe(1);
    expect(await eventTypesOf(user)).toEqual([
      'VerificationStarted',
      'IdentitySubmitted',
      'IdentityVerified',
    ]);
    expect(await callRow(callId)).toMatchObject({
      attempts: 1,
      done_at: expect.any(Date),
      claimed_until: null,
    });
  });

  it('releases a call whose handler throws, for a later attempt that counts as another', async () => {
    const { user, callId } = await awaitingBank();
    bank.failures = 1;

    await expect(runner.run(callId, 0)).rejects.toThrow('connection reset by the outside party');
    expect(await callRow(callId)).toMatchObject({
      attempts: 1,
      done_at: null,
      claimed_until: null,
      last_error: 'Error: connection reset by the outside party',
    });
    expect((await eventTypesOf(user)).at(-1)).toBe('BankCardSubmitted');

    expect(await runner.run(callId, 0)).toBe('done');
    expect(await callRow(callId)).toMatchObject({ attempts: 2, done_at: expect.any(Date) });
    expect((await eventTypesOf(user)).at(-1)).toBe('BankCardMatched');
    expect(bank.calls).toBe(2);
  });

  it('gives a call up after its eighth failed attempt, keeping the error for an operator', async () => {
    const { user, callId } = await awaitingBank();
    bank.failures = Number.MAX_SAFE_INTEGER;

    for (let attempt = 1; attempt < 8; attempt++) {
      await expect(runner.run(callId, 0)).rejects.toThrow('connection reset');
    }
    // The eighth failure ends it: abandoned, not thrown.
    expect(await runner.run(callId, 0)).toBe('done');
    expect(await callRow(callId)).toEqual({
      attempts: 8,
      done_at: expect.any(Date),
      claimed_until: null,
      last_error: 'abandoned: Error: connection reset by the outside party',
      payload: null,
    });
    // Nobody tries it again.
    expect(await runner.run(callId, 0)).toBe('done');
    expect(bank.calls).toBe(8);
    expect((await eventTypesOf(user)).at(-1)).toBe('BankCardSubmitted');
  });

  describe('a runner whose lease ran out while the party was slow', () => {
    // Lease times are the database's: this is the lease of whoever holds the call running out.
    const leaseRunsOut = (callId: string) =>
      platform.dataSource.query(
        `UPDATE verification_outside_calls SET claimed_until = now() - interval '1 second'
          WHERE call_id = $1`,
        [callId],
      );

    const leaseHeld = async (callId: string): Promise<boolean> =>
      (
        await platform.dataSource.query(
          `SELECT claimed_until > now() AS held FROM verification_outside_calls WHERE call_id = $1`,
          [callId],
        )
      )[0].held;

    it('does not free the call under the runner that took it over when its own attempt fails', async () => {
      const { user, callId } = await awaitingBank();
      bank.hold();
      bank.failures = 1;
      const slow = runner.run(callId, 0);
      await bank.reached(1);
      await leaseRunsOut(callId);
      const takenOver = anotherRunner().run(callId, 0);
      await bank.reached(2);

      bank.letOneGo();
      await expect(slow).rejects.toThrow('connection reset by the outside party');

      // The call stays the second runner's: nobody else makes it meanwhile.
      expect(await leaseHeld(callId)).toBe(true);
      expect(await anotherRunner().run(callId, 100)).toBe('pending');
      bank.release();
      expect(await takenOver).toBe('done');
      expect(bank.calls).toBe(2);
      expect((await eventTypesOf(user)).filter((t) => t === 'BankCardMatched')).toHaveLength(1);
      expect(await callRow(callId)).toMatchObject({ attempts: 2, done_at: expect.any(Date) });
    });

    it('does not give up a call that the runner which took it over is still making', async () => {
      const { user, callId } = await awaitingBank();
      bank.failures = 7;
      for (let attempt = 1; attempt < 8; attempt++) {
        await expect(runner.run(callId, 0)).rejects.toThrow('connection reset');
      }
      bank.hold();
      bank.failures = 1;
      // The eighth attempt, the last one this call gets, is slow and fails.
      const slow = runner.run(callId, 0);
      await bank.reached(8);
      await leaseRunsOut(callId);
      const takenOver = anotherRunner().run(callId, 0);
      await bank.reached(9);

      bank.letOneGo();
      await slow;

      expect(await callRow(callId)).toMatchObject({ done_at: null });
      expect(await leaseHeld(callId)).toBe(true);
      bank.release();
      expect(await takenOver).toBe('done');
      expect((await eventTypesOf(user)).at(-1)).toBe('BankCardMatched');
      const row = await callRow(callId);
      expect(row.done_at).toEqual(expect.any(Date));
      expect(row.last_error).not.toMatch(/^abandoned/);
    });
  });

  it('completes a call whose event the account moved past, without calling the party', async () => {
    const { user, callId } = await awaitingAuthority();
    // The answer came another way (a retry of the check, say) before this call was made.
    await user.recordIdentityCheck('match');
    const before = await eventTypesOf(user);

    expect(await runner.run(callId, 0)).toBe('done');

    expect(authority.calls).toBe(0);
    expect(await eventTypesOf(user)).toEqual(before);
    expect(await callRow(callId)).toMatchObject({ attempts: 1, done_at: expect.any(Date) });
  });

  it('makes the call on the fast path from what the request knows, without loading the account or decrypting', async () => {
    const store = platform.module.get(EventStore);
    const vault = platform.module.get(PiiVault);

    // With the account as its command left it and the identity in clear, as a request has them…
    const { user, callId, submitted } = await awaitingAuthority();
    const account: KnownAccount = {
      accountId: user.accountId,
      state: submitted.state,
      events: submitted.eventIds.map((eventId, i) => ({ eventId, ...submitted.events[i] })),
    };
    const readStream = jest.spyOn(store, 'readStream');
    const decrypt = jest.spyOn(vault, 'decrypt');
    const decryptAll = jest.spyOn(vault, 'decryptAll');

    const recorded = await runner.runNow([callId], 5_000, {
      account,
      inClear: { identity: user.identity },
    });

    expect(recorded?.events.map((e) => e.type)).toEqual(['IdentityVerified']);
    expect(decrypt).not.toHaveBeenCalled();
    expect(decryptAll).not.toHaveBeenCalled();
    // Not read at all: the recording command is decided on the state the step committed.
    expect(
      readStream.mock.calls.filter(
        ([streamId]) => streamId === verificationStreamId(user.accountId),
      ),
    ).toEqual([]);

    // …and, for comparison, the same call made from the log: it loads and decrypts.
    readStream.mockClear();
    decrypt.mockClear();
    decryptAll.mockClear();
    const fromLog = await awaitingAuthority();
    await runner.runNow([fromLog.callId], 5_000);
    const loads = readStream.mock.calls.filter(
      ([streamId, , options]) =>
        streamId === verificationStreamId(fromLog.user.accountId) && !options?.transaction,
    );
    expect(loads).toHaveLength(1);
    // The name and the ID number, with one look-up of their key.
    expect(decryptAll).toHaveBeenCalledTimes(1);
    expect(decryptAll.mock.calls[0][1]).toEqual({
      name: expect.any(String),
      idNumber: expect.any(String),
    });
  });

  it('makes a call its request opened in its own hands without claiming it, and nobody else takes it meanwhile', async () => {
    const calls = platform.module.get(OutsideCallsRepository);
    const user = new TestAccount(platform.module);
    await user.start();
    const submitted = await user.submitIdentity({ claimCallsFor: OUTSIDE_CALL_LEASE_MS });
    const [callId] = submitted.calls;

    // Opened claimed, as its first attempt: the process manager and other makers pass it.
    expect(submitted.claimedCalls).toEqual([
      expect.objectContaining({ callId, accountId: user.accountId, attempts: 1, done: false }),
    ]);
    const row = await callRow(callId);
    expect(row).toMatchObject({ attempts: 1, done_at: null });
    expect(row.claimed_until!.getTime()).toBeGreaterThan(Date.now());
    expect(await calls.freeAmong(platform.dataSource.manager, [callId])).toEqual(new Set());
    expect(await anotherRunner().run(callId, 0)).toBe('pending');

    const claim = jest.spyOn(calls, 'claimOrFind');
    const complete = jest.spyOn(calls, 'complete');
    const recorded = await runner.runNow(submitted.calls, 5_000, {
      claimed: submitted.claimedCalls,
    });

    expect(claim).not.toHaveBeenCalled();
    // Completed by the command that recorded the answer, in its transaction.
    expect(complete.mock.calls).toEqual([[callId, expect.anything()]]);
    expect(recorded?.events.map((e) => e.type)).toEqual(['IdentityVerified']);
    expect(authority.calls).toBe(1);
    expect(await callRow(callId)).toMatchObject({
      attempts: 1,
      done_at: expect.any(Date),
      claimed_until: null,
    });
  });

  it('opens calls unclaimed for a command whose caller does not make them at once', async () => {
    const { callId, submitted } = await awaitingAuthority();
    expect(submitted.claimedCalls).toEqual([]);
    expect(await callRow(callId)).toMatchObject({ attempts: 0, claimed_until: null });
  });

  describe('handlers of every kind', () => {
    it('has the handler of each kind of call registered at boot', () => {
      const handlers = platform.module.get(OutsideCallRegistry);
      const expected = {
        identity_check: IdentityCheckCall,
        bank_check: BankCheckCall,
        document_check: DocumentCheckCall,
        payout: PayoutCall,
        sms: SmsCall,
      };
      for (const kind of OUTSIDE_CALL_KINDS) {
        expect(handlers.handlerOf(kind)).toBeInstanceOf(expected[kind]);
      }
    });

    it('refuses to boot when a kind of call has no handler', async () => {
      // A handler that never registers itself, as one left out of the module would.
      const incomplete = await compilePlatform({ providers: [[SmsCall, {}]] });
      try {
        await expect(incomplete.module.init()).rejects.toThrow(
          'Outside calls without a handler: sms',
        );
      } finally {
        await incomplete.close();
      }
    });
  });
});
