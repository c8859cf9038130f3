import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { StepAnswer } from '../status-answers';
import { UserSteps } from '../user-steps';
import { SkipIdDocumentsCommand } from './skip-id-documents.command';

@CommandHandler(SkipIdDocumentsCommand)
export class SkipIdDocumentsHandler implements ICommandHandler<SkipIdDocumentsCommand> {
  constructor(private readonly steps: UserSteps) {}

  execute({ accountId, request }: SkipIdDocumentsCommand): Promise<StepAnswer> {
    return this.steps.take(
      accountId,
      'skip-id-documents',
      { type: 'SkipIdDocuments', data: { at: this.steps.now() } },
      request,
    );
  }
}
