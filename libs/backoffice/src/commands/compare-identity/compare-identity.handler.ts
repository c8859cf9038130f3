import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Optional } from '@nestjs/common';
import { Metrics, PersonalDataErasedError } from '@shiming/common';
import { VerificationCases } from '@shiming/verification';
import { CaseRequests } from '../case-request';
import { CompareIdentityCommand, type ComparedIdentity } from './compare-identity.command';

@CommandHandler(CompareIdentityCommand)
export class CompareIdentityHandler implements ICommandHandler<CompareIdentityCommand> {
  constructor(
    private readonly requests: CaseRequests,
    private readonly verification: VerificationCases,
    @Optional() private readonly metrics?: Metrics,
  ) {}

  async execute({
    caseId,
    staff,
    justification,
  }: CompareIdentityCommand): Promise<ComparedIdentity> {
    // Recorded first: nothing leaves without its justification on the timeline.
    const { state } = await this.requests.run(caseId, staff, {
      type: 'CompareIdentity',
      data: { at: this.requests.now(), staff, justification },
    });
    if (state.status === 'none') throw new Error('A compared case has a state');
    // The identity the case was opened for, not whatever the account holds now.
    const [name, idNumber] = await Promise.all([
      this.verification.reveal(state.accountId, 'name', state.caseId),
      this.verification.reveal(state.accountId, 'idNumber', state.caseId),
    ]);
    if (name === null || idNumber === null) {
      throw new PersonalDataErasedError('The personal data of this case has been erased.');
    }
    this.metrics?.piiReveals.inc({ field: 'name' });
    this.metrics?.piiReveals.inc({ field: 'idNumber' });
    return { name, idNumber };
  }
}
