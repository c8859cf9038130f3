import { Command } from '@nestjs/cqrs';
import type { RequestContext } from '../user-steps';
import type { StepAnswer } from '../status-answers';

/** Step 4, skip: no ID photos, the limited tier. */
export class SkipIdDocumentsCommand extends Command<StepAnswer> {
  constructor(
    readonly accountId: string,
    readonly request: RequestContext,
  ) {
    super();
  }
}
