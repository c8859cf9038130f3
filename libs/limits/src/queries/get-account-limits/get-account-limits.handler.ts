import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { CLOCK, type Clock } from '@shiming/workflow';
import {
  allowanceHolder,
  effectiveTier,
  monthEnd,
  monthlyLimits,
  monthOf,
  NO_USAGE,
  remainingAllowance,
  type LimitsPolicy,
} from '../../domain';
import { AccountTiers } from '../../infrastructure/account-tiers';
import { LimitsRepository } from '../../infrastructure/limits.repository';
import { LIMITS_POLICY } from '../../limits.tokens';
import { AccountLimitsView, GetAccountLimitsQuery } from './get-account-limits.query';

/**
 * Reads the tier (from the account's verification stream, as its holder was told it) and
 * the month's usage (exact: written with each authorization). An account never seen has
 * tier none and nothing used.
 */
@QueryHandler(GetAccountLimitsQuery)
export class GetAccountLimitsHandler implements IQueryHandler<GetAccountLimitsQuery> {
  constructor(
    private readonly repository: LimitsRepository,
    private readonly tiers: AccountTiers,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LIMITS_POLICY) private readonly policy: LimitsPolicy,
  ) {}

  async execute({ accountId }: GetAccountLimitsQuery): Promise<AccountLimitsView> {
    const month = monthOf(this.clock.now());
    const account = await this.tiers.find(accountId);
    const record = account?.record ?? null;
    const tier = effectiveTier(record, { tier: account?.mainTier ?? 'none' });
    const holder = allowanceHolder(accountId, record);
    const row = await this.repository.findUsage(holder, month);
    const usage = row ? { collectedFen: row.collectedFen, paidFen: row.paidFen } : { ...NO_USAGE };
    const limits = monthlyLimits(tier, this.policy);
    return {
      accountId,
      tier,
      month,
      resetsAt: monthEnd(month).toISOString(),
      usage,
      limits:
        limits.collectFen === null || limits.totalFen === null
          ? null
          : { collectFen: limits.collectFen, totalFen: limits.totalFen },
      remaining: remainingAllowance(tier, usage, this.policy),
      ...(record?.mainAccountId ? { mainAccountId: record.mainAccountId } : {}),
    };
  }
}
