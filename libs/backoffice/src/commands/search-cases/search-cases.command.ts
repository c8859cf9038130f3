import { Command } from '@nestjs/cqrs';
import type { PersonalDataSearchKind, Staff } from '../../domain';
import type { CaseListFilter, CaseListPage } from '../../views/case-list';

/**
 * Cases found by an ID number or a mobile, through the blind indexes; the search itself
 * is recorded (who, when, which kind, which cases; never the value).
 */
export class SearchCasesCommand extends Command<CaseListPage> {
  constructor(
    readonly staff: Staff,
    readonly by: PersonalDataSearchKind,
    readonly value: string,
    readonly filter: Omit<CaseListFilter, 'subjects'>,
  ) {
    super();
  }
}
