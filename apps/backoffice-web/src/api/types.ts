// The back-office API's shapes (docs/backoffice-api.md).

export type StaffRole = 'reviewer' | 'support' | 'supervisor';
export const STAFF_ROLES: StaffRole[] = ['reviewer', 'support', 'supervisor'];

export type CaseKind = 'manual_review' | 'appeal';
export const CASE_KINDS: CaseKind[] = ['manual_review', 'appeal'];

export type CaseStatus =
  'open' | 'claimed' | 'awaiting_user' | 'awaiting_approval' | 'decided' | 'withdrawn';

/** The queue's status filter: a case status, or `escalated`. */
export type StatusFilter = CaseStatus | 'escalated';

export type CaseOutcome = 'approved' | 'rejected' | 'upheld' | 'denied';

export type CaseAction = 'claim' | 'release' | 'decide' | 'approve' | 'reassign' | 'reveal';

export interface CaseSummary {
  id: string;
  kind: CaseKind;
  status: CaseStatus;
  escalated: boolean;
  priority: number;
  accountId: string;
  openedAt: string;
  dueAt: string | null;
  slaRemainingMs: number | null;
  assignee: string | null;
  claimedAt: string | null;
  decidedAt: string | null;
  outcome: CaseOutcome | null;
  documentCount: number;
  version: number;
}

export interface CaseDocument {
  id: string;
  /** In the contract; the first server version leaves them out, so the viewer copes. */
  contentType?: string | null;
  size?: number | null;
  /** Erased with the personal data of the identity it was uploaded for. */
  erased?: boolean;
  addedAt: string;
  set: number;
}

export interface CaseDetail extends CaseSummary {
  holderAccountId: string | null;
  claimExpiresAt: string | null;
  subject: { name: string; idNumber: string } | null;
  documents: CaseDocument[];
  reupload: { documentKind: string; userMessage: string; requestedAt: string } | null;
  proposal: {
    outcome: string;
    proposedBy: string;
    proposedAt: string;
    status: 'pending' | 'approved' | 'rejected' | 'lapsed';
  } | null;
  decision: {
    outcome: CaseOutcome;
    reasonCode: string | null;
    userMessage: string | null;
    internalNote: string | null;
    final: boolean;
    decidedBy: string;
    decidedAt: string;
    approvedBy: string | null;
  } | null;
  allowedActions: CaseAction[];
}

export interface CasePage {
  items: CaseSummary[];
  nextCursor: string | null;
}

export interface TimelineItem {
  seq: number;
  type: string;
  at: string;
  actor: { type: string; id: string | null };
  details: Record<string, unknown> | null;
}

export interface ReasonCode {
  code: string;
  label: string;
}

export type ReasonCodes = Record<CaseKind, ReasonCode[]>;

export type DecisionOutcome = 'approve' | 'reject' | 'request_reupload';

export interface DecisionBody {
  outcome: DecisionOutcome;
  reasonCode?: string;
  userMessage?: string;
  internalNote?: string;
  final?: boolean;
}

export type RevealField = 'name' | 'idNumber';

export interface Metrics {
  backlog: Record<
    CaseKind,
    {
      open: number;
      claimed: number;
      awaiting_user: number;
      awaiting_approval: number;
      escalated: number;
    }
  >;
  breaches: { open: number; last30Days: number };
  decisionTimes: Record<
    CaseKind,
    { decided: number; p50Ms: number | null; p90Ms: number | null; p99Ms: number | null }
  >;
  at: string;
}

export interface StaffNotification {
  id: string;
  at: string;
  kind: string;
  caseId: string;
  caseKind: CaseKind;
  message: string;
}
