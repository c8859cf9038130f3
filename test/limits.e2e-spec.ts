import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  EventStore,
  EventTypeRegistry,
  ReadYourWrites,
  RebuildProjectionCommand,
} from '@shiming/event-store';
import { limitsStreamId, monthEnd, monthOf } from '@shiming/limits';
import {
  VERIFICATION_EVENT_DEFINITIONS,
  type EventOfType,
  type VerificationEvent,
  type VerificationEventType,
} from '@shiming/verification/domain';
import { CLOCK, type Clock } from '@shiming/workflow';
import request from 'supertest';
import { startApi, testConfig } from './support/app';
import { createTestDatabase, TestDatabase } from './support/test-database';

// The payments system's view of the monthly limits (DESIGN §1 step 4, §4), through
// HTTP. Tiers come from verification events appended straight to each account's
// stream, as the verification process would record them, and count from the moment
// they are stored.

const IDENTITY = {
  encrypted: { name: 'v1:enc:name', idNumber: 'v1:enc:id' },
  registryId: 'idh-limits',
};
const CARD = {
  encrypted: { cardNumber: 'v1:enc:card', mobile: 'v1:enc:mobile' },
  bound: true,
};

interface Authorization {
  status: number;
  body: {
    decision?: 'approved' | 'declined';
    reason?: string;
    remaining?: { collect: string | null; total: string | null };
    month?: string;
    tier?: string;
    authorizationId?: string;
    code?: string;
  };
  replayed: boolean;
}

describe('payment limits', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let store: EventStore;
  let clock: Clock;
  let serviceToken: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await startApi(testConfig(db.url, { SANDBOX: 'true' }), { withWorker: true });
    // Listening, so that a burst of concurrent requests shares one server.
    await app.listen(0, '127.0.0.1');
    // The verification module registers these once it is wired; registering the same
    // definitions again is allowed.
    app.get(EventTypeRegistry).register(...VERIFICATION_EVENT_DEFINITIONS);
    store = app.get(EventStore);
    clock = app.get<Clock>(CLOCK);
    serviceToken = await token('payments-service', ['service']);
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const http = () => request(app.getHttpServer());

  async function token(sub: string, roles: string[]): Promise<string> {
    const response = await http().post('/v1/sandbox/tokens').send({ sub, roles }).expect(201);
    return response.body.token as string;
  }

  function event<T extends VerificationEventType>(
    type: T,
    data: Omit<EventOfType<T>['data'], 'at'>,
  ): VerificationEvent {
    return { type, data: { ...data, at: clock.now().toISOString() } } as VerificationEvent;
  }

  /** Appends to the account's verification stream, as the verification process would. */
  async function record(accountId: string, events: VerificationEvent[]): Promise<void> {
    await store.append(
      `verification-${accountId}`,
      'any',
      events.map((e) => ({ id: randomUUID(), type: e.type, data: e.data })),
      { metadata: { actor: { type: 'system', id: 'limits-e2e' }, correlationId: randomUUID() } },
    );
  }

  /** An account authenticated through the whole process, with a bound card for brevity. */
  async function authenticated(tier: 'limited' | 'full', accountId = newAccount()) {
    const photos =
      tier === 'full'
        ? [
            event('IdDocumentsSubmitted', { frontId: 'doc-f', backId: 'doc-b' }),
            event('IdDocumentsAccepted', {}),
          ]
        : [event('IdDocumentsSkipped', {})];
    await record(accountId, [
      event('VerificationStarted', { region: 'mainland' }),
      event('IdentitySubmitted', { identity: IDENTITY }),
      event('IdentityVerified', {}),
      event('IdentityConfirmed', {}),
      ...photos,
      event('BankCardSubmitted', { card: CARD }),
      event('BankCardMatched', {}),
      event('Authenticated', { tier, via: 'bound_card' }),
    ]);
    return accountId;
  }

  function newAccount(): string {
    return `acct-${randomUUID()}`;
  }

  async function authorize(
    body: Record<string, unknown>,
    bearer: string = serviceToken,
  ): Promise<Authorization> {
    const response = await http()
      .post('/v1/limits/authorize')
      .set('Authorization', `Bearer ${bearer}`)
      .send({ reference: `ref-${randomUUID()}`, ...body });
    return {
      status: response.status,
      body: response.headers['content-type']?.includes('json') ? JSON.parse(response.text) : {},
      replayed: response.headers['idempotent-replayed'] === 'true',
    };
  }

  async function limitsOf(accountId: string) {
    const response = await http()
      .get(`/v1/accounts/me/limits`)
      .set('Authorization', `Bearer ${await token(accountId, ['user'])}`)
      .expect(200);
    return response.body;
  }

  it('declines every authorization for an account that is not authenticated', async () => {
    const accountId = newAccount();
    await record(accountId, [event('VerificationStarted', { region: 'mainland' })]);
    const answer = await authorize({ accountId, direction: 'pay', amount: '0.01' });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      decision: 'declined',
      reason: 'not_authenticated',
      tier: 'none',
      remaining: { collect: '0.00', total: '0.00' },
      month: monthOf(clock.now()),
    });
    const unknown = await authorize({ accountId: newAccount(), direction: 'collect', amount: '1' });
    expect(unknown.body).toMatchObject({ decision: 'declined', reason: 'not_authenticated' });
  });

  it('approves within the limits and shows the holder exact month-to-date usage', async () => {
    const accountId = await authenticated('limited');
    const collected = await authorize({ accountId, direction: 'collect', amount: '123.45' });
    expect(collected.status).toBe(200);
    expect(collected.body).toMatchObject({
      decision: 'approved',
      tier: 'limited',
      remaining: { collect: '19876.55', total: '49876.55' },
    });
    expect(collected.body).not.toHaveProperty('reason');
    await authorize({ accountId, direction: 'pay', amount: '0.37' });

    const month = monthOf(clock.now());
    expect(await limitsOf(accountId)).toEqual({
      accountId,
      tier: 'limited',
      month,
      resetsAt: monthEnd(month).toISOString(),
      usage: { collected: '123.45', paid: '0.37', total: '123.82' },
      limits: { collect: '20000.00', total: '50000.00' },
      remaining: { collect: '19876.55', total: '49876.18' },
    });
  });

  it('counts payments against the total only, and declines past it', async () => {
    const accountId = await authenticated('limited');
    const steps = [
      ['collect', '20000.00', 'approved'],
      ['collect', '0.01', 'declined'],
      ['pay', '30000.00', 'approved'],
      ['pay', '0.01', 'declined'],
    ] as const;
    for (const [direction, amount, decision] of steps) {
      const answer = await authorize({ accountId, direction, amount });
      expect({ direction, amount, decision: answer.body.decision }).toEqual({
        direction,
        amount,
        decision,
      });
    }
    expect((await limitsOf(accountId)).remaining).toEqual({ collect: '0.00', total: '0.00' });
  });

  it('never lets 100 concurrent collections of one limited account exceed its limit', async () => {
    const accountId = await authenticated('limited');
    const answers = await Promise.all(
      Array.from({ length: 100 }, () =>
        authorize({ accountId, direction: 'collect', amount: '300.00' }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(100).fill(200));
    const approved = answers.filter((a) => a.body.decision === 'approved');
    const declined = answers.filter((a) => a.body.decision === 'declined');
    // 66 × 300 = 19,800 fits; a 67th would be 20,100.
    expect(approved).toHaveLength(66);
    expect(declined.every((a) => a.body.reason === 'limit_exceeded')).toBe(true);
    const remainders = approved.map((a) => a.body.remaining?.collect).sort();
    expect(new Set(remainders).size).toBe(66);

    const limits = await limitsOf(accountId);
    expect(limits.usage).toEqual({ collected: '19800.00', paid: '0.00', total: '19800.00' });
    expect(limits.remaining.collect).toBe('200.00');
    const stream = await store.readStream(`limits-${accountId}-${monthOf(clock.now())}`);
    expect(stream.map((e) => e.streamVersion)).toEqual(
      Array.from({ length: 100 }, (_, i) => i + 1),
    );
    expect(stream.filter((e) => e.type === 'LimitAuthorized')).toHaveLength(66);
  });

  it('counts a reference once when ten requests race with it', async () => {
    const accountId = await authenticated('limited');
    const reference = `ref-${randomUUID()}`;
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        authorize({ accountId, direction: 'collect', amount: '100.00', reference }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
    expect(answers[0].body).toMatchObject({ decision: 'approved' });
    expect(answers.filter((a) => !a.replayed)).toHaveLength(1);
    expect((await limitsOf(accountId)).usage.collected).toBe('100.00');
  });

  it('answers a repeated reference with the first decision, even once it would differ', async () => {
    const accountId = await authenticated('limited');
    const reference = `ref-${randomUUID()}`;
    const first = await authorize({
      accountId,
      direction: 'collect',
      amount: '20000.01',
      reference,
    });
    expect(first.body).toMatchObject({ decision: 'declined', reason: 'limit_exceeded' });
    await record(accountId, [
      event('IdDocumentsSubmitted', { frontId: 'doc-f', backId: 'doc-b' }),
      event('IdDocumentsAccepted', {}),
      event('TierUpgraded', { tier: 'full' }),
    ]);
    const again = await authorize({
      accountId,
      direction: 'collect',
      amount: '20000.01',
      reference,
    });
    expect(again.body).toEqual(first.body);
    expect(again.replayed).toBe(true);
  });

  it('refuses a reference reused for another amount, direction or account', async () => {
    const accountId = await authenticated('limited');
    const reference = `ref-${randomUUID()}`;
    await authorize({ accountId, direction: 'collect', amount: '10.00', reference });
    for (const change of [{ amount: '10.01' }, { direction: 'pay' }, { accountId: newAccount() }]) {
      const answer = await authorize({
        accountId,
        direction: 'collect',
        amount: '10.00',
        reference,
        ...change,
      });
      expect({ change, status: answer.status, code: answer.body.code }).toEqual({
        change,
        status: 422,
        code: 'reference_reused',
      });
    }
    // The same amount written differently is the same request.
    const same = await authorize({ accountId, direction: 'collect', amount: '10', reference });
    expect(same).toMatchObject({ status: 200, replayed: true });
  });

  it('approves anything for a full account and still counts it', async () => {
    const accountId = await authenticated('full');
    const answer = await authorize({ accountId, direction: 'collect', amount: '1000000.00' });
    expect(answer.body).toMatchObject({
      decision: 'approved',
      tier: 'full',
      remaining: { collect: null, total: null },
    });
    const limits = await limitsOf(accountId);
    expect(limits).toMatchObject({
      tier: 'full',
      limits: null,
      usage: { collected: '1000000.00', total: '1000000.00' },
      remaining: { collect: null, total: null },
    });
  });

  it('lifts the limits when a limited account uploads its ID photos', async () => {
    const accountId = await authenticated('limited');
    await authorize({ accountId, direction: 'collect', amount: '20000.00' });
    const over = await authorize({ accountId, direction: 'collect', amount: '500.00' });
    expect(over.body).toMatchObject({ decision: 'declined', reason: 'limit_exceeded' });

    await record(accountId, [
      event('IdDocumentsSubmitted', { frontId: 'doc-f', backId: 'doc-b' }),
      event('IdDocumentsAccepted', {}),
      event('TierUpgraded', { tier: 'full' }),
    ]);
    const lifted = await authorize({ accountId, direction: 'collect', amount: '500.00' });
    expect(lifted.body).toMatchObject({ decision: 'approved', tier: 'full' });
    expect((await limitsOf(accountId)).usage.collected).toBe('20500.00');
  });

  it('declines again once the account loses its identity to its owner', async () => {
    const accountId = await authenticated('limited');
    await record(accountId, [
      event('IdentityRevoked', {
        registryId: IDENTITY.registryId,
        reason: 'claimed_by_owner',
        byAccountId: newAccount(),
        notice: { code: 'identity_revoked_appeal_upheld' },
      }),
    ]);
    const answer = await authorize({ accountId, direction: 'pay', amount: '1.00' });
    expect(answer.body).toMatchObject({ decision: 'declined', reason: 'not_authenticated' });
    expect((await limitsOf(accountId)).tier).toBe('none');
  });

  it('gives an associated account its main account’s tier and shares one allowance', async () => {
    const main = await authenticated('limited');
    const associated = newAccount();
    await record(associated, [
      event('VerificationStarted', { region: 'mainland' }),
      event('AccountAssociated', { mainAccountId: main, via: 'main_account' }),
    ]);
    await authorize({ accountId: main, direction: 'collect', amount: '15000.00' });
    const fits = await authorize({
      accountId: associated,
      direction: 'collect',
      amount: '5000.00',
    });
    expect(fits.body).toMatchObject({ decision: 'approved', tier: 'limited' });
    const over = await authorize({ accountId: associated, direction: 'collect', amount: '0.01' });
    expect(over.body).toMatchObject({ decision: 'declined', reason: 'limit_exceeded' });

    expect(await limitsOf(associated)).toMatchObject({
      accountId: associated,
      mainAccountId: main,
      tier: 'limited',
      usage: { collected: '20000.00' },
    });
    expect((await limitsOf(main)).usage.collected).toBe('20000.00');
  });

  it('lets a service read any account’s limits', async () => {
    const accountId = await authenticated('limited');
    const response = await http()
      .get(`/v1/limits/accounts/${accountId}`)
      .set('Authorization', `Bearer ${serviceToken}`)
      .expect(200);
    expect(response.body).toMatchObject({ accountId, tier: 'limited' });
  });

  it('keeps each route to its role: 403 otherwise, 401 without a token', async () => {
    const accountId = await authenticated('limited');
    const asUser = await authorize(
      { accountId, direction: 'collect', amount: '1.00' },
      await token(accountId, ['user']),
    );
    expect(asUser).toMatchObject({ status: 403, body: { code: 'forbidden' } });

    // A service token names a service, not an account: there is no "me".
    const serviceMe = await http()
      .get('/v1/accounts/me/limits')
      .set('Authorization', `Bearer ${serviceToken}`);
    expect(serviceMe.status).toBe(403);
    const userReadsAnother = await http()
      .get(`/v1/limits/accounts/${accountId}`)
      .set('Authorization', `Bearer ${await token(newAccount(), ['user'])}`);
    expect(userReadsAnother.status).toBe(403);

    await http().post('/v1/limits/authorize').send({}).expect(401);
    await http().get('/v1/accounts/me/limits').expect(401);
  });

  it.each([
    ['0.00'],
    ['0'],
    ['-5.00'],
    ['1.234'],
    ['1e3'],
    [' 1.00'],
    ['10000000.01'],
    [12.5],
    [null],
    [undefined],
  ])('refuses the amount %p with 422 invalid_amount', async (amount) => {
    const accountId = await authenticated('full');
    const answer = await authorize({ accountId, direction: 'collect', amount });
    expect(answer.status).toBe(422);
    expect(answer.body).toMatchObject({
      code: 'invalid_amount',
      errors: [expect.objectContaining({ field: 'amount', code: 'invalid_amount' })],
    });
  });

  it('refuses other bad fields with 422 validation_failed', async () => {
    const answer = await authorize({ accountId: '', direction: 'refund', amount: '1.00' });
    expect(answer.status).toBe(422);
    expect(answer.body.code).toBe('validation_failed');
  });

  it('documents its endpoints with examples and problem answers', async () => {
    const docs = (await http().get('/docs-json').expect(200)).body;
    const authorizeDoc = docs.paths['/v1/limits/authorize'].post;
    expect(Object.keys(authorizeDoc.responses)).toEqual(
      expect.arrayContaining(['200', '401', '403', '422']),
    );
    expect(
      authorizeDoc.responses['422'].content['application/problem+json'].examples,
    ).toHaveProperty('invalid_amount');
    expect(docs.paths['/v1/accounts/me/limits'].get.responses['200']).toBeDefined();
  });

  it('rebuilds the usage read model from the log to the same answers', async () => {
    const limited = await authenticated('limited');
    const full = await authenticated('full');
    await authorize({ accountId: limited, direction: 'collect', amount: '42.00' });
    await authorize({ accountId: full, direction: 'pay', amount: '7.50' });
    const before = [await limitsOf(limited), await limitsOf(full)];

    const bus = app.get(CommandBus);
    await bus.execute(new RebuildProjectionCommand('account_limit_usage'));
    // A rebuild replays what every reader may see (the log up to the oldest transaction
    // still running anywhere on the server); its runner takes it from there.
    for (const accountId of [limited, full]) {
      const [last] = (
        await store.readStream(limitsStreamId(accountId, monthOf(clock.now())))
      ).slice(-1);
      expect(
        await app.get(ReadYourWrites).waitForPosition('account_limit_usage', last.position, 15_000),
      ).toBe(true);
    }

    expect([await limitsOf(limited), await limitsOf(full)]).toEqual(before);
  });

  // Last: it moves the sandbox clock of this file's database for good.
  it('starts every calendar month in Shanghai with nothing used', async () => {
    const accountId = await authenticated('limited');
    await authorize({ accountId, direction: 'collect', amount: '20000.00' });
    const before = await limitsOf(accountId);
    expect(before.remaining.collect).toBe('0.00');

    // To one minute past midnight of the 1st, Shanghai time.
    const now = clock.now();
    const seconds = Math.ceil((monthEnd(monthOf(now)).getTime() - now.getTime()) / 1000) + 60;
    await http()
      .post('/v1/sandbox/clock/advance')
      .send({ duration: `PT${seconds}S` })
      .expect(200);

    const after = await limitsOf(accountId);
    expect(after.month).not.toBe(before.month);
    expect(after.month).toBe(monthOf(new Date(monthEnd(before.month).getTime() + 1)));
    expect(after.usage).toEqual({ collected: '0.00', paid: '0.00', total: '0.00' });
    const answer = await authorize({ accountId, direction: 'collect', amount: '20000.00' });
    expect(answer.body).toMatchObject({ decision: 'approved', month: after.month });
  });
});
