import { Command } from '@nestjs/cqrs';
import type { Staff } from '../../domain';
import type { CaseView } from '../../views/case-view';

/** The staff actions on one case that answer with the case. */
export type CaseAction =
  | { type: 'claim' }
  | { type: 'release' }
  | { type: 'reassign'; to: string; note?: string }
  | {
      type: 'decide';
      outcome: 'approve' | 'reject' | 'request_reupload';
      reasonCode?: string;
      userMessage?: string;
      internalNote?: string;
      final?: boolean;
      documentKind?: string;
    }
  | { type: 'approve'; approve: boolean; note?: string };

/**
 * Claim (or renew one's claim), release, reassign (supervisors), decide (the holder),
 * or give the second approval of an upheld appeal (a supervisor, not the proposer).
 */
export class WorkCaseCommand extends Command<CaseView> {
  constructor(
    readonly caseId: string,
    readonly staff: Staff,
    readonly action: CaseAction,
  ) {
    super();
  }
}
