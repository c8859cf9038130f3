import {
  decideAuthorization,
  monthlyLimits,
  NO_USAGE,
  remainingAllowance,
  type AuthorizationRequest,
  type MonthUsage,
} from './limits';
import { DEFAULT_LIMITS_POLICY as POLICY } from './limits.policy';

const yuan = (amount: number) => Math.round(amount * 100);
const usage = (collected: number, paid: number): MonthUsage => ({
  collectedFen: yuan(collected),
  paidFen: yuan(paid),
});

function decide(request: Partial<AuthorizationRequest> & Pick<AuthorizationRequest, 'direction'>) {
  return decideAuthorization(
    { tier: 'limited', usage: NO_USAGE, amountFen: yuan(100), ...request },
    POLICY,
  );
}

describe('monthly limits', () => {
  it('gives the limited tier 20,000 yuan of collections and 50,000 in all', () => {
    expect(monthlyLimits('limited', POLICY)).toEqual({
      collectFen: yuan(20_000),
      totalFen: yuan(50_000),
    });
  });

  it('gives the full tier no limit and an unauthenticated account nothing', () => {
    expect(monthlyLimits('full', POLICY)).toEqual({ collectFen: null, totalFen: null });
    expect(monthlyLimits('none', POLICY)).toEqual({ collectFen: 0, totalFen: 0 });
  });
});

describe('remainingAllowance', () => {
  it('subtracts collections from both limits and payments from the total', () => {
    expect(remainingAllowance('limited', usage(5_000, 10_000), POLICY)).toEqual({
      collectFen: yuan(15_000),
      totalFen: yuan(35_000),
    });
  });

  it('bounds what may still be collected by what remains of the total', () => {
    expect(remainingAllowance('limited', usage(1_000, 45_000), POLICY)).toEqual({
      collectFen: yuan(4_000),
      totalFen: yuan(4_000),
    });
  });

  it('never goes below zero, even past a limit (usage counted under a higher tier)', () => {
    expect(remainingAllowance('limited', usage(30_000, 40_000), POLICY)).toEqual({
      collectFen: 0,
      totalFen: 0,
    });
  });

  it('is unlimited for the full tier', () => {
    expect(remainingAllowance('full', usage(1e6, 1e6), POLICY)).toEqual({
      collectFen: null,
      totalFen: null,
    });
  });
});

describe('decideAuthorization', () => {
  it('approves a collection that fits and counts it', () => {
    expect(decide({ direction: 'collect', usage: usage(100, 0), amountFen: yuan(50.25) })).toEqual({
      decision: 'approved',
      usage: usage(150.25, 0),
      remaining: { collectFen: yuan(19_849.75), totalFen: yuan(49_849.75) },
    });
  });

  it('approves a collection that reaches the collection limit exactly', () => {
    const outcome = decide({
      direction: 'collect',
      usage: usage(19_000, 0),
      amountFen: yuan(1_000),
    });
    expect(outcome).toMatchObject({ decision: 'approved', remaining: { collectFen: 0 } });
  });

  it('declines a collection one fen over the collection limit, counting nothing', () => {
    const before = usage(19_000, 0);
    expect(decide({ direction: 'collect', usage: before, amountFen: yuan(1_000) + 1 })).toEqual({
      decision: 'declined',
      reason: 'limit_exceeded',
      usage: before,
      remaining: { collectFen: yuan(1_000), totalFen: yuan(31_000) },
    });
  });

  it('approves a payment after collections are used up, within the total', () => {
    expect(
      decide({ direction: 'pay', usage: usage(20_000, 0), amountFen: yuan(30_000) }),
    ).toMatchObject({ decision: 'approved', usage: usage(20_000, 30_000) });
  });

  it('declines a payment past the total', () => {
    expect(
      decide({ direction: 'pay', usage: usage(20_000, 29_999.99), amountFen: 2 }),
    ).toMatchObject({ decision: 'declined', reason: 'limit_exceeded' });
  });

  it('declines a collection that fits the collection limit but not the total', () => {
    expect(
      decide({ direction: 'collect', usage: usage(0, 49_500), amountFen: yuan(600) }),
    ).toMatchObject({ decision: 'declined', reason: 'limit_exceeded' });
  });

  it('approves anything for the full tier and still counts it', () => {
    expect(
      decide({ tier: 'full', direction: 'collect', usage: usage(1e6, 0), amountFen: yuan(1e6) }),
    ).toEqual({
      decision: 'approved',
      usage: usage(2e6, 0),
      remaining: { collectFen: null, totalFen: null },
    });
  });

  it('declines everything for an account that is not authenticated', () => {
    expect(decide({ tier: 'none', direction: 'pay', amountFen: 1 })).toEqual({
      decision: 'declined',
      reason: 'not_authenticated',
      usage: NO_USAGE,
      remaining: { collectFen: 0, totalFen: 0 },
    });
  });

  it('approves exactly as many equal collections as the limit holds', () => {
    let current: MonthUsage = NO_USAGE;
    let approved = 0;
    for (let i = 0; i < 100; i++) {
      const outcome = decide({ direction: 'collect', usage: current, amountFen: yuan(300) });
      if (outcome.decision === 'approved') approved++;
      current = outcome.usage;
    }
    expect(approved).toBe(66);
    expect(current.collectedFen).toBe(yuan(19_800));
  });

  it('refuses an amount that is not a positive whole number of fen (a bug upstream)', () => {
    expect(() => decide({ direction: 'pay', amountFen: 0 })).toThrow(RangeError);
    expect(() => decide({ direction: 'pay', amountFen: 1.5 })).toThrow(RangeError);
  });
});
