import type { Tier } from '@shiming/verification';
import type { LimitsPolicy } from './limits.policy';
import { addFen } from './money';

export type { Tier };

/** Money received (`collect`) or sent (`pay`) by the account. */
export type Direction = 'collect' | 'pay';

export const DIRECTIONS: readonly Direction[] = ['collect', 'pay'];

export type DeclineReason = 'limit_exceeded' | 'not_authenticated';

/** Month-to-date amounts approved, in fen. */
export interface MonthUsage {
  readonly collectedFen: number;
  readonly paidFen: number;
}

export const NO_USAGE: MonthUsage = Object.freeze({ collectedFen: 0, paidFen: 0 });

/** Amounts in fen for collections and for collections plus payments; null = unlimited. */
export interface Allowance {
  readonly collectFen: number | null;
  readonly totalFen: number | null;
}

const NOTHING: Allowance = Object.freeze({ collectFen: 0, totalFen: 0 });
const UNLIMITED: Allowance = Object.freeze({ collectFen: null, totalFen: null });

export function totalOf(usage: MonthUsage): number {
  return addFen(usage.collectedFen, usage.paidFen);
}

/** A tier's monthly limits: nothing without authentication, none at all when full. */
export function monthlyLimits(tier: Tier, policy: LimitsPolicy): Allowance {
  switch (tier) {
    case 'none':
      return NOTHING;
    case 'limited':
      return { collectFen: policy.limited.collectFen, totalFen: policy.limited.totalFen };
    case 'full':
      return UNLIMITED;
  }
}

/**
 * What may still be approved this month. `collectFen` is what a collection may still
 * be, so it is also bounded by the total: after 45,000 yuan of payments a limited
 * account may collect only 5,000 more.
 */
export function remainingAllowance(tier: Tier, usage: MonthUsage, policy: LimitsPolicy): Allowance {
  const limits = monthlyLimits(tier, policy);
  const total = limits.totalFen === null ? null : Math.max(0, limits.totalFen - totalOf(usage));
  const collectOnly =
    limits.collectFen === null ? null : Math.max(0, limits.collectFen - usage.collectedFen);
  const collect =
    collectOnly === null ? total : total === null ? collectOnly : Math.min(collectOnly, total);
  return { collectFen: collect, totalFen: total };
}

export interface AuthorizationRequest {
  tier: Tier;
  /** Approved so far this month, before this request. */
  usage: MonthUsage;
  direction: Direction;
  amountFen: number;
}

export type AuthorizationOutcome =
  | { decision: 'approved'; usage: MonthUsage; remaining: Allowance }
  | { decision: 'declined'; reason: DeclineReason; usage: MonthUsage; remaining: Allowance };

/**
 * Approves an amount that fits what remains of the month's allowance, and counts it;
 * declines anything for an account that is not authenticated. `usage` and
 * `remaining` in the outcome are those after the decision.
 */
export function decideAuthorization(
  request: AuthorizationRequest,
  policy: LimitsPolicy,
): AuthorizationOutcome {
  const { tier, usage, direction, amountFen } = request;
  if (!Number.isSafeInteger(amountFen) || amountFen <= 0) {
    throw new RangeError(`Amount must be a positive whole number of fen: ${amountFen}`);
  }
  const before = remainingAllowance(tier, usage, policy);
  if (tier === 'none') {
    return { decision: 'declined', reason: 'not_authenticated', usage, remaining: before };
  }
  const room = direction === 'collect' ? before.collectFen : before.totalFen;
  if (room !== null && amountFen > room) {
    return { decision: 'declined', reason: 'limit_exceeded', usage, remaining: before };
  }
  const after: MonthUsage =
    direction === 'collect'
      ? { collectedFen: addFen(usage.collectedFen, amountFen), paidFen: usage.paidFen }
      : { collectedFen: usage.collectedFen, paidFen: addFen(usage.paidFen, amountFen) };
  return {
    decision: 'approved',
    usage: after,
    remaining: remainingAllowance(tier, after, policy),
  };
}
