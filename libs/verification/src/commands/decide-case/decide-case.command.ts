import { Command } from '@nestjs/cqrs';
import type { Principal } from '@shiming/common';
import type { CaseKind } from '../../infrastructure/verification-cases.repository';

export interface CaseDecision {
  /** `request_reupload` asks the user for the certificates again (`userMessage` says why). */
  outcome: 'approve' | 'reject' | 'request_reupload';
  reasonCode?: string;
  userMessage?: string;
  /** Never shown to the user. */
  internalNote?: string;
  /** A final rejection of a manual review ends the process for the account. */
  final?: boolean;
}

export interface CaseDecisionAnswer {
  caseId: string;
  kind: CaseKind;
  outcome: 'approved' | 'rejected' | 'upheld' | 'denied' | 'reupload_requested';
  /** Where the account's process went. */
  accountState: string;
}

/**
 * A reviewer decides a manual review, a support agent an appeal (supervisors both).
 * Minimal until the back office has its queue, claims and second approvals.
 */
export class DecideCaseCommand extends Command<CaseDecisionAnswer> {
  constructor(
    readonly caseId: string,
    readonly staff: Principal,
    readonly decision: CaseDecision,
  ) {
    super();
  }
}
