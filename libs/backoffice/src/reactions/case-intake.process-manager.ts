import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Projection, RecordedEvent } from '@shiming/event-store';
import { TimerScheduler } from '@shiming/workflow';
import {
  accountIdOfStream,
  VerificationCases,
  type VerificationEvent,
} from '@shiming/verification';
import type { CaseCommand } from '../domain';
import { CaseCommandExecutor } from '../infrastructure/case-command.executor';

/**
 * Opens a case when a user asks for a manual review or files an appeal, and adds the
 * documents they upload later. Reads the log, so no request is lost between the user's
 * commit and the case; each command runs in this batch's transaction with ids derived
 * from the event's, so it happens exactly once.
 */
@Injectable()
export class CaseIntakeProcessManager implements Projection {
  static readonly NAME = 'backoffice-case-intake';
  readonly name = CaseIntakeProcessManager.NAME;
  readonly eventTypes = [
    'ManualReviewRequested',
    'AppealFiled',
    'ReuploadProvided',
    'AppealDeadlineConfirmed',
  ];

  constructor(
    private readonly executor: CaseCommandExecutor,
    private readonly verification: VerificationCases,
    private readonly scheduler: TimerScheduler,
  ) {}

  async apply(events: RecordedEvent[], tx: EntityManager): Promise<void> {
    for (const event of events) {
      const accountId = accountIdOfStream(event.streamId);
      if (!accountId) continue;
      const intake = await this.commandFor(
        accountId,
        { type: event.type, data: event.data } as VerificationEvent,
        tx,
      );
      if (!intake) continue;
      const outcome = await this.executor.execute(intake.caseId, intake.command, {
        actor: { type: 'system', id: CaseIntakeProcessManager.NAME },
        correlationId: event.metadata.correlationId,
        causationId: event.eventId,
        commandId: `intake:${event.eventId}`,
        transaction: tx,
      });
      // The case's SLA timers.
      this.scheduler.enqueueAfterCommit(tx, outcome.scheduled);
    }
  }

  private async commandFor(
    accountId: string,
    event: VerificationEvent,
    tx: EntityManager,
  ): Promise<{ caseId: string; command: CaseCommand } | null> {
    switch (event.type) {
      case 'ManualReviewRequested':
      case 'AppealFiled': {
        const { at, caseId, documentIds, dueAt } = event.data;
        const kind = event.type === 'AppealFiled' ? 'appeal' : 'manual_review';
        const holderAccountId =
          kind === 'appeal'
            ? (await this.verification.subject(accountId, tx)).holderAccountId
            : null;
        const provisional = event.type === 'AppealFiled' && event.data.provisional;
        return {
          caseId,
          command: {
            type: 'OpenCase',
            data: {
              at,
              caseId,
              kind,
              accountId,
              holderAccountId,
              documentIds,
              dueAt,
              ...(provisional ? { provisional } : {}),
            },
          },
        };
      }
      case 'AppealDeadlineConfirmed': {
        const { at, caseId, dueAt, provisionalDueAt } = event.data;
        const shiftMs = Date.parse(dueAt) - Date.parse(provisionalDueAt);
        return { caseId, command: { type: 'ConfirmDeadline', data: { at, dueAt, shiftMs } } };
      }
      case 'ReuploadProvided': {
        const { at, caseId, documentIds, dueAt } = event.data;
        return {
          caseId,
          command: { type: 'AddDocuments', data: { at, documentIds, ...(dueAt ? { dueAt } : {}) } },
        };
      }
      default:
        return null;
    }
  }
}
