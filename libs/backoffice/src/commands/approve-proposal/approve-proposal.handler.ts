import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CaseView } from '../../views/case-view';
import { CaseRequests } from '../case-request';
import { ApproveProposalCommand } from './approve-proposal.command';

@CommandHandler(ApproveProposalCommand)
export class ApproveProposalHandler implements ICommandHandler<ApproveProposalCommand> {
  constructor(private readonly requests: CaseRequests) {}

  execute({ caseId, staff, approve, note }: ApproveProposalCommand): Promise<CaseView> {
    return this.requests.runAndView(caseId, staff, {
      type: 'ApproveProposal',
      data: { at: this.requests.now(), staff, approve, ...(note ? { note } : {}) },
    });
  }
}
