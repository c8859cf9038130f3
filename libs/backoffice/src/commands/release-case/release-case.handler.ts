import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CaseView } from '../../views/case-view';
import { CaseRequests } from '../case-request';
import { ReleaseCaseCommand } from './release-case.command';

@CommandHandler(ReleaseCaseCommand)
export class ReleaseCaseHandler implements ICommandHandler<ReleaseCaseCommand> {
  constructor(private readonly requests: CaseRequests) {}

  execute({ caseId, staff }: ReleaseCaseCommand): Promise<CaseView> {
    return this.requests.runAndView(caseId, staff, {
      type: 'ReleaseCase',
      data: { at: this.requests.now(), staff },
    });
  }
}
