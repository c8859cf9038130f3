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
import { VerificationCases, type CaseOutcome } from '@shiming/verification';
import {
  timerChanges,
  type CaseCommand,
  type CaseDecider,
  type CaseEvent,
  type CaseState,
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
 * Runs one command on a case's stream and writes, in the same transaction: the case's
 * timers (SLA, claim lapse), and a decision's effect on the user's verification process.
 * A decision the user's process refuses rolls the whole transaction back.
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

  /** The command for the runner, with the writes that go with its events. */
  private request(
    caseId: string,
    command: CaseCommand,
    ctx: CommandContext,
    written: { scheduled: TimerJobRef[] },
  ): RunCommand<CaseState, CaseCommand, CaseEvent> {
    const streamId = caseStreamId(caseId);
    return {
      streamId,
      decider: this.decider,
      command,
      commandId: ctx.commandId,
      metadata: eventMetadata(ctx),
      ...(ctx.transaction ? { transaction: ctx.transaction } : {}),
      withEvents: async (tx, events, after, before) => {
        written.scheduled = [
          ...(await this.applyTimers(tx, streamId, before, after, ctx.commandId)),
          ...(await this.informProcess(tx, after, events, ctx)),
        ];
      },
    };
  }

  private applyTimers(
    tx: EntityManager,
    streamId: string,
    before: CaseState,
    after: CaseState,
    commandId: string,
  ): Promise<TimerJobRef[]> {
    return this.scheduler.apply(tx, streamId, timerChanges(before, after), commandId);
  }

  /** A decision or a re-upload request goes to the user's process in this transaction. */
  private async informProcess(
    tx: EntityManager,
    state: CaseState,
    events: CaseEvent[],
    ctx: CommandContext,
  ): Promise<TimerJobRef[]> {
    if (state.status === 'none') return [];
    const scheduled: TimerJobRef[] = [];
    for (const event of events) {
      const outcome = processOutcome(event);
      if (!outcome) continue;
      const applied = await this.verification.apply(
        tx,
        state.accountId,
        state.kind,
        state.caseId,
        outcome,
        {
          at: event.data.at,
          actor: ctx.actor,
          correlationId: ctx.correlationId,
          ...(ctx.requestId ? { requestId: ctx.requestId } : {}),
          commandId: `${ctx.commandId}|process`,
        },
      );
      scheduled.push(...applied.scheduled);
    }
    return scheduled;
  }
}

function caseOutcome(
  outcome: CommandOutcome<CaseState, CaseEvent>,
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

function processOutcome(event: CaseEvent): CaseOutcome | null {
  switch (event.type) {
    case 'DocumentsRequested':
      return {
        outcome: 'reupload_requested',
        documentKind: event.data.documentKind,
        userMessage: event.data.userMessage,
      };
    case 'CaseDecided':
      return decidedOutcome(event.data);
    default:
      return null;
  }
}

function decidedOutcome(decided: Extract<CaseEvent, { type: 'CaseDecided' }>['data']): CaseOutcome {
  const { outcome, reasonCode = '', userMessage = '', final = false } = decided;
  switch (outcome) {
    case 'approved':
    case 'upheld':
      return { outcome };
    case 'rejected':
      return { outcome, reasonCode, userMessage, final };
    case 'denied':
      return { outcome, reasonCode, userMessage };
  }
}
