import type { DeclineReason, Direction, Tier } from './limits';
import type { Month } from './month';

// One stream per allowance and month, `limits-<holderAccountId>-<YYYY-MM>`: every
// authorization asked of it is an event, approved or declined. Each event carries the
// month-to-date usage after it, so a decision needs only the stream's last event.

interface AuthorizationFacts {
  /** The caller's reference; the event id derives from it. */
  reference: string;
  /** The account the payment is for. */
  accountId: string;
  /** The account whose allowance counts it: the main account of an associated one. */
  holderAccountId: string;
  direction: Direction;
  amountFen: number;
  month: Month;
  /** The tier the decision was made with. */
  tier: Tier;
  /** Month-to-date usage of the holder after this event, in fen. */
  usage: { collectedFen: number; paidFen: number };
  /** What remained after this event, in fen; null = unlimited. */
  remaining: { collectFen: number | null; totalFen: number | null };
  at: string;
}

export interface LimitAuthorized {
  type: 'LimitAuthorized';
  data: AuthorizationFacts;
}

export interface LimitDeclined {
  type: 'LimitDeclined';
  data: AuthorizationFacts & { reason: DeclineReason };
}

export type LimitsEvent = LimitAuthorized | LimitDeclined;

export type LimitsEventType = LimitsEvent['type'];

export const LIMITS_EVENT_SCHEMA_VERSIONS: { [T in LimitsEventType]: number } = {
  LimitAuthorized: 1,
  LimitDeclined: 1,
};

/** Shaped like the event store's `EventTypeDefinition`, to register every type at boot. */
export const LIMITS_EVENT_DEFINITIONS = (
  Object.keys(LIMITS_EVENT_SCHEMA_VERSIONS) as LimitsEventType[]
).map((type) => ({ type, schemaVersion: LIMITS_EVENT_SCHEMA_VERSIONS[type] }));

export const LIMITS_STREAM_PREFIX = 'limits-';

/** The stream of one allowance's month. */
export function limitsStreamId(holderAccountId: string, month: Month): string {
  return `${LIMITS_STREAM_PREFIX}${holderAccountId}-${month}`;
}
