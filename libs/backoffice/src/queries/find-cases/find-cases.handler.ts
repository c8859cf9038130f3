import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { CaseList, type CaseListPage } from '../../views/case-list';
import { FindCasesQuery } from './find-cases.query';

@QueryHandler(FindCasesQuery)
export class FindCasesHandler implements IQueryHandler<FindCasesQuery> {
  constructor(private readonly list: CaseList) {}

  execute({ staff, filter }: FindCasesQuery): Promise<CaseListPage> {
    return this.list.page(staff, filter);
  }
}
