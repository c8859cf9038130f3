import { Command } from '@nestjs/cqrs';
import type { IdentityInClear } from '../../infrastructure/personal-data';
import type { StepAnswer } from '../status-answers';
import type { RequestContext } from '../user-steps';

/**
 * Step 2: name, ID number and the payment password. The password is checked through
 * its port and goes no further than this command.
 */
export class SubmitIdentityCommand extends Command<StepAnswer> {
  constructor(
    readonly accountId: string,
    readonly identity: IdentityInClear,
    readonly paymentPassword: string,
    readonly request: RequestContext,
  ) {
    super();
  }
}
