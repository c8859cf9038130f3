import { randomUUID } from 'node:crypto';
import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { currentCorrelationId } from '@shiming/common';
import { EventStore, WrongExpectedVersionError } from '@shiming/event-store';
import { CLOCK, type Clock } from '@shiming/workflow';
import { DataSource, EntityManager } from 'typeorm';
import { v5 as uuidv5 } from 'uuid';
import {
  allowanceHolder,
  decideAuthorization,
  effectiveTier,
  limitsStreamId,
  monthOf,
  NO_USAGE,
  parseYuanAmount,
  ReferenceReusedError,
  type LimitsEvent,
  type LimitsPolicy,
  type MonthUsage,
} from '../../domain';
import { lockForTransaction } from '../../infrastructure/advisory-lock';
import { LimitsRepository, type AuthorizationRecord } from '../../infrastructure/limits.repository';
import { LIMITS_POLICY } from '../../limits.tokens';
import { usageRowOf } from '../../projections/account-limit-usage.projection';
import { AuthorizeLimitCommand, type AuthorizationResult } from './authorize-limit.command';

// A fixed namespace for authorization event ids: uuid v5 of the caller's reference.
const AUTHORIZATION_ID_NAMESPACE = '6c0f3a5e-2d4b-4f1e-9b7a-8e5d1c2f4a90';

// Under the account-month lock no other authorization writes the stream; a conflict
// means a writer that bypassed the lock, and deciding again on its event is safe.
const CONFLICT_RETRIES = 3;

/** The event id of the authorization with this reference, the same on every retry. */
export function authorizationIdFor(reference: string): string {
  return uuidv5(reference, AUTHORIZATION_ID_NAMESPACE);
}

/**
 * Decides an authorization in one transaction:
 * 1. the reference's lock, then its earlier decision if any (replayed, or
 *    `reference_reused` for another request);
 * 2. the lock of the allowance's month, so that concurrent authorizations of one
 *    account queue here instead of conflicting;
 * 3. the month's usage from the stream's last event, the decision, the event appended
 *    at the version read, and the read models written in the same transaction.
 * Locks are always taken in that order (reference, then month), so two never wait on
 * each other.
 */
@CommandHandler(AuthorizeLimitCommand)
export class AuthorizeLimitHandler implements ICommandHandler<AuthorizeLimitCommand> {
  private readonly logger = new Logger(AuthorizeLimitHandler.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly repository: LimitsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LIMITS_POLICY) private readonly policy: LimitsPolicy,
  ) {}

  async execute(command: AuthorizeLimitCommand): Promise<AuthorizationResult> {
    const amountFen = parseYuanAmount(command.amount, this.policy.maxAmountFen);
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.dataSource.transaction((tx) => this.decide(tx, command, amountFen));
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError) || attempt >= CONFLICT_RETRIES) {
          throw error;
        }
        this.logger.warn(`Authorization ${command.reference} met a concurrent writer; retrying`);
      }
    }
  }

  private async decide(
    tx: EntityManager,
    command: AuthorizeLimitCommand,
    amountFen: number,
  ): Promise<AuthorizationResult> {
    await lockForTransaction(tx, `limits-reference:${command.reference}`);
    const earlier = await this.repository.findAuthorization(tx, command.reference);
    if (earlier) return replay(earlier, command, amountFen);

    const at = this.clock.now();
    const month = monthOf(at);
    const account = await this.repository.findAccount(command.accountId, tx);
    const tier = effectiveTier(account?.record ?? null, { tier: account?.mainTier ?? 'none' });
    const holderAccountId = allowanceHolder(command.accountId, account?.record ?? null);

    await lockForTransaction(tx, `limits-month:${holderAccountId}:${month}`);
    const streamId = limitsStreamId(holderAccountId, month);
    const { version, usage } = await this.monthToDate(tx, streamId);
    const outcome = decideAuthorization(
      { tier, usage, direction: command.direction, amountFen },
      this.policy,
    );

    const eventId = authorizationIdFor(command.reference);
    const facts = {
      reference: command.reference,
      accountId: command.accountId,
      holderAccountId,
      direction: command.direction,
      amountFen,
      month,
      tier,
      usage: { collectedFen: outcome.usage.collectedFen, paidFen: outcome.usage.paidFen },
      remaining: { collectFen: outcome.remaining.collectFen, totalFen: outcome.remaining.totalFen },
      at: at.toISOString(),
    };
    const event: LimitsEvent =
      outcome.decision === 'approved'
        ? { type: 'LimitAuthorized', data: facts }
        : { type: 'LimitDeclined', data: { ...facts, reason: outcome.reason } };
    const appended = await this.store.append(
      streamId,
      version === 0 ? 'no_stream' : version,
      [{ id: eventId, type: event.type, data: event.data }],
      {
        transaction: tx,
        metadata: {
          actor: { type: 'service', id: command.callerId },
          correlationId: currentCorrelationId() ?? randomUUID(),
        },
      },
    );
    // The reference's row is written with every event, and was absent under its lock.
    if (appended.duplicate) throw new Error(`Authorization ${eventId} stored without its record`);

    const record: AuthorizationRecord = {
      reference: command.reference,
      eventId,
      accountId: command.accountId,
      holderAccountId,
      month,
      direction: command.direction,
      amountFen,
      tier,
      decision: outcome.decision,
      reason: outcome.decision === 'declined' ? outcome.reason : null,
      remaining: facts.remaining,
      decidedAt: facts.at,
    };
    await this.repository.insertAuthorization(tx, record);
    if (event.type === 'LimitAuthorized') {
      await this.repository.saveUsage(tx, [
        usageRowOf({ streamVersion: appended.nextExpectedVersion, data: event.data }),
      ]);
    }
    return resultOf(record, false);
  }

  /** The stream's version and the usage its last event leaves, read under the month's lock. */
  private async monthToDate(
    tx: EntityManager,
    streamId: string,
  ): Promise<{ version: number; usage: MonthUsage }> {
    const version = (await this.store.currentVersion(tx, streamId)) ?? 0;
    if (version === 0) return { version, usage: NO_USAGE };
    const [last] = await this.store.readStream(streamId, version, { transaction: tx, limit: 1 });
    const { usage } = last.data as LimitsEvent['data'];
    return { version, usage };
  }
}

function replay(
  earlier: AuthorizationRecord,
  command: AuthorizeLimitCommand,
  amountFen: number,
): AuthorizationResult {
  if (
    earlier.accountId !== command.accountId ||
    earlier.direction !== command.direction ||
    earlier.amountFen !== amountFen
  ) {
    throw new ReferenceReusedError();
  }
  return resultOf(earlier, true);
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
