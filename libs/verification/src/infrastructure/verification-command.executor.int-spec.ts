import { randomUUID } from 'node:crypto';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import type { EntityManager } from 'typeorm';
import { PersonalDataErasedError, PiiVault } from '@shiming/common';
import { EventStore } from '@shiming/event-store';
import {
  CLOCK,
  QueueName,
  TestClock,
  TimerScheduler,
  timerIdFor,
  timerJobId,
} from '@shiming/workflow';
import { startPlatform, type TestPlatform } from '../../../../test/support/platform';
import { reachableRedisUrl } from '../../../../test/support/test-database';
import {
  ERASED_DOCUMENTS_PURGE_TIMER,
  type SubmittedIdentity,
  VerificationTimerKind,
  type VerificationCommand,
} from '../domain';
import { identityStreamId, verificationStreamId } from '../verification.streams';
import { newIdentity, TestAccount, userContext } from '../testing/test-accounts';
import { IdentityRegistry } from './identity-registry.repository';
import { outsideCallId } from './outside-calls.repository';
import { PersonalData } from './personal-data';
import { VerificationCommandExecutor, type StepContext } from './verification-command.executor';

interface TimerRow {
  timer_id: string;
  kind: string;
  key: string;
  status: string;
  due_at: Date;
  payload: Record<string, unknown>;
}

interface CallRow {
  call_id: string;
  kind: string;
  event_id: string;
  subject_id: string | null;
  payload: string | null;
  attempts: number;
  done_at: Date | null;
}

// The executor over the real platform (sandbox parties, test clock, no worker): what a
// command's events cause is applied in its transaction, after the append and only then.
describe('VerificationCommandExecutor on PostgreSQL', () => {
  let platform: TestPlatform;
  let executor: VerificationCommandExecutor;
  let scheduler: TimerScheduler;

  beforeAll(async () => {
    platform = await startPlatform();
    executor = platform.module.get(VerificationCommandExecutor);
    scheduler = platform.module.get(TimerScheduler);
    // What a step writes of its own, to see whether it stayed.
    await platform.dataSource.query(
      'CREATE TABLE step_writes (account_id text NOT NULL, status text NOT NULL)',
    );
  });

  afterAll(async () => {
    await platform?.close();
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  const account = () => new TestAccount(platform.module);

  const query = <T>(sql: string, params: unknown[], tx?: EntityManager): Promise<T[]> =>
    (tx ?? platform.dataSource).query(sql, params);

  const timersOf = (accountId: string, tx?: EntityManager) =>
    query<TimerRow>(
      `SELECT timer_id, kind, timer_key AS key, status, due_at, payload FROM wf_timers
        WHERE stream_id = $1 ORDER BY created_at, timer_id`,
      [verificationStreamId(accountId)],
      tx,
    );

  const callsOf = (accountId: string, tx?: EntityManager) =>
    query<CallRow>(
      `SELECT call_id, kind, event_id, subject_id, payload, attempts, done_at
         FROM verification_outside_calls WHERE account_id = $1 ORDER BY created_at, call_id`,
      [accountId],
      tx,
    );

  const eventTypesOf = async (accountId: string, tx?: EntityManager) =>
    (
      await platform.module
        .get(EventStore)
        .readStream(verificationStreamId(accountId), 1, { transaction: tx })
    ).map((e) => e.type);

  const stepWritesOf = (accountId: string, tx?: EntityManager) =>
    query<{ status: string }>(
      `SELECT status FROM step_writes WHERE account_id = $1`,
      [accountId],
      tx,
    );

  /** A step's own write: notes the state its command was decided on. */
  const noteStep = (accountId: string) =>
    jest.fn<Promise<void>, Parameters<NonNullable<StepContext['withEvents']>>>(
      async (tx, before) => {
        await tx.query('INSERT INTO step_writes VALUES ($1, $2)', [accountId, before.status]);
      },
    );

  /** Holds each caller until `count` of them have arrived, so that they decide on one state. */
  function meeting(count: number): () => Promise<void> {
    let arrived = 0;
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    return () => {
      if (++arrived === count) open();
      return opened;
    };
  }

  const agreement = (user: TestAccount, code: string): VerificationCommand => ({
    type: 'AcceptAgreement',
    data: { at: user.now(), codeHash: platform.module.get(PersonalData).smsCodeHash(code) },
  });

  describe('timers', () => {
    it('arms a timer under the id timerIdFor gives, and enqueues it only once it is committed', async () => {
      const user = account();
      await user.toCardStep();
      await user.submitCard();
      await user.recordBankCheck();
      const committedAtEnqueue: TimerRow[][] = [];
      const enqueue = scheduler.enqueue.bind(scheduler);
      jest.spyOn(scheduler, 'enqueue').mockImplementation(async (timers) => {
        // Read on a connection of its own: only committed rows show.
        committedAtEnqueue.push(await timersOf(user.accountId));
        return enqueue(timers);
      });

      const commandId = `test:${randomUUID()}`;
      const outcome = await user.acceptAgreement('135246', { commandId });

      const streamId = verificationStreamId(user.accountId);
      const issued = outcome.events.find((e) => e.type === 'SmsCodeIssued');
      const timerId = timerIdFor(commandId, streamId, VerificationTimerKind.SmsCodeExpiry);
      expect(outcome.scheduled).toEqual([expect.objectContaining({ timerId, generation: 1 })]);
      expect(await timersOf(user.accountId)).toEqual([
        {
          timer_id: timerId,
          kind: VerificationTimerKind.SmsCodeExpiry,
          key: '',
          status: 'scheduled',
          due_at: new Date((issued?.data as { expiresAt: string }).expiresAt),
          payload: {},
        },
      ]);
      expect(committedAtEnqueue).toEqual([[expect.objectContaining({ timer_id: timerId })]]);
      // With Redis, the wake-up is a BullMQ job; without it, the row alone wakes it.
      if (reachableRedisUrl()) {
        const queue = platform.module.get<Queue>(getQueueToken(QueueName.Timers));
        expect(await queue.getJob(timerJobId(timerId, 1))).toBeDefined();
      }
    });

    it('cancels the slot’s live timer before arming the next one, and cancels it when the code is used', async () => {
      const user = account();
      await user.toSmsPending('111111');
      const clock = platform.module.get<TestClock>(CLOCK);
      // Past the cooldown before a code may be sent again.
      await clock.set(new Date(clock.now().getTime() + 61_000));
      const resendId = `test:${randomUUID()}`;
      await user.run(
        {
          type: 'ResendSmsCode',
          data: {
            at: user.now(),
            codeHash: platform.module.get(PersonalData).smsCodeHash('222222'),
          },
        },
        { commandId: resendId, secrets: { smsCode: '222222' } },
      );
      const streamId = verificationStreamId(user.accountId);
      const resent = timerIdFor(resendId, streamId, VerificationTimerKind.SmsCodeExpiry);
      expect(
        (await timersOf(user.accountId)).map((t) => [t.timer_id === resent, t.status]),
      ).toEqual([
        [false, 'cancelled'],
        [true, 'scheduled'],
      ]);

      await user.verifySmsCode('222222');
      expect((await timersOf(user.accountId)).map((t) => t.status)).toEqual([
        'cancelled',
        'cancelled',
      ]);
    });

    it('arms the retry of an unavailable authority once, however often its answer is recorded', async () => {
      const user = account();
      await user.start();
      await user.submitIdentity();
      const commandId = `outside:identity_check:${randomUUID()}`;
      const unavailable = () =>
        executor.execute(
          user.accountId,
          { type: 'RecordIdentityCheck', data: { at: user.now(), outcome: 'unavailable' } },
          {
            ...userContext(user.accountId),
            actor: { type: 'system', id: 'identity-authority' },
            commandId,
          },
        );
      const first = await unavailable();
      const again = await unavailable();

      expect(first.events.map((e) => e.type)).toEqual(['IdentityCheckDeferred']);
      expect(again).toMatchObject({ events: [], scheduled: [], calls: [], position: null });
      const streamId = verificationStreamId(user.accountId);
      expect(await timersOf(user.accountId)).toEqual([
        expect.objectContaining({
          timer_id: timerIdFor(commandId, streamId, VerificationTimerKind.IdentityCheckRetry),
          status: 'scheduled',
        }),
      ]);
    });

    it('arms nothing twice, opens no call twice and writes nothing twice when one command runs twice at once', async () => {
      const user = account();
      await user.toCardStep();
      await user.submitCard();
      await user.recordBankCheck();
      const bothRead = meeting(2);
      const withEvents = noteStep(user.accountId);
      const commandId = `test:${randomUUID()}`;
      const command = agreement(user, '424242');
      const run = () =>
        user.run(
          async () => {
            await bothRead();
            return command;
          },
          { commandId, secrets: { smsCode: '424242' }, withEvents },
        );

      const outcomes = await Promise.all([run(), run()]);

      // Both decided on the same state; the second append found the first one's events.
      const [taken, repeat] = outcomes[0].position ? outcomes : [outcomes[1], outcomes[0]];
      expect(taken.calls).toHaveLength(1);
      expect(taken.scheduled).toHaveLength(1);
      expect(repeat).toMatchObject({ eventIds: [], calls: [], scheduled: [], position: null });
      expect(withEvents).toHaveBeenCalledTimes(1);
      expect(await stepWritesOf(user.accountId)).toEqual([{ status: 'bank_card_required' }]);
      expect(
        (await eventTypesOf(user.accountId)).filter((t) => t === 'SmsCodeIssued'),
      ).toHaveLength(1);
      expect(await timersOf(user.accountId)).toHaveLength(1);
      expect((await callsOf(user.accountId)).filter((c) => c.kind === 'sms')).toHaveLength(1);
    });
  });

  describe('outside calls', () => {
    it('opens the calls its events ask for, each secret sealed under the identity’s data key', async () => {
      const user = account();
      await user.start();
      const submitted = await user.submitIdentity();
      const [identityCheck] = await callsOf(user.accountId);
      expect(identityCheck).toMatchObject({
        call_id: outsideCallId('identity_check', submitted.eventIds[0]),
        event_id: submitted.eventIds[0],
        subject_id: null,
        payload: null,
        attempts: 0,
        done_at: null,
      });
      expect(submitted.calls).toEqual([identityCheck.call_id]);

      await user.recordIdentityCheck('match');
      await user.confirm();
      await user.skipPhotos();
      await user.submitCard();
      await user.recordBankCheck();
      const agreed = await user.acceptAgreement('975310');

      const sms = (await callsOf(user.accountId)).find((c) => c.kind === 'sms');
      const issuedIndex = agreed.events.findIndex((e) => e.type === 'SmsCodeIssued');
      expect(sms).toMatchObject({
        call_id: outsideCallId('sms', agreed.eventIds[issuedIndex]),
        subject_id: user.submitted?.subjectId,
        done_at: null,
      });
      expect(sms?.payload).not.toContain('975310');
      const opened = await platform.module
        .get(PersonalData)
        .openFor(sms?.subject_id as string, sms?.payload as string);
      expect(JSON.parse(opened)).toEqual({ code: '975310' });
    });
  });

  describe('the identity registry', () => {
    it('records the account as the holder with the verification, in the registry’s stream', async () => {
      const user = account();
      const verified = await user.toVerified();
      const registryId = user.submitted?.registryId as string;
      const registry = platform.module.get(IdentityRegistry);
      expect(await registry.occupant(registryId, 'someone-else')).toBe(user.accountId);
      const [recorded] = await platform.module
        .get(EventStore)
        .readStream(identityStreamId(registryId));
      expect(recorded).toMatchObject({
        type: 'IdentityHolderRecorded',
        data: { accountId: user.accountId, via: 'authority' },
      });
      // In the transaction of the account's event: the same transaction id.
      expect(recorded.position.transactionId).toBe(verified.position?.transactionId);
    });

    it('decides again, reading the registry anew, when another account took the identity at once', async () => {
      const identity = newIdentity();
      const [first, second] = [
        new TestAccount(platform.module, undefined, identity),
        new TestAccount(platform.module, undefined, identity),
      ];
      for (const user of [first, second]) {
        await user.start();
        await user.submitIdentity();
      }
      const registryId = first.submitted?.registryId as string;
      expect(second.submitted?.registryId).toBe(registryId);
      const registry = platform.module.get(IdentityRegistry);
      const bothRead = meeting(2);
      let made = 0;
      // As the identity check records its answer: who holds the identity, read each time.
      const answer = (user: TestAccount) =>
        user.run(async (_state, tx) => {
          made++;
          const holder = await registry.occupant(registryId, user.accountId, tx);
          await bothRead();
          return {
            type: 'RecordIdentityCheck',
            data: {
              at: user.now(),
              outcome: 'match',
              ...(holder
                ? { occupiedBy: { accountId: holder, holderStatus: 'identity_verified' } }
                : {}),
            },
          } as VerificationCommand;
        });

      const outcomes = await Promise.all([answer(first), answer(second)]);

      // Both decided on an identity nobody held; the one that lost decided a third time.
      expect(made).toBe(3);
      const types = outcomes.map((o) => o.events.map((e) => e.type));
      expect(types).toContainEqual(['IdentityVerified']);
      expect(types).toContainEqual(['IdentityOccupied']);
      const holder = outcomes.find((o) => o.events[0].type === 'IdentityVerified')?.accountId;
      expect(await registry.occupant(registryId, 'someone-else')).toBe(holder);
      expect(
        await platform.module.get(EventStore).readStream(identityStreamId(registryId)),
      ).toHaveLength(1);
    });
  });

  describe('erasure', () => {
    it('erases a revoked identity with the revocation: key shredded, documents tombstoned, lookup forgotten, purge timer armed', async () => {
      const user = account();
      await user.toVerified();
      await user.confirm();
      const photos = await user.submitPhotos();
      const { subjectId, registryId } = user.submitted as { subjectId: string; registryId: string };
      const { frontId, backId } = photos.events[0].data as { frontId: string; backId: string };
      expect(
        await query(`SELECT 1 FROM documents WHERE subject_id = $1`, [subjectId]),
      ).toHaveLength(2);

      const commandId = `reaction:${randomUUID()}:0`;
      const revoked = await executor.execute(
        user.accountId,
        {
          type: 'RevokeIdentity',
          data: {
            at: user.now(),
            registryId,
            reason: 'claimed_by_owner',
            byAccountId: 'acct-owner',
          },
        },
        { ...userContext(user.accountId), actor: { type: 'system', id: 'test' }, commandId },
      );

      expect(revoked.events.map((e) => e.type)).toEqual(['IdentityRevoked']);
      expect(await platform.module.get(PiiVault).isShredded(subjectId)).toBe(true);
      await expect(
        platform.module.get(PersonalData).revealIdentity(user.submitted as SubmittedIdentity),
      ).rejects.toBeInstanceOf(PersonalDataErasedError);
      const documents = await query<{
        document_id: string;
        erased_at: Date | null;
        sha256: string | null;
      }>(
        `SELECT document_id, erased_at, sha256 FROM documents WHERE subject_id = $1 ORDER BY document_id`,
        [subjectId],
      );
      expect(documents.map((d) => d.document_id)).toEqual([frontId, backId].sort());
      expect(documents.every((d) => d.erased_at !== null && d.sha256 === null)).toBe(true);
      expect(
        await query(`SELECT 1 FROM identity_subjects WHERE subject_id = $1`, [subjectId]),
      ).toEqual([]);
      expect(
        await query(`SELECT 1 FROM identity_index WHERE registry_id = $1`, [registryId]),
      ).toEqual([]);
      expect(
        await platform.module.get(IdentityRegistry).occupant(registryId, 'acct-owner'),
      ).toBeNull();
      const streamId = verificationStreamId(user.accountId);
      expect(
        (await timersOf(user.accountId)).find((t) => t.kind === ERASED_DOCUMENTS_PURGE_TIMER),
      ).toEqual({
        timer_id: timerIdFor(commandId, streamId, ERASED_DOCUMENTS_PURGE_TIMER, subjectId),
        kind: ERASED_DOCUMENTS_PURGE_TIMER,
        key: subjectId,
        status: 'scheduled',
        due_at: new Date(revoked.events[0].data.at),
        payload: { subjectId },
      });
    });
  });

  describe('what is left when a command is not taken', () => {
    it('leaves nothing and runs no step write when the decider refuses the command', async () => {
      const user = account();
      await user.toCardStep();
      const before = await eventTypesOf(user.accountId);
      const callsBefore = await callsOf(user.accountId);
      const withEvents = noteStep(user.accountId);

      // The agreement comes after a matched card: refused here.
      await expect(
        user.run(agreement(user, '101010'), { secrets: { smsCode: '101010' }, withEvents }),
      ).rejects.toMatchObject({ code: 'wrong_state' });

      expect(withEvents).not.toHaveBeenCalled();
      expect(await eventTypesOf(user.accountId)).toEqual(before);
      expect(await timersOf(user.accountId)).toEqual([]);
      expect(await callsOf(user.accountId)).toEqual(callsBefore);
      expect(await stepWritesOf(user.accountId)).toEqual([]);
    });

    it('runs no step write for a command that decides nothing', async () => {
      const user = account();
      await user.toVerified();
      const withEvents = noteStep(user.accountId);
      // An answer of the authority nobody awaits any more.
      const outcome = await user.run(
        { type: 'RecordIdentityCheck', data: { at: user.now(), outcome: 'match' } },
        { withEvents },
      );
      expect(outcome).toMatchObject({ events: [], position: null });
      expect(withEvents).not.toHaveBeenCalled();
    });

    it('rolls back the events, the timers armed and the step’s writes when a later effect fails', async () => {
      const user = account();
      await user.toCardStep();
      await user.submitCard();
      await user.recordBankCheck();
      const before = await eventTypesOf(user.accountId);
      const callsBefore = await callsOf(user.accountId);
      const withEvents = noteStep(user.accountId);

      // The SMS call needs its code; the timer and the step's write were already applied.
      await expect(user.run(agreement(user, '303030'), { withEvents })).rejects.toThrow(
        'A sms call needs its secret (smsCode)',
      );

      expect(withEvents).toHaveBeenCalledTimes(1);
      expect(await eventTypesOf(user.accountId)).toEqual(before);
      expect(await timersOf(user.accountId)).toEqual([]);
      expect(await callsOf(user.accountId)).toEqual(callsBefore);
      expect(await stepWritesOf(user.accountId)).toEqual([]);
      // Nothing of it is in the way of the command done right.
      const agreed = await user.run(agreement(user, '303030'), {
        secrets: { smsCode: '303030' },
        withEvents,
      });
      expect(agreed.state.status).toBe('sms_pending');
      expect(await stepWritesOf(user.accountId)).toEqual([{ status: 'bank_card_required' }]);
    });
  });

  describe('in a caller’s transaction', () => {
    it('writes nothing others can see before the commit, enqueues nothing, and rolls back with the caller', async () => {
      const user = account();
      await user.toCardStep();
      await user.submitCard();
      await user.recordBankCheck();
      const before = await eventTypesOf(user.accountId);
      const callsBefore = await callsOf(user.accountId);
      const enqueue = jest.spyOn(scheduler, 'enqueue');
      const withEvents = noteStep(user.accountId);

      await expect(
        platform.dataSource.transaction(async (tx) => {
          const outcome = await executor.execute(
            user.accountId,
            agreement(user, '505050'),
            userContext(user.accountId, {
              transaction: tx,
              secrets: { smsCode: '505050' },
              withEvents,
            }),
          );
          expect(outcome.scheduled).toHaveLength(1);
          expect(outcome.calls).toHaveLength(1);
          // Inside, everything is there…
          expect(await eventTypesOf(user.accountId, tx)).toContain('SmsCodeIssued');
          expect(await timersOf(user.accountId, tx)).toHaveLength(1);
          expect(await callsOf(user.accountId, tx)).toHaveLength(callsBefore.length + 1);
          expect(await stepWritesOf(user.accountId, tx)).toHaveLength(1);
          // …and outside, nothing yet.
          expect(await eventTypesOf(user.accountId)).toEqual(before);
          expect(await timersOf(user.accountId)).toEqual([]);
          throw new Error('the caller fails after the command');
        }),
      ).rejects.toThrow('the caller fails after the command');

      expect(enqueue).not.toHaveBeenCalled();
      expect(await eventTypesOf(user.accountId)).toEqual(before);
      expect(await timersOf(user.accountId)).toEqual([]);
      expect(await callsOf(user.accountId)).toEqual(callsBefore);
      expect(await stepWritesOf(user.accountId)).toEqual([]);
    });
  });
});
