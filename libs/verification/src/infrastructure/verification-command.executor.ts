import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { eventMetadata, type LogPosition } from '@shiming/event-store';
import {
  CommandRunner,
  TimerScheduler,
  type CommandContext,
  type CommandFromState,
  type CommandOutcome,
  type RunCommand,
  type Timer,
  type TimerJobRef,
} from '@shiming/workflow';
import {
  effectsOf,
  type VerificationCommand,
  type VerificationDecider,
  type VerificationEffects,
  type VerificationEvent,
  type VerificationState,
} from '../domain';
import { VERIFICATION_DECIDER } from '../verification.tokens';
import { verificationStreamId } from '../verification.streams';
import { IdentityRegistry, IdentityRegistryConflictError } from './identity-registry.repository';
import { IdentityErasure } from './identity-erasure';
import { OutsideCallOpener, type CallSecrets } from './outside-call.opener';
import type { OutsideCall } from './outside-calls.repository';
import { VerificationReadModels } from './verification-read-models';

export type { CallSecrets } from './outside-call.opener';

/** A command's context, with what a user step adds to it. */
export interface StepContext extends CommandContext {
  secrets?: CallSecrets;
  /**
   * The step's own writes that must commit with its events and only if the command was
   * taken (the documents it uploads), given the state it was decided on. Not run for a
   * repeat of a command already stored.
   */
  withEvents?: (tx: EntityManager, before: VerificationState) => Promise<void>;
  /**
   * The caller makes the outside calls at once (a request's fast path): they are opened
   * in its hands for this lease, and come back in `StepOutcome.claimedCalls`.
   */
  claimCallsFor?: number;
  /** The command asks an outside party on the strength of the state: read it first. */
  readFirst?: boolean;
}

export interface StepOutcome {
  accountId: string;
  before: VerificationState;
  state: VerificationState;
  /** The stream's version after the command. */
  version: number;
  events: VerificationEvent[];
  /** The ids the new events were stored under (empty when none were appended). */
  eventIds: string[];
  /** Null when the command decided nothing, or was a repeat of one already stored. */
  position: LogPosition | null;
  /** Outside calls the new events asked for, to make now (the fast path). */
  calls: string[];
  /** Those of `calls` opened in the caller's hands (`StepContext.claimCallsFor`). */
  claimedCalls: OutsideCall[];
  /** Timers scheduled; enqueued here unless the command ran in the caller's transaction. */
  scheduled: TimerJobRef[];
}

/** A command, or one made from the state the runner reads (in its transaction). */
export type CommandSource =
  VerificationCommand | CommandFromState<VerificationState, VerificationCommand>;

// A command that records an identity's holder competes with other accounts for it.
const REGISTRY_ATTEMPTS = 5;

/**
 * Runs one command on an account's stream through the command runner, and applies in
 * the same transaction what its events cause (`effectsOf`, decided in the domain): the
 * step's own writes, the identity registry, erasures, timers and outside calls; then,
 * still in that transaction, the read models written from the state it left.
 */
@Injectable()
export class VerificationCommandExecutor {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly runner: CommandRunner,
    @Inject(VERIFICATION_DECIDER) private readonly decider: VerificationDecider,
    private readonly scheduler: TimerScheduler,
    private readonly registry: IdentityRegistry,
    private readonly calls: OutsideCallOpener,
    private readonly erasure: IdentityErasure,
    private readonly readModels: VerificationReadModels,
  ) {}

  /**
   * `command` may be made from the state the runner reads: it is made again on every
   * attempt, also when the identity registry changed under the command (it decides with
   * what it reads, such as who holds an identity).
   */
  async execute(accountId: string, command: CommandSource, ctx: StepContext): Promise<StepOutcome> {
    // In a caller's transaction a conflict must roll back everything: the caller retries.
    const attempts = ctx.transaction ? 1 : REGISTRY_ATTEMPTS;
    for (let attempt = 1; ; attempt++) {
      try {
        const outcome = await this.once(accountId, command, ctx);
        if (!ctx.transaction) await this.scheduler.enqueue(outcome.scheduled);
        return outcome;
      } catch (error) {
        if (!(error instanceof IdentityRegistryConflictError) || attempt >= attempts) throw error;
      }
    }
  }

  /**
   * Runs commands on many accounts inside the caller's transaction `tx`, reading and
   * appending for all of them at once (`CommandRunner.runMany`): a batch of timers
   * firing. Outcomes come in the order of `steps`; timers are left to the caller.
   */
  async executeMany(
    steps: readonly { accountId: string; command: VerificationCommand; ctx: StepContext }[],
    tx: EntityManager,
  ): Promise<StepOutcome[]> {
    const written = steps.map(() => ({
      calls: [] as string[],
      claimedCalls: [] as OutsideCall[],
      scheduled: [] as Timer[],
      eventIds: [] as string[],
    }));
    const outcomes = await this.runner.runMany(
      steps.map((step, i) =>
        this.request(step.accountId, step.command, { ...step.ctx, transaction: tx }, written[i]),
      ),
      tx,
    );
    const results = outcomes.map((outcome, i) =>
      stepOutcome(steps[i].accountId, outcome, written[i]),
    );
    await this.readModels.apply(tx, results);
    return results;
  }

  private async once(
    accountId: string,
    command: CommandSource,
    ctx: StepContext,
  ): Promise<StepOutcome> {
    // The read models are written in the command's transaction: the status document by
    // the append's own statement, the rest (which needs the log position) after it.
    const inTransaction = async (tx: EntityManager): Promise<StepOutcome> => {
      const written: Written = { calls: [], claimedCalls: [], scheduled: [], eventIds: [] };
      const outcome = await this.runner.run({
        ...this.request(accountId, command, { ...ctx, transaction: tx }, written),
        // The status document travels with the append: one round trip for both.
        alongside: this.readModels.statusWithAppend(accountId),
      });
      const result = stepOutcome(accountId, outcome, written);
      await this.readModels.apply(tx, [{ ...result, statusWritten: !!outcome.alongsideWritten }]);
      return result;
    };
    return ctx.transaction
      ? inTransaction(ctx.transaction)
      : this.dataSource.transaction(inTransaction);
  }

  /** The command for the runner, with its effects; notes what applying them did. */
  private request(
    accountId: string,
    command: CommandSource,
    ctx: StepContext,
    written: Written,
  ): RunCommand<VerificationState, VerificationCommand, VerificationEvent, VerificationEffects> {
    const streamId = verificationStreamId(accountId);
    const metadata = eventMetadata(ctx);
    return {
      streamId,
      decider: this.decider,
      command,
      commandId: ctx.commandId,
      metadata,
      ...(ctx.readFirst ? { readFirst: true } : {}),
      ...(ctx.transaction ? { transaction: ctx.transaction } : {}),
      effects: {
        of: (before, events) => effectsOf(accountId, before, events),
        apply: async (tx, effects, { eventIds, before, after }) => {
          written.eventIds = eventIds;
          await ctx.withEvents?.(tx, before);
          await this.registry.applyChanges(tx, effects.registry, ctx.commandId, metadata);
          for (const { subjectId } of effects.erasures) {
            await this.erasure.erase(tx, { accountId, subjectId });
          }
          written.scheduled = await this.scheduler.apply(
            tx,
            streamId,
            effects.timers,
            ctx.commandId,
          );
          const opened = await this.calls.open(
            tx,
            accountId,
            effects.calls,
            { eventIds, state: after, secrets: ctx.secrets ?? {} },
            ctx.claimCallsFor,
          );
          written.calls = opened.callIds;
          written.claimedCalls = opened.claimed;
        },
      },
    };
  }
}

/** What a command's side writes did: outside calls opened, timers scheduled. */
interface Written {
  calls: string[];
  claimedCalls: OutsideCall[];
  scheduled: Timer[];
  eventIds: string[];
}

function stepOutcome(
  accountId: string,
  outcome: CommandOutcome<VerificationState, VerificationEvent, VerificationEffects>,
  written: Written,
): StepOutcome {
  const repeated = outcome.append?.duplicate ?? false;
  return {
    accountId,
    before: outcome.before,
    state: outcome.state,
    events: outcome.events,
    version: outcome.version,
    eventIds: repeated ? [] : written.eventIds,
    position: outcome.append && !repeated ? outcome.append.position : null,
    calls: repeated ? [] : written.calls,
    claimedCalls: repeated ? [] : written.claimedCalls,
    scheduled: repeated ? [] : written.scheduled,
  };
}
