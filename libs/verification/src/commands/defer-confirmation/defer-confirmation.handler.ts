import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { StepAnswer } from '../status-answers';
import { UserSteps } from '../user-steps';
import { DeferConfirmationCommand } from './defer-confirmation.command';

@CommandHandler(DeferConfirmationCommand)
export class DeferConfirmationHandler implements ICommandHandler<DeferConfirmationCommand> {
  constructor(private readonly steps: UserSteps) {}

  execute({ accountId, request }: DeferConfirmationCommand): Promise<StepAnswer> {
    return this.steps.take(
      accountId,
      'defer-confirmation',
      { type: 'DeferConfirmation', data: { at: this.steps.now() } },
      request,
    );
  }
}
