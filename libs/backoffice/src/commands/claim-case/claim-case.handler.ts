import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CaseView } from '../../views/case-view';
import { CaseRequests } from '../case-request';
import { ClaimCaseCommand } from './claim-case.command';

@CommandHandler(ClaimCaseCommand)
export class ClaimCaseHandler implements ICommandHandler<ClaimCaseCommand> {
  constructor(private readonly requests: CaseRequests) {}

  execute({ caseId, staff }: ClaimCaseCommand): Promise<CaseView> {
    return this.requests.runAndView(caseId, staff, {
      type: 'ClaimCase',
      data: { at: this.requests.now(), staff },
    });
  }
}
