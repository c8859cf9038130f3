import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { chooseDepositAmountFen, RANDOM_SOURCE, type RandomSource } from '@shiming/integrations';
import { ID_GENERATOR, type IdGenerator } from '@shiming/workflow';
import { PersonalData } from '../../infrastructure/personal-data';
import type { StepAnswer } from '../status-answers';
import { UserSteps } from '../user-steps';
import { RequestMicroDepositCommand } from './request-micro-deposit.command';

@CommandHandler(RequestMicroDepositCommand)
export class RequestMicroDepositHandler implements ICommandHandler<RequestMicroDepositCommand> {
  constructor(
    private readonly steps: UserSteps,
    private readonly personalData: PersonalData,
    @Inject(RANDOM_SOURCE) private readonly random: RandomSource,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  execute({ accountId, request }: RequestMicroDepositCommand): Promise<StepAnswer> {
    const amountFen = chooseDepositAmountFen(this.random);
    return this.steps.take(
      accountId,
      'request-micro-deposit',
      {
        type: 'RequestMicroDeposit',
        data: {
          at: this.steps.now(),
          depositId: this.ids.newId(),
          amountHash: this.personalData.depositAmountHash(amountFen),
        },
      },
      request,
      { secrets: { depositAmountFen: amountFen } },
    );
  }
}
