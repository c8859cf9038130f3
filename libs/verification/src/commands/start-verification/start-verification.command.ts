import { Command } from '@nestjs/cqrs';
import type { StepAnswer } from '../status-answers';
import type { RequestContext } from '../user-steps';

/** Step 1: start real-name verification in a region (only `mainland`). */
export class StartVerificationCommand extends Command<StepAnswer> {
  constructor(
    readonly accountId: string,
    readonly region: string,
    readonly request: RequestContext,
  ) {
    super();
  }
}
