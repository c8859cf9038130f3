import { randomUUID } from 'node:crypto';
import { dataSourceOptions } from '@shiming/common';
import { EventStore, EventTypeRegistry } from '@shiming/event-store';
import { VERIFICATION_EVENT_DEFINITIONS } from '@shiming/verification/domain';
import { CommandRunner, RandomIdGenerator, type CommandContext } from '@shiming/workflow';
import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../../../../test/support/test-database';
import {
  authorizeLimit,
  createLimitsDecider,
  DEFAULT_LIMITS_POLICY,
  LIMITS_EVENT_DEFINITIONS,
  limitsStreamId,
  monthOf,
  ReferenceReusedError,
  type Direction,
  type Tier,
} from '../../domain';
import { AccountTiers } from '../../infrastructure/account-tiers';
import { LimitsCommandExecutor } from '../../infrastructure/limits-command.executor';
import { LimitsRepository } from '../../infrastructure/limits.repository';
import { AuthorizeLimitCommand } from './authorize-limit.command';
import { authorizationCommandId, AuthorizeLimitHandler } from './authorize-limit.handler';

// The authorization through the command runner on PostgreSQL: what the HTTP tests cannot
// force, a decision that meets its reference already decided after the handler looked
// it up (on this allowance's stream, or on another), races on a shared allowance, and a
// tier read from the verification stream the moment it changes.
describe('AuthorizeLimitHandler on PostgreSQL', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let store: EventStore;
  let repository: LimitsRepository;
  let tiers: AccountTiers;
  let executor: LimitsCommandExecutor;
  let handler: AuthorizeLimitHandler;
  let now = new Date('2026-11-20T02:00:00.000Z');

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await new DataSource(
      dataSourceOptions({ databaseUrl: db.url, migrations: [], poolSize: 20 }),
    ).initialize();
    store = new EventStore(
      dataSource,
      new EventTypeRegistry().register(
        ...LIMITS_EVENT_DEFINITIONS,
        ...VERIFICATION_EVENT_DEFINITIONS,
      ),
      { now: () => now },
    );
    repository = new LimitsRepository(dataSource);
    tiers = new AccountTiers(store);
    executor = new LimitsCommandExecutor(
      dataSource,
      new CommandRunner(dataSource, store, 5),
      createLimitsDecider(DEFAULT_LIMITS_POLICY),
      repository,
    );
    handler = new AuthorizeLimitHandler(
      executor,
      repository,
      tiers,
      { now: () => now },
      DEFAULT_LIMITS_POLICY,
      new RandomIdGenerator(),
    );
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  /** Appends an event that sets a tier to the account's verification stream. */
  async function recordTierEvent(
    accountId: string,
    type: 'Authenticated' | 'AccountAssociated',
    data: Record<string, unknown>,
  ): Promise<void> {
    await store.append(
      `verification-${accountId}`,
      'any',
      [{ id: randomUUID(), type, data: { ...data, at: now.toISOString() } }],
      { metadata: { actor: { type: 'system', id: 'limits-spec' }, correlationId: randomUUID() } },
    );
  }

  /** An account with this tier, or associated with a main account. */
  async function account(tier: Tier, mainAccountId: string | null = null): Promise<string> {
    const accountId = `acct-${randomUUID()}`;
    if (mainAccountId) {
      await recordTierEvent(accountId, 'AccountAssociated', { mainAccountId, via: 'main_account' });
    } else if (tier !== 'none') {
      await recordTierEvent(accountId, 'Authenticated', { tier, via: 'sms_code' });
    }
    return accountId;
  }

  const authorize = (accountId: string, direction: Direction, amount: string, reference: string) =>
    handler.execute(
      new AuthorizeLimitCommand(accountId, direction, amount, reference, 'payments-service'),
    );

  /** The executor on its own, as when the handler's look-up of the reference came too early. */
  async function decideWithoutLookUp(accountId: string, amountFen: number, reference: string) {
    const request = { reference, accountId, direction: 'collect' as const, amountFen };
    const ctx: CommandContext = {
      actor: { type: 'service', id: 'payments-service' },
      correlationId: randomUUID(),
      commandId: authorizationCommandId(reference),
    };
    return executor.authorize(authorizeLimit(request, await tiers.find(accountId), now), ctx);
  }

  const streamOf = (holderAccountId: string, at = now) =>
    store.readStream(limitsStreamId(holderAccountId, monthOf(at)));

  const usageOf = async (holderAccountId: string, at = now) =>
    (await repository.findUsage(holderAccountId, monthOf(at)))?.collectedFen ?? 0;

  it('appends nothing for a reference already decided on the same allowance', async () => {
    const accountId = await account('limited');
    const reference = `ref-${randomUUID()}`;
    const first = await authorize(accountId, 'collect', '100.00', reference);
    expect(first).toMatchObject({ decision: 'approved', replayed: false });

    expect(await decideWithoutLookUp(accountId, 100_00, reference)).toBeNull();
    expect(await decideWithoutLookUp(accountId, 999_00, reference)).toBeNull();
    expect(await streamOf(accountId)).toHaveLength(1);
    expect(await usageOf(accountId)).toBe(100_00);
  });

  it('rolls back a decision whose reference was decided on another account’s allowance', async () => {
    const [a, b] = [await account('limited'), await account('limited')];
    const reference = `ref-${randomUUID()}`;
    await authorize(a, 'collect', '100.00', reference);

    expect(await decideWithoutLookUp(b, 100_00, reference)).toBeNull();
    expect(await streamOf(b)).toHaveLength(0);
    expect(await usageOf(b)).toBe(0);
    await expect(authorize(b, 'collect', '100.00', reference)).rejects.toBeInstanceOf(
      ReferenceReusedError,
    );
  });

  it('answers a reference repeated in a later month with its first decision', async () => {
    const accountId = await account('limited');
    const reference = `ref-${randomUUID()}`;
    const first = await authorize(accountId, 'collect', '20000.00', reference);
    const decidedAt = now;
    now = new Date('2026-12-20T02:00:00.000Z');
    try {
      expect(await decideWithoutLookUp(accountId, 20_000_00, reference)).toBeNull();
      expect(await authorize(accountId, 'collect', '20000.00', reference)).toEqual({
        ...first,
        replayed: true,
      });
      expect(await streamOf(accountId)).toHaveLength(0);
      expect(await streamOf(accountId, decidedAt)).toHaveLength(1);
    } finally {
      now = decidedAt;
    }
  });

  it('decides one reference once when requests for two accounts race with it', async () => {
    for (let round = 0; round < 10; round++) {
      const [a, b] = [await account('limited'), await account('limited')];
      const reference = `ref-${randomUUID()}`;
      const answers = await Promise.allSettled([
        authorize(a, 'collect', '100.00', reference),
        authorize(b, 'collect', '100.00', reference),
      ]);
      const decided = answers.filter((answer) => answer.status === 'fulfilled');
      const refused = answers.filter((answer) => answer.status === 'rejected');
      expect(decided).toHaveLength(1);
      expect(decided[0].value).toMatchObject({ decision: 'approved', replayed: false });
      expect(refused.map((answer) => answer.reason)).toEqual([expect.any(ReferenceReusedError)]);
      const streams = [...(await streamOf(a)), ...(await streamOf(b))];
      expect(streams.map((event) => event.data)).toEqual([
        expect.objectContaining({ accountId: decided[0].value.accountId, reference }),
      ]);
      expect((await usageOf(a)) + (await usageOf(b))).toBe(100_00);
    }
  });

  it('never lets an associated account and its main account spend one allowance twice', async () => {
    const main = await account('limited');
    const associated = await account('none', main);
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        authorize(i % 2 ? associated : main, 'collect', '1000.00', `ref-${randomUUID()}`),
      ),
    );
    expect(answers.filter((answer) => answer.decision === 'approved')).toHaveLength(20);
    expect(
      answers.filter((answer) => answer.decision === 'declined').map((answer) => answer.reason),
    ).toEqual(Array(20).fill('limit_exceeded'));
    const stream = await streamOf(main);
    expect(stream.map((event) => event.streamVersion)).toEqual(
      Array.from({ length: 40 }, (_, i) => i + 1),
    );
    expect(await usageOf(main)).toBe(20_000_00);
    expect(await streamOf(associated)).toHaveLength(0);
  });

  it('decides a reference again once the account is authenticated, and keeps that', async () => {
    const accountId = await account('none');
    const reference = `ref-${randomUUID()}`;
    const early = await authorize(accountId, 'collect', '100.00', reference);
    expect(early).toMatchObject({ decision: 'declined', reason: 'not_authenticated' });
    const again = await authorize(accountId, 'collect', '100.00', reference);
    expect(again).toMatchObject({ decision: 'declined', replayed: false });
    expect(again.authorizationId).not.toBe(early.authorizationId);

    // The tier counts from the moment the event is stored, with no read model between.
    await recordTierEvent(accountId, 'Authenticated', { tier: 'limited', via: 'sms_code' });
    const approved = await authorize(accountId, 'collect', '100.00', reference);
    expect(approved).toMatchObject({ decision: 'approved', tier: 'limited', replayed: false });
    expect(await authorize(accountId, 'collect', '100.00', reference)).toEqual({
      ...approved,
      replayed: true,
    });
    // Every decision is an event; only the approval answers the reference.
    expect((await streamOf(accountId)).map((event) => event.type)).toEqual([
      'LimitDeclined',
      'LimitDeclined',
      'LimitAuthorized',
    ]);
    expect(await usageOf(accountId)).toBe(100_00);
  });
});
