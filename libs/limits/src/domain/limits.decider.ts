import type { Decider } from '@shiming/workflow';
import { allowanceHolder, effectiveTier, type AccountTierRecord } from './account-tier';
import {
  decideAuthorization,
  NO_USAGE,
  type Direction,
  type MonthUsage,
  type Tier,
} from './limits';
import { ReferenceReusedError } from './limits.errors';
import type { LimitsEvent } from './limits.events';
import { DEFAULT_LIMITS_POLICY, type LimitsPolicy } from './limits.policy';
import { monthOf, type Month } from './month';

// One allowance's month as a decider, over its stream `limits-<holder>-<month>`: every
// authorization asked of it is decided on the usage its events leave, and recorded as
// an event, approved or declined. A decline is a fact like an approval, so deciding
// never refuses; a reference decided before is answered from its record (below), which
// spans streams: the same reference may come back for another account or month.

/** What a caller asks under a reference; a repeat of the reference must ask the same. */
export interface ReferencedRequest {
  reference: string;
  accountId: string;
  direction: Direction;
  amountFen: number;
}

/** Decide an authorization on the allowance it counts against, with the tier in force. */
export interface AuthorizeLimit {
  type: 'AuthorizeLimit';
  data: ReferencedRequest & {
    /** The account whose allowance counts it: the main account of an associated one. */
    holderAccountId: string;
    month: Month;
    tier: Tier;
    at: string;
  };
}

export type LimitsCommand = AuthorizeLimit;

/**
 * An allowance's month as its events leave it: the usage after the last one, and how
 * many there are. One shape from the first authorization to the last, so no tag.
 */
export interface AllowanceMonth {
  /** The number of events folded: the version of the last. */
  version: number;
  usage: MonthUsage;
}

export type LimitsDecider = Decider<AllowanceMonth, LimitsCommand, LimitsEvent>;

export function createLimitsDecider(policy: LimitsPolicy = DEFAULT_LIMITS_POLICY): LimitsDecider {
  return {
    initialState: initialAllowanceMonth,
    evolve: evolveAllowanceMonth,
    decide: (command, state) => decideLimits(command, state, policy),
  };
}

export function initialAllowanceMonth(): AllowanceMonth {
  return { version: 0, usage: NO_USAGE };
}

/** Each event carries the month-to-date usage after it. */
export function evolveAllowanceMonth(state: AllowanceMonth, event: LimitsEvent): AllowanceMonth {
  const { collectedFen, paidFen } = event.data.usage;
  return { version: state.version + 1, usage: { collectedFen, paidFen } };
}

export function decideLimits(
  command: LimitsCommand,
  state: AllowanceMonth,
  policy: LimitsPolicy = DEFAULT_LIMITS_POLICY,
): LimitsEvent[] {
  const { reference, accountId, holderAccountId, direction, amountFen, month, tier, at } =
    command.data;
  const outcome = decideAuthorization({ tier, usage: state.usage, direction, amountFen }, policy);
  const facts = {
    reference,
    accountId,
    holderAccountId,
    direction,
    amountFen,
    month,
    tier,
    usage: { collectedFen: outcome.usage.collectedFen, paidFen: outcome.usage.paidFen },
    remaining: { collectFen: outcome.remaining.collectFen, totalFen: outcome.remaining.totalFen },
    at,
  };
  return outcome.decision === 'approved'
    ? [{ type: 'LimitAuthorized', data: facts }]
    : [{ type: 'LimitDeclined', data: { ...facts, reason: outcome.reason } }];
}

/**
 * The command for a request, on the allowance it counts against this month: the
 * account's own, or its main account's when associated, with that account's tier.
 */
export function authorizeLimit(
  request: ReferencedRequest,
  account: { record: AccountTierRecord; mainTier: Tier | null } | null,
  at: Date,
): AuthorizeLimit {
  const record = account?.record ?? null;
  return {
    type: 'AuthorizeLimit',
    data: {
      ...request,
      holderAccountId: allowanceHolder(request.accountId, record),
      month: monthOf(at),
      tier: effectiveTier(record, { tier: account?.mainTier ?? 'none' }),
      at: at.toISOString(),
    },
  };
}

/**
 * Whether this command's decision will answer its reference for good
 * (`settlesReference`): every decision but one for an account that is not authenticated
 * (tier none), which is declined for that until it is.
 */
export function settlesItsReference(command: AuthorizeLimit): boolean {
  return command.data.tier !== 'none';
}

/**
 * A reference is decided once: a request repeating it is answered with that decision,
 * one that asks for another account, direction or amount is refused.
 */
export function assertSameRequest(decided: ReferencedRequest, request: ReferencedRequest): void {
  if (
    decided.accountId !== request.accountId ||
    decided.direction !== request.direction ||
    decided.amountFen !== request.amountFen
  ) {
    throw new ReferenceReusedError();
  }
}
