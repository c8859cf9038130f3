import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { MobileSmsQuota } from '../../infrastructure/mobile-sms-quota';
import { SmsCodes } from '../../infrastructure/sms-codes';
import type { StepAnswer } from '../status-answers';
import { UserSteps } from '../user-steps';
import { AcceptAgreementCommand } from './accept-agreement.command';

@CommandHandler(AcceptAgreementCommand)
export class AcceptAgreementHandler implements ICommandHandler<AcceptAgreementCommand> {
  constructor(
    private readonly steps: UserSteps,
    private readonly codes: SmsCodes,
    private readonly quota: MobileSmsQuota,
  ) {}

  execute({ accountId, request }: AcceptAgreementCommand): Promise<StepAnswer> {
    const { code, codeHash } = this.codes.generate();
    return this.steps.take(
      accountId,
      'accept-agreement',
      { type: 'AcceptAgreement', data: { at: this.steps.now(), codeHash } },
      request,
      { secrets: { smsCode: code }, withEvents: this.quota.withEvents },
    );
  }
}
