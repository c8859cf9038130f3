import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { BOUND_CARDS, type BoundCards } from '@shiming/integrations';
import { WrongStateError, type VerificationCommand } from '../../domain';
import { heldIdentity } from '../../domain';
import { PersonalData } from '../../infrastructure/personal-data';
import type { StepAnswer } from '../status-answers';
import { NoBoundCardError } from '../user-step.errors';
import { UserSteps } from '../user-steps';
import { SubmitBankCardCommand } from './submit-bank-card.command';

@CommandHandler(SubmitBankCardCommand)
export class SubmitBankCardHandler implements ICommandHandler<SubmitBankCardCommand> {
  constructor(
    private readonly steps: UserSteps,
    private readonly personalData: PersonalData,
    @Inject(BOUND_CARDS) private readonly boundCards: BoundCards,
  ) {}

  async execute({ accountId, card, request }: SubmitBankCardCommand): Promise<StepAnswer> {
    const given = card === 'bound' ? await this.boundCards.findBoundCard(accountId) : card;
    if (!given) throw new NoBoundCardError();
    return this.steps.take(
      accountId,
      'submit-bank-card',
      async (state, tx): Promise<VerificationCommand> => {
        // The card is encrypted under the data key of the identity it goes with.
        const identity = heldIdentity(state);
        if (!identity) throw new WrongStateError(state.status, 'SubmitBankCard');
        const protectedCard = await this.personalData.protectCard(
          identity,
          given,
          card === 'bound',
          tx,
        );
        return { type: 'SubmitBankCard', data: { at: this.steps.now(), card: protectedCard } };
      },
      request,
    );
  }
}
