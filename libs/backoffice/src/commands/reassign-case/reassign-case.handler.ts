import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CaseView } from '../../views/case-view';
import { CaseRequests } from '../case-request';
import { ReassignCaseCommand } from './reassign-case.command';

@CommandHandler(ReassignCaseCommand)
export class ReassignCaseHandler implements ICommandHandler<ReassignCaseCommand> {
  constructor(private readonly requests: CaseRequests) {}

  execute({ caseId, staff, to, note }: ReassignCaseCommand): Promise<CaseView> {
    return this.requests.runAndView(caseId, staff, {
      type: 'ReassignCase',
      data: { at: this.requests.now(), staff, to, ...(note ? { note } : {}) },
    });
  }
}
