import type { CaseKind, CaseOutcome } from './case.events';

export type CaseStatus = 'open' | 'claimed' | 'awaiting_user' | 'awaiting_approval' | 'decided';

export interface CaseDocument {
  id: string;
  addedAt: string;
  /** 1 for the documents the case opened with, then one more per upload. */
  set: number;
}

export interface CaseClaim {
  staffId: string;
  claimedAt: string;
  expiresAt: string;
}

export interface CaseProposal {
  outcome: 'upheld';
  proposedBy: string;
  proposedAt: string;
  internalNote?: string;
  status: 'pending' | 'approved' | 'rejected' | 'lapsed';
}

export interface CaseDecision {
  outcome: CaseOutcome;
  reasonCode?: string;
  userMessage?: string;
  internalNote?: string;
  final?: boolean;
  decidedBy: string;
  decidedAt: string;
  approvedBy?: string;
}

export interface OpenedCase {
  status: CaseStatus;
  caseId: string;
  kind: CaseKind;
  accountId: string;
  holderAccountId: string | null;
  openedAt: string;
  /** Null while the SLA clock is paused (waiting on the user). */
  dueAt: string | null;
  /** What the SLA had left when it paused. */
  slaRemainingMs: number | null;
  escalatedAt: string | null;
  documents: CaseDocument[];
  /**
   * The staff member holding the case: while `claimed`, and the proposer while
   * `awaiting_approval` (their claim does not lapse then).
   */
  claim: CaseClaim | null;
  reupload: {
    documentKind: string;
    userMessage: string;
    requestedAt: string;
    requestedBy: string;
  } | null;
  proposal: CaseProposal | null;
  decision: CaseDecision | null;
  /** Time spent waiting on the user, left out of decision times. */
  pausedMs: number;
  /** The time of the last event. */
  updatedAt: string;
}

export type CaseState = { status: 'none' } | OpenedCase;

export const initialCaseState = (): CaseState => ({ status: 'none' });
