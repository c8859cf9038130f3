import { Command } from '@nestjs/cqrs';
import type { Staff } from '../../domain';
import type { CaseView } from '../../views/case-view';

/** Claims an open case; the holder claiming again renews the claim. */
export class ClaimCaseCommand extends Command<CaseView> {
  constructor(
    readonly caseId: string,
    readonly staff: Staff,
  ) {
    super();
  }
}
