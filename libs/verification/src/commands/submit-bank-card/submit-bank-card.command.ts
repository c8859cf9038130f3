import { Command } from '@nestjs/cqrs';
import type { CardInClear } from '../../infrastructure/personal-data';
import type { StepAnswer } from '../status-answers';
import type { RequestContext } from '../user-steps';

/** Step 5: a card and the mobile reserved at its bank, or the wallet's bound quick-pay card. */
export class SubmitBankCardCommand extends Command<StepAnswer> {
  constructor(
    readonly accountId: string,
    readonly card: CardInClear | 'bound',
    readonly request: RequestContext,
  ) {
    super();
  }
}
