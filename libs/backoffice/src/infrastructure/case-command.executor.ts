import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { eventMetadata, type LogPosition } from '@shiming/event-store';
import {
  CommandRunner,
  TimerScheduler,
  type CommandContext,
  type CommandOutcome,
  type RunCommand,
  type TimerJobRef,
} from '@shiming/workflow';
import { VerificationCases } from '@shiming/verification';
import {
  caseEffectsOf,
  type CaseCommand,
  type CaseDecider,
  type CaseEffects,
  type CaseEvent,
  type CaseState,
  type ProcessMessage,
} from '../domain';
import { caseStreamId } from '../backoffice.streams';
import { CASE_DECIDER } from '../backoffice.tokens';

export interface CaseOutcomeOf {
  state: CaseState;
  /** The case stream's version after the command. */
  version: number;
  events: CaseEvent[];
  /** Null when nothing was appended (nothing to do, or a repeated command). */
  position: LogPosition | null;
  /** Timers scheduled; enqueued here unless the command ran in the caller's transaction. */
  scheduled: TimerJobRef[];
}

/**
 * Runs one command on a case's stream, and applies in the same transaction what its
 * events cause (`caseEffectsOf`, decided in the domain): the case's timers (SLA, claim
 * lapse), and a decision's message to the user's verification process. A decision the
 * user's process refuses rolls the whole transaction back.
 */
@Injectable()
export class CaseCommandExecutor {
  constructor(
    private readonly runner: CommandRunner,
    @Inject(CASE_DECIDER) private readonly decider: CaseDecider,
    private readonly scheduler: TimerScheduler,
    private readonly verification: VerificationCases,
  ) {}

  async execute(caseId: string, command: CaseCommand, ctx: CommandContext): Promise<CaseOutcomeOf> {
    const written = { scheduled: [] as TimerJobRef[] };
    const outcome = await this.runner.run(this.request(caseId, command, ctx, written));
    const result = caseOutcome(outcome, written);
    if (!ctx.transaction && result.scheduled.length) await this.scheduler.enqueue(result.scheduled);
    return result;
  }

  /**
   * Runs commands on many cases inside the caller's transaction `tx`, reading and
   * appending for all of them at once (`CommandRunner.runMany`): a batch of timers
   * firing. Outcomes come in the order of `steps`; timers are left to the caller.
   */
  async executeMany(
    steps: readonly { caseId: string; command: CaseCommand; ctx: CommandContext }[],
    tx: EntityManager,
  ): Promise<CaseOutcomeOf[]> {
    const written = steps.map(() => ({ scheduled: [] as TimerJobRef[] }));
    const outcomes = await this.runner.runMany(
      steps.map((step, i) =>
        this.request(step.caseId, step.command, { ...step.ctx, transaction: tx }, written[i]),
      ),
      tx,
    );
    return outcomes.map((outcome, i) => caseOutcome(outcome, written[i]));
  }

  /** The command for the runner, with its effects; notes the timers they armed. */
  private request(
    caseId: string,
    command: CaseCommand,
    ctx: CommandContext,
    written: { scheduled: TimerJobRef[] },
  ): RunCommand<CaseState, CaseCommand, CaseEvent, CaseEffects> {
    const streamId = caseStreamId(caseId);
    return {
      streamId,
      decider: this.decider,
      command,
      commandId: ctx.commandId,
      metadata: eventMetadata(ctx),
      ...(ctx.transaction ? { transaction: ctx.transaction } : {}),
      effects: {
        of: caseEffectsOf,
        apply: async (tx, effects) => {
          written.scheduled = [
            ...(await this.scheduler.apply(tx, streamId, effects.timers, ctx.commandId)),
            ...(await this.informProcess(tx, effects.messages, ctx)),
          ];
        },
      },
    };
  }

  /** A decision or a re-upload request goes to the user's process in this transaction. */
  private async informProcess(
    tx: EntityManager,
    messages: readonly ProcessMessage[],
    ctx: CommandContext,
  ): Promise<TimerJobRef[]> {
    const scheduled: TimerJobRef[] = [];
    for (const { accountId, kind, caseId, at, decision } of messages) {
      const applied = await this.verification.apply(tx, accountId, kind, caseId, decision, {
        at,
        actor: ctx.actor,
        correlationId: ctx.correlationId,
        ...(ctx.requestId ? { requestId: ctx.requestId } : {}),
        commandId: `${ctx.commandId}|process`,
      });
      scheduled.push(...applied.scheduled);
    }
    return scheduled;
  }
}

function caseOutcome(
  outcome: CommandOutcome<CaseState, CaseEvent, CaseEffects>,
  written: { scheduled: TimerJobRef[] },
): CaseOutcomeOf {
  const appended = outcome.append && !outcome.append.duplicate ? outcome.append : null;
  return {
    state: outcome.state,
    version: outcome.version,
    events: outcome.events,
    position: appended?.position ?? null,
    scheduled: appended ? written.scheduled : [],
  };
}
