import { Command } from '@nestjs/cqrs';
import type { RequestContext } from '../user-steps';
import type { StepAnswer } from '../status-answers';

/** Step 5: give up the card in progress and enter another. */
export class ChangeBankCardCommand extends Command<StepAnswer> {
  constructor(
    readonly accountId: string,
    readonly request: RequestContext,
  ) {
    super();
  }
}
