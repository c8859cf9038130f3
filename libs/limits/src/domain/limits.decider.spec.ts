import { ReferenceReusedError } from './limits.errors';
import {
  assertSameRequest,
  authorizeLimit,
  createLimitsDecider,
  type AllowanceMonth,
  type AuthorizeLimit,
  type ReferencedRequest,
} from './limits.decider';
import type { LimitsEvent } from './limits.events';
import { DEFAULT_LIMITS_POLICY } from './limits.policy';

// Given an allowance's past events, when an authorization, then this event.
const decider = createLimitsDecider(DEFAULT_LIMITS_POLICY);
const AT = '2026-11-20T02:00:00.000Z';
const yuan = (amount: number) => Math.round(amount * 100);

function authorize(
  direction: 'collect' | 'pay',
  amount: number,
  overrides: Partial<AuthorizeLimit['data']> = {},
): AuthorizeLimit {
  return {
    type: 'AuthorizeLimit',
    data: {
      reference: `ref-${direction}-${amount}`,
      accountId: 'acct-1',
      holderAccountId: 'acct-1',
      direction,
      amountFen: yuan(amount),
      month: '2026-11',
      tier: 'limited',
      at: AT,
      ...overrides,
    },
  };
}

/** The events the decider records for these authorizations, one after the other. */
function history(...commands: AuthorizeLimit[]): LimitsEvent[] {
  const events: LimitsEvent[] = [];
  for (const command of commands) {
    events.push(...decider.decide(command, events.reduce(decider.evolve, decider.initialState())));
  }
  return events;
}

function given(past: LimitsEvent[]) {
  const state = past.reduce(decider.evolve, decider.initialState());
  return {
    state,
    when(command: AuthorizeLimit) {
      return {
        then(expected: LimitsEvent[]): AllowanceMonth {
          const events = decider.decide(command, state);
          expect(events).toEqual(expected);
          return events.reduce(decider.evolve, state);
        },
      };
    },
  };
}

const facts = (command: AuthorizeLimit) => {
  const { reference, accountId, holderAccountId, direction, amountFen, month, tier, at } =
    command.data;
  return { reference, accountId, holderAccountId, direction, amountFen, month, tier, at };
};

describe('an allowance’s month (decider)', () => {
  it('approves a first collection and records the usage and what remains after it', () => {
    const command = authorize('collect', 123.45);
    const after = given([])
      .when(command)
      .then([
        {
          type: 'LimitAuthorized',
          data: {
            ...facts(command),
            usage: { collectedFen: yuan(123.45), paidFen: 0 },
            remaining: { collectFen: yuan(19_876.55), totalFen: yuan(49_876.55) },
          },
        },
      ]);
    expect(after).toEqual({ version: 1, usage: { collectedFen: yuan(123.45), paidFen: 0 } });
  });

  it('decides on the usage the last event leaves', () => {
    const past = history(authorize('collect', 15_000), authorize('pay', 30_000));
    const command = authorize('collect', 5_000.01);
    given(past)
      .when(command)
      .then([
        {
          type: 'LimitDeclined',
          data: {
            ...facts(command),
            usage: { collectedFen: yuan(15_000), paidFen: yuan(30_000) },
            remaining: { collectFen: yuan(5_000), totalFen: yuan(5_000) },
            reason: 'limit_exceeded',
          },
        },
      ]);
  });

  it('counts nothing for a decline: the next request meets the same usage', () => {
    const past = history(authorize('collect', 20_000), authorize('collect', 0.01));
    expect(given(past).state).toEqual({
      version: 2,
      usage: { collectedFen: yuan(20_000), paidFen: 0 },
    });
    given(past)
      .when(authorize('pay', 30_000))
      .then([
        expect.objectContaining({
          type: 'LimitAuthorized',
          data: expect.objectContaining({
            usage: { collectedFen: yuan(20_000), paidFen: yuan(30_000) },
            remaining: { collectFen: 0, totalFen: 0 },
          }),
        }) as LimitsEvent,
      ]);
  });

  it('declines everything while the account is not authenticated', () => {
    const command = authorize('pay', 0.01, { tier: 'none' });
    given([])
      .when(command)
      .then([
        {
          type: 'LimitDeclined',
          data: {
            ...facts(command),
            usage: { collectedFen: 0, paidFen: 0 },
            remaining: { collectFen: 0, totalFen: 0 },
            reason: 'not_authenticated',
          },
        },
      ]);
  });

  it('approves anything for the full tier on top of what a limited tier used', () => {
    const past = history(authorize('collect', 20_000));
    given(past)
      .when(authorize('collect', 1_000_000, { tier: 'full' }))
      .then([
        expect.objectContaining({
          type: 'LimitAuthorized',
          data: expect.objectContaining({
            usage: { collectedFen: yuan(1_020_000), paidFen: 0 },
            remaining: { collectFen: null, totalFen: null },
          }),
        }) as LimitsEvent,
      ]);
  });

  it('approves exactly as many equal collections as the limit holds', () => {
    const past = history(
      ...Array.from({ length: 100 }, (_, i) =>
        authorize('collect', 300, { reference: `ref-${i}` }),
      ),
    );
    expect(past.filter((e) => e.type === 'LimitAuthorized')).toHaveLength(66);
    expect(given(past).state).toEqual({
      version: 100,
      usage: { collectedFen: yuan(19_800), paidFen: 0 },
    });
  });
});

describe('the command for a request', () => {
  const request = {
    reference: 'ref-1',
    accountId: 'acct-2',
    direction: 'collect' as const,
    amountFen: 100,
  };
  // 00:30 on 1 December in Shanghai.
  const at = new Date('2026-11-30T16:30:00.000Z');

  it('counts against the account’s own allowance in the Shanghai month, with its tier', () => {
    const account = {
      record: { tier: 'limited' as const, mainAccountId: null, changedAt: AT },
      mainTier: null,
    };
    expect(authorizeLimit(request, account, at)).toEqual({
      type: 'AuthorizeLimit',
      data: {
        ...request,
        holderAccountId: 'acct-2',
        month: '2026-12',
        tier: 'limited',
        at: at.toISOString(),
      },
    });
  });

  it('counts an associated account against its main account, with the main account’s tier', () => {
    const account = {
      record: { tier: 'none' as const, mainAccountId: 'acct-main', changedAt: AT },
      mainTier: 'full' as const,
    };
    expect(authorizeLimit(request, account, at).data).toMatchObject({
      accountId: 'acct-2',
      holderAccountId: 'acct-main',
      tier: 'full',
    });
  });

  it('gives an account never seen tier none, on its own allowance', () => {
    expect(authorizeLimit(request, null, at).data).toMatchObject({
      holderAccountId: 'acct-2',
      tier: 'none',
    });
  });
});

describe('a reference decided before', () => {
  const decided: ReferencedRequest = {
    reference: 'ref-1',
    accountId: 'acct-1',
    direction: 'collect',
    amountFen: 1000,
  };

  it('answers the same request again', () => {
    expect(() => assertSameRequest(decided, { ...decided })).not.toThrow();
  });

  it.each([
    ['another account', { accountId: 'acct-2' }],
    ['another direction', { direction: 'pay' }],
    ['another amount', { amountFen: 1001 }],
  ] as const)('refuses %s with reference_reused', (_name, change) => {
    expect(() => assertSameRequest(decided, { ...decided, ...change })).toThrow(
      ReferenceReusedError,
    );
  });
});
