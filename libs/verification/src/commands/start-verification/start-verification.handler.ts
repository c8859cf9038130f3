import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { StepAnswer } from '../status-answers';
import { UserSteps } from '../user-steps';
import { StartVerificationCommand } from './start-verification.command';

@CommandHandler(StartVerificationCommand)
export class StartVerificationHandler implements ICommandHandler<StartVerificationCommand> {
  constructor(private readonly steps: UserSteps) {}

  execute({ accountId, region, request }: StartVerificationCommand): Promise<StepAnswer> {
    return this.steps.take(
      accountId,
      'start-verification',
      { type: 'StartVerification', data: { at: this.steps.now(), region } },
      request,
    );
  }
}
