import { Command } from '@nestjs/cqrs';
import type { Staff } from '../../domain';
import type { CaseView } from '../../views/case-view';

/**
 * The second approval of an upheld appeal, by a supervisor other than the proposer:
 * approved, it takes effect; rejected, the case goes back to the proposer.
 */
export class ApproveProposalCommand extends Command<CaseView> {
  constructor(
    readonly caseId: string,
    readonly staff: Staff,
    readonly approve: boolean,
    readonly note?: string,
  ) {
    super();
  }
}
