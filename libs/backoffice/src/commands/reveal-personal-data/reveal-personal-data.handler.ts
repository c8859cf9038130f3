import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Optional } from '@nestjs/common';
import { Metrics, PersonalDataErasedError } from '@shiming/common';
import { VerificationCases } from '@shiming/verification';
import { CaseRequests } from '../case-request';
import { RevealPersonalDataCommand, type RevealedField } from './reveal-personal-data.command';

@CommandHandler(RevealPersonalDataCommand)
export class RevealPersonalDataHandler implements ICommandHandler<RevealPersonalDataCommand> {
  constructor(
    private readonly requests: CaseRequests,
    private readonly verification: VerificationCases,
    @Optional() private readonly metrics?: Metrics,
  ) {}

  async execute({
    caseId,
    staff,
    field,
    justification,
  }: RevealPersonalDataCommand): Promise<RevealedField> {
    // Recorded first: no value leaves without its justification on the timeline.
    const { state } = await this.requests.run(caseId, staff, {
      type: 'RevealPersonalData',
      data: { at: this.requests.now(), staff, field, justification },
    });
    if (state.status === 'none') throw new Error('A revealed case has a state');
    const value = await this.verification.reveal(state.accountId, field, state.caseId);
    if (value === null) {
      throw new PersonalDataErasedError('The personal data of this case has been erased.');
    }
    this.metrics?.piiReveals.inc({ field });
    return { field, value };
  }
}
