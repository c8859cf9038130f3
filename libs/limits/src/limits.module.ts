import { Module, OnModuleInit } from '@nestjs/common';
import { EventTypeRegistry, SubscriptionRegistry } from '@shiming/event-store';
import { AuthorizeLimitHandler } from './commands/authorize-limit/authorize-limit.handler';
import {
  createLimitsDecider,
  DEFAULT_LIMITS_POLICY,
  LIMITS_EVENT_DEFINITIONS,
  type LimitsPolicy,
} from './domain';
import { AccountTiers } from './infrastructure/account-tiers';
import { LimitsCommandExecutor } from './infrastructure/limits-command.executor';
import { LimitsRepository } from './infrastructure/limits.repository';
import { LIMITS_DECIDER, LIMITS_POLICY } from './limits.tokens';
import { AccountLimitUsageProjection } from './projections/account-limit-usage.projection';
import { GetAccountLimitsHandler } from './queries/get-account-limits/get-account-limits.handler';

const policy = [
  { provide: LIMITS_POLICY, useValue: DEFAULT_LIMITS_POLICY },
  {
    provide: LIMITS_DECIDER,
    inject: [LIMITS_POLICY],
    useFactory: (limitsPolicy: LimitsPolicy) => createLimitsDecider(limitsPolicy),
  },
];
const infrastructure = [LimitsRepository, AccountTiers, LimitsCommandExecutor];
const commandHandlers = [AuthorizeLimitHandler];
const queryHandlers = [GetAccountLimitsHandler];
const projections = [AccountLimitUsageProjection];

/**
 * Payment limits: each account's tier (from its verification stream) and monthly
 * usage, and the authorizations the payments system asks for. Needs the engine
 * (event store, CQRS, clock) and the database; for the api and the worker alike.
 */
@Module({
  providers: [...policy, ...infrastructure, ...commandHandlers, ...queryHandlers, ...projections],
  exports: [LIMITS_POLICY],
})
export class LimitsModule implements OnModuleInit {
  constructor(
    private readonly eventTypes: EventTypeRegistry,
    private readonly subscriptions: SubscriptionRegistry,
    private readonly usage: AccountLimitUsageProjection,
  ) {}

  onModuleInit(): void {
    this.eventTypes.register(...LIMITS_EVENT_DEFINITIONS);
    this.subscriptions.register(this.usage);
  }
}
