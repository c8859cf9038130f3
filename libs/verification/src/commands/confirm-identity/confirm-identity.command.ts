import { Command } from '@nestjs/cqrs';
import type { RequestContext } from '../user-steps';
import type { StepAnswer } from '../status-answers';

/** Step 3: the name and ID number are right; they can no longer change. */
export class ConfirmIdentityCommand extends Command<StepAnswer> {
  constructor(
    readonly accountId: string,
    readonly request: RequestContext,
  ) {
    super();
  }
}
