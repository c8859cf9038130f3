import { Command } from '@nestjs/cqrs';
import type { StepAnswer } from '../status-answers';
import type { RequestContext } from '../user-steps';

/** Step 5, payment verification: the amount the user saw arrive, in fen. */
export class ConfirmMicroDepositCommand extends Command<StepAnswer> {
  constructor(
    readonly accountId: string,
    readonly amountFen: number,
    readonly request: RequestContext,
  ) {
    super();
  }
}
