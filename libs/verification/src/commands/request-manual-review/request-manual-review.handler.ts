import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ID_GENERATOR, type IdGenerator } from '@shiming/workflow';
import type { VerificationCommand, VerificationPolicy } from '../../domain';
import { VerificationDocuments } from '../../infrastructure/verification-documents';
import { VERIFICATION_POLICY } from '../../verification.tokens';
import type { StepAnswer } from '../status-answers';
import { UserSteps } from '../user-steps';
import { RequestManualReviewCommand } from './request-manual-review.command';

@CommandHandler(RequestManualReviewCommand)
export class RequestManualReviewHandler implements ICommandHandler<RequestManualReviewCommand> {
  constructor(
    private readonly steps: UserSteps,
    private readonly documents: VerificationDocuments,
    @Inject(VERIFICATION_POLICY) private readonly policy: VerificationPolicy,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  async execute({
    accountId,
    certificates,
    request,
  }: RequestManualReviewCommand): Promise<StepAnswer> {
    const { min, max } = this.policy.certificates;
    this.documents.assertDistinct(certificates, min, max);
    const uploads = this.documents.uploads(accountId, certificates);
    const { documentIds } = uploads;
    const caseId = this.ids.newId();
    return this.steps.take(
      accountId,
      'request-manual-review',
      (state): VerificationCommand => {
        const at = this.steps.now();
        return state.status === 'manual_review_pending'
          ? { type: 'ProvideReupload', data: { at, documentIds } }
          : { type: 'RequestManualReview', data: { at, caseId, documentIds } };
      },
      request,
      uploads.extras(),
    );
  }
}
