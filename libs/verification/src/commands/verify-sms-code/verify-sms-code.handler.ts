import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { PersonalData } from '../../infrastructure/personal-data';
import type { StepAnswer } from '../status-answers';
import { UserSteps } from '../user-steps';
import { VerifySmsCodeCommand } from './verify-sms-code.command';

@CommandHandler(VerifySmsCodeCommand)
export class VerifySmsCodeHandler implements ICommandHandler<VerifySmsCodeCommand> {
  constructor(
    private readonly steps: UserSteps,
    private readonly personalData: PersonalData,
  ) {}

  execute({ accountId, code, request }: VerifySmsCodeCommand): Promise<StepAnswer> {
    return this.steps.take(
      accountId,
      'verify-sms-code',
      {
        type: 'VerifySmsCode',
        data: { at: this.steps.now(), codeHash: this.personalData.smsCodeHash(code) },
      },
      request,
    );
  }
}
