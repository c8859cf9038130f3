import { Query } from '@nestjs/cqrs';
import type { Staff } from '../../domain';
import type { CaseListFilter, CaseListPage } from '../../views/case-list';

/** Cases the staff member may see, filtered, sorted and paged by an opaque cursor. */
export class FindCasesQuery extends Query<CaseListPage> {
  constructor(
    readonly staff: Staff,
    readonly filter: CaseListFilter,
  ) {
    super();
  }
}
