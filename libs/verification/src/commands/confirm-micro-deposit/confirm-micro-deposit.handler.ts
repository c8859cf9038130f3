import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { PersonalData } from '../../infrastructure/personal-data';
import type { StepAnswer } from '../status-answers';
import { UserSteps } from '../user-steps';
import { ConfirmMicroDepositCommand } from './confirm-micro-deposit.command';

@CommandHandler(ConfirmMicroDepositCommand)
export class ConfirmMicroDepositHandler implements ICommandHandler<ConfirmMicroDepositCommand> {
  constructor(
    private readonly steps: UserSteps,
    private readonly personalData: PersonalData,
  ) {}

  execute({ accountId, amountFen, request }: ConfirmMicroDepositCommand): Promise<StepAnswer> {
    return this.steps.take(
      accountId,
      'confirm-micro-deposit',
      {
        type: 'ConfirmMicroDeposit',
        data: {
          at: this.steps.now(),
          amountHash: this.personalData.depositAmountHash(amountFen),
        },
      },
      request,
    );
  }
}
