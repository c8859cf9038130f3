import { Command } from '@nestjs/cqrs';
import type { StepAnswer } from '../status-answers';
import type { RequestContext } from '../user-steps';

/** Step 2.2: is the account that holds this identity the user's own? */
export class DecideOccupancyCommand extends Command<StepAnswer> {
  constructor(
    readonly accountId: string,
    readonly decision: 'mine' | 'not_mine',
    readonly request: RequestContext,
  ) {
    super();
  }
}
