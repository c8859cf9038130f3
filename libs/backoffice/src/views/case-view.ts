import type { CaseSubject, DocumentFact } from '@shiming/verification';
import {
  isOwnCase,
  mayWork,
  type CaseDecision,
  type CaseDocument,
  type CaseProposal,
  type OpenedCase,
  type Staff,
} from '../domain';

export type CaseAction =
  'claim' | 'release' | 'decide' | 'reassign' | 'approve' | 'reveal' | 'compare';

/** A case as staff see it: no personal data but masks. */
export interface CaseView {
  id: string;
  kind: OpenedCase['kind'];
  status: OpenedCase['status'];
  escalated: boolean;
  priority: number;
  accountId: string;
  holderAccountId: string | null;
  openedAt: string;
  dueAt: string | null;
  /** The due time was counted by weekdays past the calendar's data, to be recomputed. */
  dueProvisional: boolean;
  slaRemainingMs: number | null;
  escalatedAt: string | null;
  assignee: string | null;
  claimedAt: string | null;
  claimExpiresAt: string | null;
  decidedAt: string | null;
  outcome: string | null;
  documentCount: number;
  /** `erased`: the document went with the personal data of the identity it was for. */
  documents: (CaseDocument & DocumentFact)[];
  subject: { name: string; idNumber: string } | null;
  reupload: { documentKind: string; userMessage: string; requestedAt: string } | null;
  proposal: (Omit<CaseProposal, 'internalNote'> & { internalNote: string | null }) | null;
  decision: (Omit<CaseDecision, 'approvedBy'> & { approvedBy: string | null }) | null;
  allowedActions: CaseAction[];
  version: number;
}

export type DocumentFacts = ReadonlyMap<string, DocumentFact>;

export function caseView(
  state: OpenedCase,
  version: number,
  subject: CaseSubject,
  staff: Staff,
  facts: DocumentFacts = new Map(),
): CaseView {
  const decision = state.status === 'decided' ? state.decision : null;
  const reupload = state.status === 'awaiting_user' ? state.reupload : null;
  // Priority is for the queue: an escalated case that still waits for a decision.
  const urgent = state.escalatedAt !== null && !decision;
  return {
    id: state.caseId,
    kind: state.kind,
    status: state.status,
    escalated: state.escalatedAt !== null,
    priority: urgent ? 1 : 0,
    accountId: state.accountId,
    holderAccountId: state.holderAccountId,
    openedAt: state.openedAt,
    dueAt: state.dueAt,
    dueProvisional: state.provisionalDue === true,
    slaRemainingMs: state.status === 'awaiting_user' ? state.slaRemainingMs : null,
    escalatedAt: state.escalatedAt,
    assignee: state.claim?.staffId ?? null,
    claimedAt: state.claim?.claimedAt ?? null,
    claimExpiresAt: state.status === 'claimed' ? state.claim.expiresAt : null,
    decidedAt: decision?.decidedAt ?? null,
    outcome: decision?.outcome ?? null,
    documentCount: state.documents.length,
    documents: state.documents.map((document) => ({
      ...document,
      contentType: facts.get(document.id)?.contentType ?? null,
      size: facts.get(document.id)?.size ?? null,
      erased: facts.get(document.id)?.erased ?? false,
    })),
    subject: subject.masked,
    reupload: reupload
      ? {
          documentKind: reupload.documentKind,
          userMessage: reupload.userMessage,
          requestedAt: reupload.requestedAt,
        }
      : null,
    proposal: state.proposal
      ? {
          outcome: state.proposal.outcome,
          proposedBy: state.proposal.proposedBy,
          proposedAt: state.proposal.proposedAt,
          internalNote: state.proposal.internalNote ?? null,
          status: state.proposal.status,
        }
      : null,
    decision: decision ? { ...decision, approvedBy: decision.approvedBy ?? null } : null,
    allowedActions: allowedActions(state, staff),
    version,
  };
}

/** What the caller may do with the case now (the web app's buttons). */
export function allowedActions(state: OpenedCase, staff: Staff): CaseAction[] {
  if (!mayWork(staff.roles, state.kind) || isOwnCase(state, staff.id)) return [];
  const supervisor = staff.roles.includes('supervisor');
  const holder = state.status === 'claimed' && state.claim.staffId === staff.id;
  const actions: CaseAction[] = [];
  if (state.status === 'open' || holder) actions.push('claim');
  if (state.status === 'claimed' && (holder || supervisor)) actions.push('release');
  if (holder) actions.push('decide');
  if (supervisor && (state.status === 'open' || state.status === 'claimed')) {
    actions.push('reassign');
  }
  if (
    supervisor &&
    state.status === 'awaiting_approval' &&
    state.proposal.proposedBy !== staff.id
  ) {
    actions.push('approve');
  }
  actions.push('reveal');
  // Name and ID number at once, beside the certificates: the holder's tool.
  if (holder) actions.push('compare');
  return actions;
}
