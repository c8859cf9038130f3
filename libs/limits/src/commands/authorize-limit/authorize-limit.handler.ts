import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { currentCorrelationId } from '@shiming/common';
import { CLOCK, ID_GENERATOR, type Clock, type IdGenerator } from '@shiming/workflow';
import {
  assertSameRequest,
  authorizeLimit,
  parseYuanAmount,
  settlesItsReference,
  type LimitsPolicy,
  type ReferencedRequest,
} from '../../domain';
import { AccountTiers } from '../../infrastructure/account-tiers';
import { LimitsCommandExecutor } from '../../infrastructure/limits-command.executor';
import { LimitsRepository, type AuthorizationRecord } from '../../infrastructure/limits.repository';
import { LIMITS_POLICY } from '../../limits.tokens';
import { AuthorizeLimitCommand, type AuthorizationResult } from './authorize-limit.command';

/**
 * The command id of the authorization with this reference: the event's id derives from
 * it, so a repeat that reaches the same stream appends nothing. A decision that will not
 * settle the reference gets an id of its own (`attempt`): the reference is decided again
 * when it comes back.
 */
export function authorizationCommandId(reference: string, attempt?: string): string {
  return attempt ? `authorize-limit:${reference}:${attempt}` : `authorize-limit:${reference}`;
}

/**
 * Answers a reference settled before with that decision; otherwise decides it on the
 * allowance it counts against this month, as the account's tier stands now (read from
 * its verification stream: the tier the account holder was told).
 */
@CommandHandler(AuthorizeLimitCommand)
export class AuthorizeLimitHandler implements ICommandHandler<AuthorizeLimitCommand> {
  constructor(
    private readonly executor: LimitsCommandExecutor,
    private readonly repository: LimitsRepository,
    private readonly tiers: AccountTiers,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LIMITS_POLICY) private readonly policy: LimitsPolicy,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  async execute(command: AuthorizeLimitCommand): Promise<AuthorizationResult> {
    const request: ReferencedRequest = {
      reference: command.reference,
      accountId: command.accountId,
      direction: command.direction,
      amountFen: parseYuanAmount(command.amount, this.policy.maxAmountFen),
    };
    const earlier = await this.repository.findAuthorization(request.reference);
    if (!earlier) {
      const account = await this.tiers.find(request.accountId);
      const authorize = authorizeLimit(request, account, this.clock.now());
      const recorded = await this.executor.authorize(authorize, {
        actor: { type: 'service', id: command.callerId },
        correlationId: currentCorrelationId() ?? this.ids.newId(),
        commandId: authorizationCommandId(
          request.reference,
          settlesItsReference(authorize) ? undefined : this.ids.newId(),
        ),
      });
      if (recorded) return resultOf(recorded, false);
    }
    // Decided before, or by a request with the same reference that came first.
    const first = earlier ?? (await this.repository.findAuthorization(request.reference));
    if (!first) throw new Error(`Authorization ${request.reference} decided without its record`);
    assertSameRequest(first, request);
    return resultOf(first, true);
  }
}

function resultOf(record: AuthorizationRecord, replayed: boolean): AuthorizationResult {
  return {
    authorizationId: record.eventId,
    reference: record.reference,
    accountId: record.accountId,
    decision: record.decision,
    ...(record.reason ? { reason: record.reason } : {}),
    tier: record.tier,
    month: record.month,
    remaining: record.remaining,
    replayed,
  };
}
