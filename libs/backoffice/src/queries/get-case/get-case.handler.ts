import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { CaseRequests } from '../../commands/case-request';
import type { CaseView } from '../case-view/case-view';
import { GetCaseQuery } from './get-case.query';

/** The case from its stream (never behind), with the subject masked. */
@QueryHandler(GetCaseQuery)
export class GetCaseHandler implements IQueryHandler<GetCaseQuery> {
  constructor(private readonly requests: CaseRequests) {}

  async execute({ caseId, staff }: GetCaseQuery): Promise<CaseView> {
    return this.requests.view(caseId, staff);
  }
}
