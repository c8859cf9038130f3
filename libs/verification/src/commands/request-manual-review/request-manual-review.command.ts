import { Command } from '@nestjs/cqrs';
import type { AcceptedUpload } from '@shiming/integrations';
import type { StepAnswer } from '../status-answers';
import type { RequestContext } from '../user-steps';

/**
 * Step 2.1: dual certificates for a manual review of an identity the authority did not
 * match; or, while the reviewer asks for it, certificates uploaded again.
 */
export class RequestManualReviewCommand extends Command<StepAnswer> {
  constructor(
    readonly accountId: string,
    readonly certificates: AcceptedUpload[],
    readonly request: RequestContext,
  ) {
    super();
  }
}
