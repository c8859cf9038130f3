import { Command } from '@nestjs/cqrs';
import type { DecideCase, Staff } from '../../domain';
import type { CaseView } from '../../views/case-view';

/** What the holder decides: approve, reject with a reason, or ask for a re-upload. */
export type StaffDecision = Omit<DecideCase['data'], 'at' | 'staff'>;

/**
 * The holder's decision. It reaches the user's process in the same transaction;
 * approving an appeal proposes to uphold it, for a second supervisor to approve.
 */
export class DecideCaseCommand extends Command<CaseView> {
  constructor(
    readonly caseId: string,
    readonly staff: Staff,
    readonly decision: StaffDecision,
  ) {
    super();
  }
}
