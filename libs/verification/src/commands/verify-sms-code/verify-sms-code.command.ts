import { Command } from '@nestjs/cqrs';
import type { StepAnswer } from '../status-answers';
import type { RequestContext } from '../user-steps';

/** Step 5: the 6-digit code the user received. */
export class VerifySmsCodeCommand extends Command<StepAnswer> {
  constructor(
    readonly accountId: string,
    readonly code: string,
    readonly request: RequestContext,
  ) {
    super();
  }
}
