import { watchStatements } from '../../../../test/support/statements';
import { randomUUID } from 'node:crypto';
import { CommandBus } from '@nestjs/cqrs';
import { RebuildProjectionCommand } from '@shiming/event-store';
import { startPlatform, type TestPlatform } from '../../../../test/support/platform';
import { VerificationCases } from '../cases/verification-cases';
import { statusDocument } from '../projections/status-document';
import { VerificationStatusProjection } from '../projections/verification-status.projection';
import { TestAccount, userContext } from '../testing/test-accounts';
import { VerificationAccounts } from './verification-accounts';
import { VerificationCommandExecutor } from './verification-command.executor';
import { VerificationStatusRepository } from './verification-status.repository';

// The read models a command writes in its own transaction (no worker runs here: nothing
// else writes them), and the status subscription and rebuild that replay the log after.
describe('read models written with the events', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startPlatform();
  });

  afterAll(async () => {
    await platform?.close();
  });

  const account = () => new TestAccount(platform.module);
  const statuses = () => platform.module.get(VerificationStatusRepository);

  /** The document as the account's whole stream says now. */
  async function folded(accountId: string) {
    return statusDocument(await platform.module.get(VerificationAccounts).load(accountId));
  }

  it('writes the status document with the events, at the version the command left', async () => {
    const user = account();
    await user.start();
    await user.submitIdentity();
    const outcome = await user.recordIdentityCheck('match');

    const stored = await statuses().find(user.accountId);
    expect(stored.version).toBe(outcome.version);
    expect(stored.document).toEqual(await folded(user.accountId));
    expect(stored.document.state).toBe('identity_verified');

    // A refused command writes nothing.
    await expect(user.start()).rejects.toMatchObject({ code: 'wrong_state' });
    expect(await statuses().find(user.accountId)).toEqual(stored);
  });

  it('writes in the command’s transaction: seen once it commits, never if it rolls back', async () => {
    const user = account();
    await user.start();
    await user.submitIdentity();
    await user.recordIdentityCheck('match');
    const before = await statuses().find(user.accountId);
    const executor = platform.module.get(VerificationCommandExecutor);
    const rolledBack = platform.dataSource.transaction(async (tx) => {
      const confirmed = await executor.execute(
        user.accountId,
        { type: 'ConfirmIdentity', data: { at: user.now() } },
        userContext(user.accountId, { transaction: tx }),
      );
      const inside: { version: number }[] = await tx.query(
        'SELECT version FROM verification_status WHERE account_id = $1',
        [user.accountId],
      );
      expect(inside[0].version).toBe(confirmed.version);
      expect(await statuses().find(user.accountId)).toEqual(before);
      throw new Error('roll back');
    });
    await expect(rolledBack).rejects.toThrow('roll back');
    expect(await statuses().find(user.accountId)).toEqual(before);

    await user.confirm();
    expect((await statuses().find(user.accountId)).document).toEqual(await folded(user.accountId));
  });

  it('writes the status document in the statement that appends the events: one statement for a step without effects', async () => {
    const user = account();
    await user.start();
    await user.submitIdentity();
    await user.recordIdentityCheck('match');
    const executor = platform.module.get(VerificationCommandExecutor);
    const { confirmed, sent } = await platform.dataSource.transaction(async (tx) => {
      const spy = await watchStatements(tx);
      const outcome = await executor.execute(
        user.accountId,
        { type: 'ConfirmIdentity', data: { at: user.now() } },
        userContext(user.accountId, { transaction: tx }),
      );
      // The state the last command committed is kept: the event is appended with the
      // document, and the stream is not read.
      spy.stop();
      return { confirmed: outcome, sent: spy.texts().length };
    });
    expect(sent).toBe(1);
    const stored = await statuses().find(user.accountId);
    expect(stored.version).toBe(confirmed.version);
    expect(stored.document).toEqual(await folded(user.accountId));

    // A command that decides nothing writes no document: the row stays as it is.
    const repeat = await executor.execute(
      user.accountId,
      { type: 'RecordIdentityCheck', data: { at: user.now(), outcome: 'match' } },
      userContext(user.accountId),
    );
    expect(repeat).toMatchObject({ events: [], position: null });
    expect(await statuses().find(user.accountId)).toEqual(stored);
  });

  it('writes the documents of a batch of commands in the batch’s transaction', async () => {
    const [a, b] = [account(), account()];
    await a.start();
    const executor = platform.module.get(VerificationCommandExecutor);
    await platform.dataSource
      .transaction((tx) =>
        executor.executeMany(
          [
            {
              accountId: b.accountId,
              command: { type: 'StartVerification', data: { at: b.now(), region: 'mainland' } },
              ctx: userContext(b.accountId),
            },
            {
              accountId: a.accountId,
              command: { type: 'DeferConfirmation', data: { at: a.now() } },
              ctx: userContext(a.accountId),
            },
          ],
          tx,
        ),
      )
      .catch(() => undefined);
    // The refused command rolled the batch back: neither account moved.
    expect((await statuses().find(b.accountId)).version).toBe(0);

    const [c, d] = [account(), account()];
    await platform.dataSource.transaction((tx) =>
      executor.executeMany(
        [c, d, c].map((user) => ({
          accountId: user.accountId,
          command: { type: 'StartVerification', data: { at: user.now(), region: 'mainland' } },
          ctx: userContext(user.accountId),
        })),
        tx,
      ),
    );
    for (const user of [c, d]) {
      expect((await statuses().find(user.accountId)).document).toEqual(
        await folded(user.accountId),
      );
    }
  });

  it('never lets the subscription move a row back to an older version', async () => {
    const user = account();
    await user.start();
    await user.submitIdentity();
    await user.recordIdentityCheck('match');
    const before = await statuses().find(user.accountId);
    const events = (await platform.module.get(VerificationAccounts).load(user.accountId)).events;
    const projection = platform.module.get(VerificationStatusProjection);

    // The subscription replaying the first event after the command wrote the third.
    await platform.dataSource.transaction((tx) => projection.apply(events.slice(0, 1), tx));
    expect(await statuses().find(user.accountId)).toEqual(before);

    // A row behind the log (an event appended another way) is brought forward.
    await platform.dataSource.query(
      `UPDATE verification_status SET version = 1, document = document || '{"version": 1}'
        WHERE account_id = $1`,
      [user.accountId],
    );
    await platform.dataSource.transaction((tx) => projection.apply(events.slice(-1), tx));
    expect(await statuses().find(user.accountId)).toEqual(before);
  });

  it('rebuilds the same documents from the log while commands keep writing them', async () => {
    const users = Array.from({ length: 12 }, () => account());
    await Promise.all(users.map((user) => user.start()));
    const bus = platform.module.get(CommandBus);
    await Promise.all([
      bus.execute(new RebuildProjectionCommand(VerificationStatusProjection.NAME)),
      ...users.map(async (user) => {
        await user.submitIdentity();
        await user.recordIdentityCheck('match');
        await user.confirm();
      }),
      bus.execute(new RebuildProjectionCommand(VerificationStatusProjection.NAME)),
    ]);
    for (const user of users) {
      const stored = await statuses().find(user.accountId);
      expect(stored.document).toEqual(await folded(user.accountId));
      expect(stored.document.state).toBe('identity_confirmed');
    }
  });

  it('keeps, through a rebuild, an account whose events all come after what the replay reads', async () => {
    // A transaction older than the account's, still running: the replay stops before it.
    const older = platform.dataSource.createQueryRunner();
    await older.startTransaction();
    try {
      await older.query('SELECT pg_current_xact_id()');
      const user = account();
      await user.start();
      await platform.module
        .get(CommandBus)
        .execute(new RebuildProjectionCommand(VerificationStatusProjection.NAME));
      expect((await statuses().find(user.accountId)).document).toEqual(
        await folded(user.accountId),
      );
      expect((await statuses().find(user.accountId)).version).toBe(1);
    } finally {
      await older.rollbackTransaction();
      await older.release();
    }
  });

  it('knows which account asked for a case, and where in the log, from the moment it did', async () => {
    const user = account();
    await user.start();
    await user.submitIdentity();
    await user.recordIdentityCheck('mismatch');
    const caseId = randomUUID();
    const requested = await user.run({
      type: 'RequestManualReview',
      data: { at: user.now(), caseId, documentIds: [randomUUID(), randomUUID()] },
    });
    expect(requested.events.map((e) => e.type)).toContain('ManualReviewRequested');

    const cases = platform.module.get(VerificationCases);
    expect(await cases.requestOf(caseId)).toEqual({
      caseId,
      accountId: user.accountId,
      position: requested.position,
    });
    expect((await statuses().find(user.accountId)).document.case?.id).toBe(caseId);
    expect(await cases.requestOf(randomUUID())).toBeNull();
  });
});
