import { Command } from '@nestjs/cqrs';
import type { StepAnswer } from '../status-answers';
import type { RequestContext } from '../user-steps';

/** Step 5: the card matched; the user accepts the agreement and is sent an SMS code. */
export class AcceptAgreementCommand extends Command<StepAnswer> {
  constructor(
    readonly accountId: string,
    readonly request: RequestContext,
  ) {
    super();
  }
}
