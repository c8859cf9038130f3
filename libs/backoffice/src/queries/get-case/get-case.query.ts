import { Query } from '@nestjs/cqrs';
import type { Staff } from '../../domain';
import type { CaseView } from '../../views/case-view';

export class GetCaseQuery extends Query<CaseView> {
  constructor(
    readonly caseId: string,
    readonly staff: Staff,
  ) {
    super();
  }
}
