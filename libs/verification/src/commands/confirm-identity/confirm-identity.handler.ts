import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { StepAnswer } from '../status-answers';
import { UserSteps } from '../user-steps';
import { ConfirmIdentityCommand } from './confirm-identity.command';

@CommandHandler(ConfirmIdentityCommand)
export class ConfirmIdentityHandler implements ICommandHandler<ConfirmIdentityCommand> {
  constructor(private readonly steps: UserSteps) {}

  execute({ accountId, request }: ConfirmIdentityCommand): Promise<StepAnswer> {
    return this.steps.take(
      accountId,
      'confirm-identity',
      { type: 'ConfirmIdentity', data: { at: this.steps.now() } },
      request,
    );
  }
}
