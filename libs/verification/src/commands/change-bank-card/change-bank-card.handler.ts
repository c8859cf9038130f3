import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { StepAnswer } from '../status-answers';
import { UserSteps } from '../user-steps';
import { ChangeBankCardCommand } from './change-bank-card.command';

@CommandHandler(ChangeBankCardCommand)
export class ChangeBankCardHandler implements ICommandHandler<ChangeBankCardCommand> {
  constructor(private readonly steps: UserSteps) {}

  execute({ accountId, request }: ChangeBankCardCommand): Promise<StepAnswer> {
    return this.steps.take(
      accountId,
      'change-bank-card',
      { type: 'ChangeBankCard', data: { at: this.steps.now() } },
      request,
    );
  }
}
