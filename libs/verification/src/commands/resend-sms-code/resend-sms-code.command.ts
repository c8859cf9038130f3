import { Command } from '@nestjs/cqrs';
import type { StepAnswer } from '../status-answers';
import type { RequestContext } from '../user-steps';

/** Step 5: a new SMS code, which voids the old one (after a 60 s cool-down). */
export class ResendSmsCodeCommand extends Command<StepAnswer> {
  constructor(
    readonly accountId: string,
    readonly request: RequestContext,
  ) {
    super();
  }
}
