import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { PAYMENT_PASSWORD, type PaymentPasswordVerifier } from '@shiming/integrations';
import {
  assertIdentitySubmissionAllowed,
  type SubmittedIdentity,
  type VerificationDecider,
} from '../../domain';
import { PersonalData } from '../../infrastructure/personal-data';
import { VERIFICATION_DECIDER } from '../../verification.tokens';
import type { StepAnswer } from '../status-answers';
import { UserSteps } from '../user-steps';
import { SubmitIdentityCommand } from './submit-identity.command';

// With a wrong password the decider records only the rejection and never reads the
// identity, so nothing is encrypted (and no data key made) for it.
const NOT_TAKEN: SubmittedIdentity = { encrypted: { name: '', idNumber: '' }, registryId: '' };

/**
 * The payment password is a guess to be counted: the state is asked first (a locked or
 * otherwise refused step never checks the password), then the password, then the
 * command that records the outcome, all in one transaction and one guess at a time per
 * account. The identity is encrypted in that transaction too, so a refusal leaves no
 * key or lookup row behind.
 */
@CommandHandler(SubmitIdentityCommand)
export class SubmitIdentityHandler implements ICommandHandler<SubmitIdentityCommand> {
  constructor(
    private readonly steps: UserSteps,
    private readonly personalData: PersonalData,
    @Inject(PAYMENT_PASSWORD) private readonly passwords: PaymentPasswordVerifier,
    @Inject(VERIFICATION_DECIDER) private readonly decider: VerificationDecider,
  ) {}

  execute(command: SubmitIdentityCommand): Promise<StepAnswer> {
    const { accountId, request } = command;
    // Each found out once, though the command may be made again (a concurrent change of
    // the account): the password is one guess, the identity one submission.
    let passwordCorrect: boolean | undefined;
    let identity: SubmittedIdentity | undefined;
    return this.steps.takeGuess(
      accountId,
      'submit-identity',
      request,
      async (tx, state) => {
        const at = this.steps.now();
        assertIdentitySubmissionAllowed(this.decider, state, at);
        passwordCorrect ??= await this.passwords.verify(accountId, command.paymentPassword);
        identity ??= passwordCorrect
          ? await this.personalData.protectIdentity(command.identity, tx)
          : NOT_TAKEN;
        return { type: 'SubmitIdentity', data: { at, identity, passwordCorrect } };
      },
      // The identity check needs the identity in clear, which this request has.
      { identity: command.identity },
    );
  }
}
