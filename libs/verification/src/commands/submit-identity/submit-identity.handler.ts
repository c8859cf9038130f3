import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { PAYMENT_PASSWORD, type PaymentPasswordVerifier } from '@shiming/integrations';
import { VerificationError, type SubmittedIdentity } from '../../domain';
import { PersonalData } from '../../infrastructure/personal-data';
import type { StepAnswer } from '../status-answers';
import { UserSteps } from '../user-steps';
import { SubmitIdentityCommand } from './submit-identity.command';

// With a wrong password the decider records only the rejection and never reads the
// identity, so nothing is encrypted (and no data key made) for it.
const NOT_TAKEN: SubmittedIdentity = {
  encrypted: { name: '', idNumber: '' },
  idHash: '',
  idMasked: '',
  nameMasked: '',
};

@CommandHandler(SubmitIdentityCommand)
export class SubmitIdentityHandler implements ICommandHandler<SubmitIdentityCommand> {
  constructor(
    private readonly steps: UserSteps,
    private readonly personalData: PersonalData,
    @Inject(PAYMENT_PASSWORD) private readonly passwords: PaymentPasswordVerifier,
  ) {}

  async execute(command: SubmitIdentityCommand): Promise<StepAnswer> {
    const { accountId, request } = command;
    const passwordCorrect = await this.passwords.verify(accountId, command.paymentPassword);
    const identity = passwordCorrect
      ? await this.personalData.protectIdentity(command.identity)
      : NOT_TAKEN;
    try {
      return await this.steps.take(
        accountId,
        'submit-identity',
        { type: 'SubmitIdentity', data: { at: this.steps.now(), identity, passwordCorrect } },
        request,
      );
    } catch (error) {
      // Refused by the decider, so never recorded: its fresh data key is not needed.
      if (error instanceof VerificationError && passwordCorrect) {
        await this.personalData.discard(identity);
      }
      throw error;
    }
  }
}
