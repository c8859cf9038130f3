import { Query } from '@nestjs/cqrs';
import type { Allowance, Month, MonthUsage, Tier } from '../../domain';

/** An account's tier and this month's usage, in fen. */
export interface AccountLimitsView {
  accountId: string;
  tier: Tier;
  month: Month;
  /** When this month's usage stops counting (the next month starts in Shanghai). */
  resetsAt: string;
  /** Approved this month, of the allowance this account counts against. */
  usage: MonthUsage;
  /** The tier's monthly limits; null when unlimited (full tier). */
  limits: { collectFen: number; totalFen: number } | null;
  remaining: Allowance;
  /** For an associated account: the main account whose tier and allowance it shares. */
  mainAccountId?: string;
}

export class GetAccountLimitsQuery extends Query<AccountLimitsView> {
  constructor(readonly accountId: string) {
    super();
  }
}
