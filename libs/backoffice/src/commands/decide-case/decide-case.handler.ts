import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CaseView } from '../../views/case-view';
import { CaseRequests } from '../case-request';
import { DecideCaseCommand } from './decide-case.command';

@CommandHandler(DecideCaseCommand)
export class DecideCaseHandler implements ICommandHandler<DecideCaseCommand> {
  constructor(private readonly requests: CaseRequests) {}

  execute({ caseId, staff, decision }: DecideCaseCommand): Promise<CaseView> {
    return this.requests.runAndView(caseId, staff, {
      type: 'DecideCase',
      data: { at: this.requests.now(), staff, ...decision },
    });
  }
}
