import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ID_GENERATOR, WorkingDayCalendar, type IdGenerator } from '@shiming/workflow';
import type { VerificationCommand, VerificationPolicy } from '../../domain';
import { VerificationDocuments } from '../../infrastructure/verification-documents';
import { VERIFICATION_POLICY } from '../../verification.tokens';
import type { StepAnswer } from '../status-answers';
import { UserSteps } from '../user-steps';
import { FileAppealCommand } from './file-appeal.command';

@CommandHandler(FileAppealCommand)
export class FileAppealHandler implements ICommandHandler<FileAppealCommand> {
  constructor(
    private readonly steps: UserSteps,
    private readonly documents: VerificationDocuments,
    private readonly calendar: WorkingDayCalendar,
    @Inject(VERIFICATION_POLICY) private readonly policy: VerificationPolicy,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  async execute({ accountId, certificates, request }: FileAppealCommand): Promise<StepAnswer> {
    const { min, max } = this.policy.certificates;
    this.documents.assertDistinct(certificates, min, max);
    const uploads = this.documents.uploads(accountId, certificates);
    const { documentIds } = uploads;
    const caseId = this.ids.newId();
    return this.steps.take(
      accountId,
      'file-appeal',
      (state): VerificationCommand => {
        const at = this.steps.now();
        if (state.status === 'appeal_pending') {
          return { type: 'ProvideReupload', data: { at, documentIds } };
        }
        // Past the calendar's data the due time is provisional (or refused, when
        // provisional deadlines are off); the deadline confirmation recomputes it.
        const { dueAt, provisional } = this.calendar.workingDayDeadline(
          new Date(at),
          this.policy.appeal.slaWorkingDays,
        );
        return {
          type: 'FileAppeal',
          data: {
            at,
            caseId,
            documentIds,
            dueAt: dueAt.toISOString(),
            ...(provisional ? { provisional } : {}),
          },
        };
      },
      request,
      uploads.extras(),
    );
  }
}
