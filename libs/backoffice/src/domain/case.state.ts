import type { CaseKind, CaseOutcome } from './case.events';

// The state of one case: a union tagged by `status`. Each status carries exactly what is
// true in it; `claim` and `dueAt` are in every opened status, typed `null` where nobody
// holds the case and where the SLA is paused, so that "no holder" is a fact of the
// status rather than a value to check.

export interface CaseDocument {
  id: string;
  addedAt: string;
  /** 1 for the documents the case opened with, then one more per upload. */
  set: number;
}

/** Who holds a claimed case, and until when without activity. */
export interface CaseClaim {
  staffId: string;
  claimedAt: string;
  expiresAt: string;
}

/** The proposer keeps the case while a supervisor decides; this claim does not lapse. */
export type HeldClaim = Omit<CaseClaim, 'expiresAt'>;

interface ProposalFacts {
  outcome: 'upheld';
  proposedBy: string;
  proposedAt: string;
  internalNote?: string;
}

/** An upheld appeal proposed, waiting for a supervisor's second approval. */
export interface PendingProposal extends ProposalFacts {
  status: 'pending';
}

/** A proposal that went back to its author: rejected, or lapsed by new documents. */
export interface SentBackProposal extends ProposalFacts {
  status: 'rejected' | 'lapsed';
}

export interface ApprovedProposal extends ProposalFacts {
  status: 'approved';
}

export type CaseProposal = PendingProposal | SentBackProposal | ApprovedProposal;

export interface CaseReupload {
  documentKind: string;
  userMessage: string;
  requestedAt: string;
  requestedBy: string;
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

/** Present in every status once the case is opened. */
export interface CaseFacts {
  caseId: string;
  kind: CaseKind;
  accountId: string;
  /** For an appeal: the account holding the identity in dispute. */
  holderAccountId: string | null;
  openedAt: string;
  /** Set once the SLA passed undecided; it stays set. */
  escalatedAt: string | null;
  documents: CaseDocument[];
  /** Time spent waiting on the user, left out of decision times. */
  pausedMs: number;
  /** The time of the last event. */
  updatedAt: string;
  /** The due time was counted past the working-day calendar's data, by weekdays. */
  provisionalDue?: true;
}

export interface CaseNotOpenedState {
  status: 'none';
}

/** In the queue: anyone who may work its kind may claim it. */
export interface CaseOpenState extends CaseFacts {
  status: 'open';
  dueAt: string;
  claim: null;
  /** The last proposal, if one went back to its author. */
  proposal?: SentBackProposal;
}

/** One staff member holds it; the claim lapses without their activity. */
export interface CaseClaimedState extends CaseFacts {
  status: 'claimed';
  dueAt: string;
  claim: CaseClaim;
  proposal?: SentBackProposal;
}

/** The user was asked to upload again: out of the queue, the SLA paused. */
export interface CaseAwaitingUserState extends CaseFacts {
  status: 'awaiting_user';
  dueAt: null;
  /** What the SLA had left when it paused; the upload resumes it. */
  slaRemainingMs: number;
  claim: null;
  reupload: CaseReupload;
  proposal?: SentBackProposal;
}

/** An upheld appeal proposed by its holder, waiting for a second supervisor. */
export interface CaseAwaitingApprovalState extends CaseFacts {
  status: 'awaiting_approval';
  dueAt: string;
  claim: HeldClaim;
  proposal: PendingProposal;
}

export interface CaseDecidedState extends CaseFacts {
  status: 'decided';
  dueAt: string;
  claim: null;
  decision: CaseDecision;
  proposal?: SentBackProposal | ApprovedProposal;
}

export type OpenedCase =
  | CaseOpenState
  | CaseClaimedState
  | CaseAwaitingUserState
  | CaseAwaitingApprovalState
  | CaseDecidedState;

export type CaseState = CaseNotOpenedState | OpenedCase;

/** The statuses of an opened case (the queue's). */
export type CaseStatus = OpenedCase['status'];

/** Every status of the state, `none` (not opened yet) included. */
export type CaseStateStatus = CaseState['status'];

export type CaseStateOf<S extends CaseStateStatus> = Extract<CaseState, { status: S }>;

// A record, so that the compiler notices a status missing from the list.
const STATUS_LIST: { [S in CaseStateStatus]: true } = {
  none: true,
  open: true,
  claimed: true,
  awaiting_user: true,
  awaiting_approval: true,
  decided: true,
};

/** Every status, in the order of a case's life. */
export const CASE_STATUSES = Object.keys(STATUS_LIST) as CaseStateStatus[];

export const initialCaseState = (): CaseState => ({ status: 'none' });

export function isCaseIn<S extends CaseStateStatus>(
  state: CaseState,
  statuses: readonly S[],
): state is CaseStateOf<S> {
  return (statuses as readonly string[]).includes(state.status);
}

// Copies exactly the shared facts, so that leaving a status drops its own fields.
export function caseFactsOf(state: CaseFacts): CaseFacts {
  return {
    caseId: state.caseId,
    kind: state.kind,
    accountId: state.accountId,
    holderAccountId: state.holderAccountId,
    openedAt: state.openedAt,
    escalatedAt: state.escalatedAt,
    documents: state.documents,
    pausedMs: state.pausedMs,
    updatedAt: state.updatedAt,
    ...(state.provisionalDue ? { provisionalDue: true } : {}),
  };
}
