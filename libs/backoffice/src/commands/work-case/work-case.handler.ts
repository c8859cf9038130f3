import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CaseCommand } from '../../domain';
import type { CaseView } from '../../views/case-view';
import { CaseRequests } from '../case-request';
import { WorkCaseCommand, type CaseAction } from './work-case.command';

@CommandHandler(WorkCaseCommand)
export class WorkCaseHandler implements ICommandHandler<WorkCaseCommand> {
  constructor(private readonly requests: CaseRequests) {}

  async execute({ caseId, staff, action }: WorkCaseCommand): Promise<CaseView> {
    return this.requests.runAndView(caseId, staff, commandFor(action, staff, this.requests.now()));
  }
}

function commandFor(action: CaseAction, staff: WorkCaseCommand['staff'], at: string): CaseCommand {
  switch (action.type) {
    case 'claim':
      return { type: 'ClaimCase', data: { at, staff } };
    case 'release':
      return { type: 'ReleaseCase', data: { at, staff } };
    case 'reassign':
      return {
        type: 'ReassignCase',
        data: { at, staff, to: action.to, ...(action.note ? { note: action.note } : {}) },
      };
    case 'decide': {
      const { type: _type, ...decision } = action;
      return { type: 'DecideCase', data: { at, staff, ...decision } };
    }
    case 'approve':
      return {
        type: 'ApproveProposal',
        data: { at, staff, approve: action.approve, ...(action.note ? { note: action.note } : {}) },
      };
  }
}
