import { Command } from '@nestjs/cqrs';
import type { RequestContext } from '../user-steps';
import type { StepAnswer } from '../status-answers';

/** Step 3, "not yet": back home, not authenticated until the user confirms. */
export class DeferConfirmationCommand extends Command<StepAnswer> {
  constructor(
    readonly accountId: string,
    readonly request: RequestContext,
  ) {
    super();
  }
}
