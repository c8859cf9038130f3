import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { eventMetadata } from '@shiming/event-store';
import { CommandRunner, type CommandContext } from '@shiming/workflow';
import { DataSource, EntityManager } from 'typeorm';
import {
  limitsEffectsOf,
  limitsStreamId,
  type AuthorizeLimit,
  type LimitsDecider,
  type LimitsEffects,
} from '../domain';
import { LIMITS_DECIDER } from '../limits.tokens';
import { lockForTransaction } from './advisory-lock';
import { LimitsRepository, type AuthorizationRecord } from './limits.repository';

/** Rolls back a decision whose reference another request recorded first. */
class ReferenceTakenError extends Error {
  constructor(reference: string) {
    super(`Authorization ${reference} was recorded by another request`);
    this.name = 'ReferenceTakenError';
  }
}

/**
 * Runs an authorization on its allowance's month stream through the command runner, and
 * applies in the same transaction what its event causes (`limitsEffectsOf`, decided in
 * the domain): the decision kept under its reference when it settles it, and the month's
 * usage.
 */
@Injectable()
export class LimitsCommandExecutor {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly runner: CommandRunner,
    @Inject(LIMITS_DECIDER) private readonly decider: LimitsDecider,
    private readonly repository: LimitsRepository,
  ) {}

  /**
   * The decision recorded, or null when another request with the same reference was
   * decided first (this one then recorded nothing): its record is the answer. Runs in a
   * transaction of its own, which holds the allowance's lock until it commits.
   */
  async authorize(
    command: AuthorizeLimit,
    ctx: Omit<CommandContext, 'transaction'>,
  ): Promise<AuthorizationRecord | null> {
    const { holderAccountId, month } = command.data;
    try {
      return await this.dataSource.transaction(async (tx) => {
        // The append at the version read is what keeps two authorizations from spending
        // the same allowance. This lock only makes concurrent ones wait their turn, instead
        // of losing the append race again and again until the runner's retries run out.
        await lockForTransaction(tx, `limits-month:${holderAccountId}:${month}`);
        const recorded: AuthorizationRecord[] = [];
        await this.runner.run({
          streamId: limitsStreamId(holderAccountId, month),
          decider: this.decider,
          command,
          commandId: ctx.commandId,
          metadata: eventMetadata(ctx),
          transaction: tx,
          effects: {
            of: limitsEffectsOf,
            apply: async (tx, effects, { eventIds }) => {
              recorded.push(...(await this.apply(tx, effects, eventIds)));
            },
          },
        });
        // Nothing recorded: the runner found this command's event stored (a repeat).
        return recorded[0] ?? null;
      });
    } catch (error) {
      // Recorded first on another stream (another account or month, the same reference).
      if (error instanceof ReferenceTakenError) return null;
      throw error;
    }
  }

  private async apply(
    tx: EntityManager,
    effects: LimitsEffects,
    eventIds: string[],
  ): Promise<AuthorizationRecord[]> {
    const recorded: AuthorizationRecord[] = [];
    for (const { eventIndex, decision, settles } of effects.decisions) {
      const record = { ...decision, eventId: eventIds[eventIndex] };
      // A decision that does not settle its reference is answered once and not kept.
      if (settles && !(await this.repository.insertAuthorization(tx, record))) {
        throw new ReferenceTakenError(record.reference);
      }
      recorded.push(record);
    }
    await this.repository.saveUsage(tx, effects.usage);
    return recorded;
  }
}
