import type { AllowanceMonth } from './limits.decider';
import type { Allowance, DeclineReason, Direction, MonthUsage, Tier } from './limits';
import type { LimitAuthorized, LimitsEvent } from './limits.events';
import type { Month } from './month';

// What an allowance's events cause besides themselves, decided here as data and applied
// in the transaction that appends them: the decision kept under its reference (when it
// answers the reference for good), and the usage that reads of the allowance must see
// at once.

/** A decision as kept under its reference, to answer a repeat of the reference. */
export interface DecidedAuthorization {
  reference: string;
  accountId: string;
  holderAccountId: string;
  month: Month;
  direction: Direction;
  amountFen: number;
  tier: Tier;
  decision: 'approved' | 'declined';
  reason: DeclineReason | null;
  remaining: Allowance;
  decidedAt: string;
}

/** An allowance's month-to-date usage as one of its approvals leaves it. */
export interface AllowanceUsage extends MonthUsage {
  holderAccountId: string;
  month: Month;
  /** The version of that approval in its stream: an older one never overwrites it. */
  streamVersion: number;
  updatedAt: string;
}

export interface LimitsEffects {
  /**
   * Each decision, by the index of its event (whose id it keeps), and whether it is kept
   * under its reference (`settlesReference`). A reference may come back for another
   * account or month, hence another stream: only this record, one per reference across
   * all streams, finds it.
   */
  decisions: { eventIndex: number; decision: DecidedAuthorization; settles: boolean }[];
  /** The usage after the last approval, if any: the month's usage reads are exact. */
  usage: AllowanceUsage[];
}

export function limitsEffectsOf(
  before: AllowanceMonth,
  events: readonly LimitsEvent[],
): LimitsEffects {
  const approvals = events.flatMap((event, index) =>
    event.type === 'LimitAuthorized' ? [usageAfter(event.data, before.version + index + 1)] : [],
  );
  return {
    decisions: events.map((event, eventIndex) => {
      const decision = decisionOf(event);
      return { eventIndex, decision, settles: settlesReference(decision) };
    }),
    usage: approvals.slice(-1),
  };
}

/**
 * Whether a decision answers its reference for good, so that a repeat of the reference
 * is answered with it. An approval is (it counts against the allowance once), and so is
 * a decline for the limit (the payment did not fit the allowance it was asked against).
 * A decline because the account is not authenticated is not: the account may be
 * authenticated a moment later, and the same payment asked again is decided again, on
 * the tier it has then.
 */
export function settlesReference(decision: Pick<DecidedAuthorization, 'reason'>): boolean {
  return decision.reason !== 'not_authenticated';
}

/** The usage an approval leaves: the month-to-date totals it carries. */
export function usageAfter(
  approval: LimitAuthorized['data'],
  streamVersion: number,
): AllowanceUsage {
  return {
    holderAccountId: approval.holderAccountId,
    month: approval.month,
    collectedFen: approval.usage.collectedFen,
    paidFen: approval.usage.paidFen,
    streamVersion,
    updatedAt: approval.at,
  };
}

function decisionOf(event: LimitsEvent): DecidedAuthorization {
  const { reference, accountId, holderAccountId, month, direction, amountFen, tier } = event.data;
  return {
    reference,
    accountId,
    holderAccountId,
    month,
    direction,
    amountFen,
    tier,
    decision: event.type === 'LimitAuthorized' ? 'approved' : 'declined',
    reason: event.type === 'LimitDeclined' ? event.data.reason : null,
    remaining: {
      collectFen: event.data.remaining.collectFen,
      totalFen: event.data.remaining.totalFen,
    },
    decidedAt: event.data.at,
  };
}
