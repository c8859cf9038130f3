import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { MobileSmsQuota } from '../../infrastructure/mobile-sms-quota';
import { SmsCodes } from '../../infrastructure/sms-codes';
import type { StepAnswer } from '../status-answers';
import { UserSteps } from '../user-steps';
import { ResendSmsCodeCommand } from './resend-sms-code.command';

@CommandHandler(ResendSmsCodeCommand)
export class ResendSmsCodeHandler implements ICommandHandler<ResendSmsCodeCommand> {
  constructor(
    private readonly steps: UserSteps,
    private readonly codes: SmsCodes,
    private readonly quota: MobileSmsQuota,
  ) {}

  execute({ accountId, request }: ResendSmsCodeCommand): Promise<StepAnswer> {
    const { code, codeHash } = this.codes.generate();
    return this.steps.take(
      accountId,
      'resend-sms-code',
      { type: 'ResendSmsCode', data: { at: this.steps.now(), codeHash } },
      request,
      { secrets: { smsCode: code }, withEvents: this.quota.withEvents },
    );
  }
}
