import { Command } from '@nestjs/cqrs';
import type { AcceptedUpload } from '@shiming/integrations';
import type { StepAnswer } from '../status-answers';
import type { RequestContext } from '../user-steps';

/** Step 4 (or later, to lift the limits): photos of the ID card's front and back. */
export class SubmitIdDocumentsCommand extends Command<StepAnswer> {
  constructor(
    readonly accountId: string,
    readonly front: AcceptedUpload,
    readonly back: AcceptedUpload,
    readonly request: RequestContext,
  ) {
    super();
  }
}
