// The back-office API's shapes, taken from the types generated from the OpenAPI document
// (schema.d.ts, `npm run openapi:web`). Where the document does not describe an answer
// yet (a field typed `object`, a route without a response schema), the shape is written
// here and marked so; docs/backoffice-web.md lists what the document still lacks.
import type { components, operations } from './schema';

type Schemas = components['schemas'];

export type StaffRole = 'reviewer' | 'support' | 'supervisor';
export const STAFF_ROLES: StaffRole[] = ['reviewer', 'support', 'supervisor'];

export type CaseKind = Schemas['CaseListItemDto']['kind'];
export type CaseStatus = Schemas['CaseListItemDto']['status'];
export type CaseOutcome = NonNullable<Schemas['CaseListItemDto']['outcome']>;
export type CaseAction = Schemas['CaseViewDto']['allowedActions'][number];

/** The queue's status filter, as the list route accepts it. */
export type StatusFilter = NonNullable<
  NonNullable<operations['BackofficeController_list']['parameters']['query']>['status']
>;

export type CaseSummary = Schemas['CaseListItemDto'];
export type CasePage = Omit<Schemas['CaseListPageDto'], 'items'> & { items: CaseSummary[] };

/** The list's filters, sort and cursor, as the list route takes them in its query. */
export type CaseListQuery = NonNullable<
  operations['BackofficeController_list']['parameters']['query']
>;
export type CaseSort = NonNullable<CaseListQuery['sort']>;
/** A search by personal data, in the body of the search route. */
export type CaseSearch = Schemas['CaseSearchDto'];

export type CaseDocument = Schemas['CaseDocumentDto'];
export type CaseDecision = Omit<Schemas['CaseDecisionDto'], 'outcome'> & { outcome: CaseOutcome };

export type CaseDetail = Omit<Schemas['CaseViewDto'], 'proposal' | 'decision'> & {
  // A union in the domain, typed `object` in the document.
  proposal: {
    outcome: string;
    proposedBy: string;
    proposedAt: string;
    status: 'pending' | 'approved' | 'rejected' | 'lapsed';
  } | null;
  decision: CaseDecision | null;
};

export type DecisionBody = Schemas['DecisionDto'];
export type DecisionOutcome = DecisionBody['outcome'];
export type ApprovalBody = Schemas['ApprovalDto'];
export type ReassignBody = Schemas['ReassignDto'];
export type RevealBody = Schemas['RevealDto'];
export type RevealField = RevealBody['field'];
export type Revealed = Schemas['RevealedDto'];

export type IssueTokenBody = Schemas['IssueTokenDto'];
export type IssuedToken = Schemas['TokenDto'];
export type SandboxClock = Schemas['ClockDto'];

export type TimelineItem = Schemas['TimelineEntryDto'];

// GET /v1/backoffice/reason-codes: no response schema in the document yet.
export interface ReasonCode {
  code: string;
  label: string;
}
export type ReasonCodes = Record<CaseKind, ReasonCode[]>;

export type Metrics = Schemas['BackofficeMetricsDto'];

// GET /v1/backoffice/notifications: no response schema in the document yet. `message`
// is English prose the server renders; the web app writes its own from the other fields.
export type StaffNotification =
  | {
      id: string;
      at: string;
      kind: 'sla_breached';
      caseId: string;
      caseKind: CaseKind;
      message: string;
    }
  | {
      id: string;
      at: string;
      /** The holiday data ends within 60 days: about no case in particular. */
      kind: 'calendar_runway';
      caseId: null;
      caseKind: null;
      message: string;
      calendar: { version: string; lastCoveredDate: string; daysLeft: number };
    };

export type CompareBody = Schemas['CompareDto'];
export type ComparedIdentity = Schemas['ComparedIdentityDto'];
export type StaffMember = Schemas['StaffMemberDto'];
export type BulkReassignBody = Schemas['BulkReassignDto'];
export type BulkReleaseBody = Schemas['BulkReleaseDto'];
export type BulkCaseResult = Schemas['BulkCaseResultDto'];
export type BulkResults = Schemas['BulkResultsDto'];
export type AuditEntry = Schemas['AuditEntryDto'];
export type AuditAction = AuditEntry['action'];
export type AuditPage = Omit<Schemas['AuditPageDto'], 'items'> & { items: AuditEntry[] };
