import { Command } from '@nestjs/cqrs';
import type { Staff } from '../../domain';
import type { CaseView } from '../../views/case-view';

/** A supervisor hands an open or claimed case to another staff member. */
export class ReassignCaseCommand extends Command<CaseView> {
  constructor(
    readonly caseId: string,
    readonly staff: Staff,
    /** The staff member who takes the case. */
    readonly to: string,
    readonly note?: string,
  ) {
    super();
  }
}
