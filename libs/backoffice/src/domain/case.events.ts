import type { DomainEvent } from '@shiming/workflow';

type EventOf<Type extends string, Data extends object = object> = DomainEvent<
  Type,
  { at: string } & Data
>;

export type CaseKind = 'manual_review' | 'appeal';

/** A staff member's decision as the case records it. */
export type CaseOutcome = 'approved' | 'rejected' | 'upheld' | 'denied';

export type CaseOpened = EventOf<
  'CaseOpened',
  {
    caseId: string;
    kind: CaseKind;
    accountId: string;
    /** For an appeal: the account holding the identity in dispute. */
    holderAccountId: string | null;
    documentIds: string[];
    dueAt: string;
    /** Counted past the working-day calendar's data; `DeadlineConfirmed` replaces it. */
    provisional?: true;
  }
>;
/** The official due time replaced a provisional one (the SLA timer follows it). */
export type DeadlineConfirmed = EventOf<'DeadlineConfirmed', { dueAt: string; shiftMs: number }>;
/** The user added documents; `dueAt` is set when they answer a re-upload request. */
export type DocumentsAdded = EventOf<'DocumentsAdded', { documentIds: string[]; dueAt?: string }>;

export type CaseClaimed = EventOf<'CaseClaimed', { staffId: string; expiresAt: string }>;
export type ClaimRenewed = EventOf<'ClaimRenewed', { staffId: string; expiresAt: string }>;
export type ClaimReleased = EventOf<'ClaimReleased', { staffId: string; by: string }>;
export type ClaimLapsed = EventOf<'ClaimLapsed', { staffId: string }>;
export type CaseReassigned = EventOf<
  'CaseReassigned',
  { from: string | null; to: string; by: string; note?: string; expiresAt: string }
>;

export type DocumentsRequested = EventOf<
  'DocumentsRequested',
  {
    by: string;
    documentKind: string;
    userMessage: string;
    internalNote?: string;
    slaRemainingMs: number;
  }
>;
export type UpholdProposed = EventOf<'UpholdProposed', { by: string; internalNote?: string }>;
export type ProposalApproved = EventOf<'ProposalApproved', { by: string; note?: string }>;
export type ProposalRejected = EventOf<
  'ProposalRejected',
  { by: string; note?: string; expiresAt: string }
>;
/** New documents arrived after the proposal: it goes back to its author. */
export type ProposalLapsed = EventOf<
  'ProposalLapsed',
  { reason: 'documents_added'; expiresAt: string }
>;
export type CaseDecided = EventOf<
  'CaseDecided',
  {
    by: string;
    outcome: CaseOutcome;
    reasonCode?: string;
    userMessage?: string;
    internalNote?: string;
    final?: boolean;
    /** The supervisor whose second approval made an upheld appeal take effect. */
    approvedBy?: string;
  }
>;
export type CaseEscalated = EventOf<'CaseEscalated', { dueAt: string }>;

export type DocumentViewed = EventOf<
  'DocumentViewed',
  { by: string; documentId: string; claimExpiresAt?: string }
>;
export type PersonalDataRevealed = EventOf<
  'PersonalDataRevealed',
  { by: string; field: 'name' | 'idNumber'; justification: string; claimExpiresAt?: string }
>;
/**
 * The holder saw the name and ID number of the identity the case was opened for beside
 * the certificates: one action, one justification.
 */
export type IdentityCompared = EventOf<
  'IdentityCompared',
  { by: string; fields: ('name' | 'idNumber')[]; justification: string; claimExpiresAt?: string }
>;

export type CaseEvent =
  | CaseOpened
  | DocumentsAdded
  | DeadlineConfirmed
  | CaseClaimed
  | ClaimRenewed
  | ClaimReleased
  | ClaimLapsed
  | CaseReassigned
  | DocumentsRequested
  | UpholdProposed
  | ProposalApproved
  | ProposalRejected
  | ProposalLapsed
  | CaseDecided
  | CaseEscalated
  | DocumentViewed
  | PersonalDataRevealed
  | IdentityCompared;

export type CaseEventType = CaseEvent['type'];

/** Schema versions for the event store's type registry; bump with an upcaster. */
export const CASE_EVENT_SCHEMA_VERSIONS: { [T in CaseEventType]: number } = {
  CaseOpened: 1,
  DocumentsAdded: 1,
  DeadlineConfirmed: 1,
  CaseClaimed: 1,
  ClaimRenewed: 1,
  ClaimReleased: 1,
  ClaimLapsed: 1,
  CaseReassigned: 1,
  DocumentsRequested: 1,
  UpholdProposed: 1,
  ProposalApproved: 1,
  ProposalRejected: 1,
  ProposalLapsed: 1,
  CaseDecided: 1,
  CaseEscalated: 1,
  DocumentViewed: 1,
  PersonalDataRevealed: 1,
  IdentityCompared: 1,
};

export const CASE_EVENT_TYPES = Object.keys(CASE_EVENT_SCHEMA_VERSIONS) as CaseEventType[];

export const CASE_EVENT_DEFINITIONS = CASE_EVENT_TYPES.map((type) => ({
  type,
  schemaVersion: CASE_EVENT_SCHEMA_VERSIONS[type],
}));
