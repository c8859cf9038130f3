import { Command } from '@nestjs/cqrs';
import type { AcceptedUpload } from '@shiming/integrations';
import type { StepAnswer } from '../status-answers';
import type { RequestContext } from '../user-steps';

/**
 * Step 2.2 A, "not mine": an appeal with dual certificates, due at the end of the third
 * working day; or, while support asks for it, certificates uploaded again.
 */
export class FileAppealCommand extends Command<StepAnswer> {
  constructor(
    readonly accountId: string,
    readonly certificates: AcceptedUpload[],
    readonly request: RequestContext,
  ) {
    super();
  }
}
