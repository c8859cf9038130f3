import { Injectable, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TimerHandlerRegistry, type DueTimer, type TimerHandlerResult } from '@shiming/workflow';
import { CaseTimerKind, type CaseCommand } from '../domain';
import { caseIdOfStream } from '../backoffice.streams';
import { CaseCommandExecutor } from '../infrastructure/case-command.executor';

const COMMANDS: Record<CaseTimerKind, CaseCommand['type']> = {
  [CaseTimerKind.Sla]: 'EscalateCase',
  [CaseTimerKind.ClaimLapse]: 'LapseClaim',
};

/**
 * A case's SLA passing escalates it; a claim without activity lapses. Each runs as the
 * case's command in the firing transaction with the firing's id, so a repeated firing
 * appends nothing twice, and a case that moved on meanwhile decides nothing.
 */
@Injectable()
export class CaseTimerHandlers implements OnModuleInit {
  constructor(
    private readonly registry: TimerHandlerRegistry,
    private readonly executor: CaseCommandExecutor,
  ) {}

  onModuleInit(): void {
    for (const kind of Object.values(CaseTimerKind)) {
      this.registry.registerBatch(kind, (timers, tx) => this.fire(timers, tx, COMMANDS[kind]));
    }
  }

  /** Timers of one kind come due together (a morning's SLAs): one batch of commands. */
  private async fire(
    timers: DueTimer[],
    tx: EntityManager,
    type: CaseCommand['type'],
  ): Promise<TimerHandlerResult> {
    const outcomes = await this.executor.executeMany(
      timers.map((timer) => {
        const caseId = caseIdOfStream(timer.streamId);
        if (!caseId) throw new Error(`Timer ${timer.timerId} is not on a case stream`);
        return {
          caseId,
          command: { type, data: { at: timer.firedAt.toISOString() } } as CaseCommand,
          ctx: {
            actor: { type: 'system', id: `timer:${timer.kind}` },
            correlationId: timer.timerId,
            commandId: timer.firingId,
            transaction: tx,
          },
        };
      }),
      tx,
    );
    return { scheduled: outcomes.flatMap((outcome) => outcome.scheduled) };
  }
}
