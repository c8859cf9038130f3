import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { VerificationDocuments } from '../../infrastructure/verification-documents';
import type { StepAnswer } from '../status-answers';
import { UserSteps } from '../user-steps';
import { SubmitIdDocumentsCommand } from './submit-id-documents.command';

@CommandHandler(SubmitIdDocumentsCommand)
export class SubmitIdDocumentsHandler implements ICommandHandler<SubmitIdDocumentsCommand> {
  constructor(
    private readonly steps: UserSteps,
    private readonly documents: VerificationDocuments,
  ) {}

  async execute({
    accountId,
    front,
    back,
    request,
  }: SubmitIdDocumentsCommand): Promise<StepAnswer> {
    this.documents.assertTwoSides(front, back);
    const uploads = this.documents.uploads(accountId, [front, back]);
    const [frontId, backId] = uploads.documentIds;
    return this.steps.take(
      accountId,
      'submit-id-documents',
      { type: 'SubmitIdDocuments', data: { at: this.steps.now(), frontId, backId } },
      request,
      uploads.extras(),
    );
  }
}
