import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { CaseReader } from '../../views/case-reader';
import type { CaseView } from '../../views/case-view';
import { GetCaseQuery } from './get-case.query';

/** The case from its stream (never behind), with the subject masked. */
@QueryHandler(GetCaseQuery)
export class GetCaseHandler implements IQueryHandler<GetCaseQuery> {
  constructor(private readonly reader: CaseReader) {}

  async execute({ caseId, staff }: GetCaseQuery): Promise<CaseView> {
    return this.reader.view(caseId, staff);
  }
}
