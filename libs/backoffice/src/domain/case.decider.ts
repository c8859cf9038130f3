import type { Decider } from '@shiming/workflow';
import {
  isStaffCommand,
  type AddDocuments,
  type ConfirmDeadline,
  type ApproveProposal,
  type CaseCommand,
  type ClaimCase,
  type CompareIdentity,
  type DecideCase,
  type EscalateCase,
  type LapseClaim,
  type OpenCase,
  type ReassignCase,
  type ReleaseCase,
  type RevealPersonalData,
  type Staff,
  type StaffCommand,
  type ViewDocument,
} from './case.commands';
import {
  AlreadyClaimedError,
  AssigneeCannotWorkError,
  CaseNotFoundError,
  CaseRoleError,
  CaseWrongStateError,
  InvalidDecisionError,
  NotHolderError,
  OwnCaseError,
  OwnProposalError,
  ProposalLapsedError,
  UnknownDocumentError,
} from './case.errors';
import type { CaseEvent, CaseKind } from './case.events';
import { assertNever, evolveCase } from './case.evolve';
import { DEFAULT_CASE_POLICY, type CasePolicy } from './case.policy';
import {
  initialCaseState,
  isCaseIn,
  type CaseState,
  type CaseStateOf,
  type CaseStateStatus,
  type OpenedCase,
} from './case.state';
import { findCaseTransition, type CaseTransition } from './case.transitions';
import { isReasonCode } from './reason-codes';

export type CaseDecider = Decider<CaseState, CaseCommand, CaseEvent>;

const WORKERS: Record<CaseKind, readonly string[]> = {
  manual_review: ['reviewer', 'supervisor'],
  appeal: ['support', 'supervisor'],
};

/** Whether the staff member's roles let them work cases of this kind. */
export function mayWork(roles: readonly string[], kind: CaseKind): boolean {
  return WORKERS[kind].some((role) => roles.includes(role));
}

/** The kinds of case these roles may work. */
export function kindsFor(roles: readonly string[]): CaseKind[] {
  return (Object.keys(WORKERS) as CaseKind[]).filter((kind) => mayWork(roles, kind));
}

/** Whether the case is about the staff member's own account (applicant or holder). */
export function isOwnCase(state: OpenedCase, staffId: string): boolean {
  return state.accountId === staffId || state.holderAccountId === staffId;
}

export function createCaseDecider(policy: CasePolicy = DEFAULT_CASE_POLICY): CaseDecider {
  return {
    initialState: initialCaseState,
    evolve: evolveCase,
    decide: (command, state) => decideCase(command, state, policy),
  };
}

/**
 * Turns a command into the events it causes in the current status, or throws a domain
 * error. Before its opening a case is not found. A staff command is asked who acts first
 * (roles, own account, holder), then refused (`wrong_state`) if its status has no row in
 * the transition table; a system command with no row (a repeated intake, a late timer)
 * does nothing. Every decision is checked against its row.
 */
export function decideCase(
  command: CaseCommand,
  state: CaseState,
  policy: CasePolicy = DEFAULT_CASE_POLICY,
): CaseEvent[] {
  const row = findCaseTransition(state.status, command.type);
  if (state.status === 'none') {
    if (!row) throw new CaseNotFoundError();
  } else if (isStaffCommand(command)) {
    // Who may act comes first: a refusal must not tell a caller who may not what state it is in.
    assertMayAct(command, state);
    if (!row) throw notAllowed(command, state);
  } else if (!row) {
    return [];
  }
  const events = decideStep(command, state, policy);
  assertWithinRow(row, state, events);
  return events;
}

function decideStep(command: CaseCommand, state: CaseState, policy: CasePolicy): CaseEvent[] {
  const expiresAt = addMs(command.data.at, policy.claimTtlMs);
  switch (command.type) {
    case 'OpenCase':
      return open(command, state);
    case 'AddDocuments':
      return addDocuments(command, state, expiresAt);
    case 'ConfirmDeadline':
      return confirmDeadline(command, state);
    case 'ClaimCase':
      return claim(command, state, expiresAt);
    case 'ReleaseCase':
      return release(command, state);
    case 'ReassignCase':
      return reassign(command, state, expiresAt);
    case 'DecideCase':
      return decide(command, state);
    case 'ApproveProposal':
      return approve(command, state, expiresAt);
    case 'ViewDocument':
      return viewDocument(command, state, expiresAt);
    case 'RevealPersonalData':
      return reveal(command, state, expiresAt);
    case 'CompareIdentity':
      return compare(command, state, expiresAt);
    case 'EscalateCase':
      return escalate(command, state);
    case 'LapseClaim':
      return lapseClaim(command, state);
    default:
      return assertNever(command);
  }
}

// ── who acts ────────────────────────────────────────────────────────────────────────

/** Roles, one's own account, and holding the case, whatever the case's status. */
function assertMayAct(command: StaffCommand, state: OpenedCase): void {
  const { staff } = command.data;
  const supervisor = staff.roles.includes('supervisor');
  switch (command.type) {
    case 'ClaimCase':
    case 'ViewDocument':
    case 'RevealPersonalData':
      return assertMayWork(staff, state);
    case 'ReleaseCase':
      assertMayWork(staff, state);
      if (holderOf(state) !== staff.id && !supervisor) throw new NotHolderError('release');
      return;
    case 'CompareIdentity':
      assertMayWork(staff, state);
      // Both fields at once is the holder's tool; anyone else reveals one field at a time.
      if (holderOf(state) !== staff.id) throw new NotHolderError('compare identities on');
      return;
    case 'DecideCase':
      assertMayWork(staff, state);
      // While a case is in the queue or held, only its holder decides.
      if ((state.status === 'open' || state.status === 'claimed') && holderOf(state) !== staff.id) {
        throw new NotHolderError('decide');
      }
      return;
    case 'ReassignCase':
      if (!supervisor) throw new CaseRoleError('Only a supervisor reassigns cases.');
      // Nor one about their own account: the answer shows the case, its notes too.
      if (isOwnCase(state, staff.id)) throw new OwnCaseError();
      return;
    case 'ApproveProposal':
      if (!supervisor) {
        throw new CaseRoleError('The second approval of an upheld appeal needs a supervisor.');
      }
      if (isOwnCase(state, staff.id)) throw new OwnCaseError();
      return;
    default:
      return assertNever(command);
  }
}

function assertMayWork(staff: Staff, state: OpenedCase): void {
  if (!mayWork(staff.roles, state.kind)) {
    throw new CaseRoleError(
      `Working a ${state.kind.replace('_', ' ')} needs the role ${WORKERS[state.kind].join(' or ')}.`,
    );
  }
  if (isOwnCase(state, staff.id)) throw new OwnCaseError();
}

/** The staff member whose claim is running, if any. */
function holderOf(state: OpenedCase): string | null {
  return state.status === 'claimed' ? state.claim.staffId : null;
}

// What a staff command the status has no row for is refused with, in the error's words.
const ACTIONS: { [T in StaffCommand['type']]: string } = {
  ClaimCase: 'claim',
  ReleaseCase: 'release',
  ReassignCase: 'reassign',
  DecideCase: 'decide',
  ApproveProposal: 'approve a proposal for',
  ViewDocument: 'view a document of',
  RevealPersonalData: 'reveal the personal data of',
  CompareIdentity: 'compare the identity of',
};

function notAllowed(command: StaffCommand, state: OpenedCase): Error {
  if (command.type === 'ApproveProposal' && state.proposal?.status === 'lapsed') {
    return new ProposalLapsedError();
  }
  return new CaseWrongStateError(state.status, ACTIONS[command.type]);
}

// ── the intake and the timers ──────────────────────────────────────────────────────

function open({ data }: OpenCase, state: CaseState): CaseEvent[] {
  inStatus(state, ['none'], 'open');
  const { at, caseId, kind, accountId, holderAccountId, documentIds, dueAt, provisional } = data;
  return [
    {
      type: 'CaseOpened',
      data: {
        at,
        caseId,
        kind,
        accountId,
        holderAccountId,
        documentIds,
        dueAt,
        ...(provisional ? { provisional } : {}),
      },
    },
  ];
}

/** Once: a due time already official stays as it is. */
function confirmDeadline({ data }: ConfirmDeadline, state: CaseState): CaseEvent[] {
  const s = inStatus(state, ['open', 'claimed', 'awaiting_user', 'awaiting_approval'], 'confirm');
  if (!s.provisionalDue) return [];
  return [
    { type: 'DeadlineConfirmed', data: { at: data.at, dueAt: data.dueAt, shiftMs: data.shiftMs } },
  ];
}

function addDocuments({ data }: AddDocuments, state: CaseState, expiresAt: string): CaseEvent[] {
  const s = inStatus(state, ['open', 'claimed', 'awaiting_user', 'awaiting_approval'], 'add to');
  const { at, documentIds, dueAt } = data;
  const added: CaseEvent = {
    type: 'DocumentsAdded',
    data: { at, documentIds, ...(dueAt ? { dueAt } : {}) },
  };
  return s.status === 'awaiting_approval'
    ? [{ type: 'ProposalLapsed', data: { at, reason: 'documents_added', expiresAt } }, added]
    : [added];
}

function escalate({ data }: EscalateCase, state: CaseState): CaseEvent[] {
  const s = inStatus(state, ['open', 'claimed', 'awaiting_approval'], 'escalate');
  return s.escalatedAt === null && s.dueAt <= data.at
    ? [{ type: 'CaseEscalated', data: { at: data.at, dueAt: s.dueAt } }]
    : [];
}

function lapseClaim({ data }: LapseClaim, state: CaseState): CaseEvent[] {
  const s = inStatus(state, ['claimed'], 'lapse the claim on');
  return s.claim.expiresAt <= data.at
    ? [{ type: 'ClaimLapsed', data: { at: data.at, staffId: s.claim.staffId } }]
    : [];
}

// ── claims ──────────────────────────────────────────────────────────────────────────

function claim({ data }: ClaimCase, state: CaseState, expiresAt: string): CaseEvent[] {
  const { at, staff } = data;
  const s = inStatus(state, ['open', 'claimed'], 'claim');
  if (s.status === 'open') {
    return [{ type: 'CaseClaimed', data: { at, staffId: staff.id, expiresAt } }];
  }
  if (s.claim.staffId !== staff.id) throw new AlreadyClaimedError(s.claim.staffId);
  return [{ type: 'ClaimRenewed', data: { at, staffId: staff.id, expiresAt } }];
}

function release({ data }: ReleaseCase, state: CaseState): CaseEvent[] {
  const s = inStatus(state, ['claimed'], 'release');
  return [
    { type: 'ClaimReleased', data: { at: data.at, staffId: s.claim.staffId, by: data.staff.id } },
  ];
}

function reassign({ data }: ReassignCase, state: CaseState, expiresAt: string): CaseEvent[] {
  const { at, staff, to, note } = data;
  const s = inStatus(state, ['open', 'claimed'], 'reassign');
  if (isOwnCase(s, to)) throw new OwnCaseError();
  if (data.toRoles && !mayWork(data.toRoles, s.kind)) throw new AssigneeCannotWorkError(s.kind);
  const from = s.status === 'claimed' ? s.claim.staffId : null;
  if (from === to) return [];
  return [
    {
      type: 'CaseReassigned',
      data: { at, from, to, by: staff.id, expiresAt, ...(note ? { note } : {}) },
    },
  ];
}

// ── decisions ───────────────────────────────────────────────────────────────────────

function decide({ data }: DecideCase, state: CaseState): CaseEvent[] {
  const { at, staff, outcome } = data;
  const s = inStatus(state, ['claimed'], 'decide');
  const internalNote = text(data.internalNote);
  const note = internalNote ? { internalNote } : {};
  switch (outcome) {
    case 'approve':
      return s.kind === 'manual_review'
        ? [{ type: 'CaseDecided', data: { at, by: staff.id, outcome: 'approved', ...note } }]
        : [{ type: 'UpholdProposed', data: { at, by: staff.id, ...note } }];
    case 'reject': {
      const reasonCode = text(data.reasonCode);
      const userMessage = text(data.userMessage);
      if (!reasonCode) {
        throw new InvalidDecisionError('reason_required', [
          missing('reasonCode', 'a rejection needs a reason code'),
        ]);
      }
      if (!isReasonCode(s.kind, reasonCode)) {
        throw new InvalidDecisionError('unknown_reason_code', [
          {
            field: 'reasonCode',
            code: 'unknown_reason_code',
            message: `${reasonCode} is not a reason code for a ${s.kind.replace('_', ' ')}`,
          },
        ]);
      }
      return [
        {
          type: 'CaseDecided',
          data: {
            at,
            by: staff.id,
            outcome: s.kind === 'manual_review' ? 'rejected' : 'denied',
            reasonCode,
            // Without the reviewer's own words, the user is told the reason's default
            // message, worded in their language when they read it.
            ...(userMessage ? { userMessage } : {}),
            ...note,
            ...(s.kind === 'manual_review' ? { final: data.final ?? false } : {}),
          },
        },
      ];
    }
    case 'request_reupload': {
      const userMessage = text(data.userMessage);
      if (!userMessage) {
        throw new InvalidDecisionError('message_required', [
          missing('userMessage', 'say what the user should upload again'),
        ]);
      }
      const remaining = Math.max(0, Date.parse(s.dueAt) - Date.parse(at));
      return [
        {
          type: 'DocumentsRequested',
          data: {
            at,
            by: staff.id,
            documentKind: text(data.documentKind) ?? 'certificates',
            userMessage,
            ...note,
            slaRemainingMs: remaining,
          },
        },
      ];
    }
    default:
      return assertNever(outcome);
  }
}

function approve({ data }: ApproveProposal, state: CaseState, expiresAt: string): CaseEvent[] {
  const { at, staff, approve: approved } = data;
  const s = inStatus(state, ['awaiting_approval'], 'approve a proposal for');
  const proposal = s.proposal;
  if (proposal.proposedBy === staff.id) throw new OwnProposalError();
  const note = text(data.note);
  const withNote = note ? { note } : {};
  if (!approved) {
    return [{ type: 'ProposalRejected', data: { at, by: staff.id, expiresAt, ...withNote } }];
  }
  return [
    { type: 'ProposalApproved', data: { at, by: staff.id, ...withNote } },
    {
      type: 'CaseDecided',
      data: {
        at,
        by: proposal.proposedBy,
        outcome: 'upheld',
        approvedBy: staff.id,
        ...(proposal.internalNote ? { internalNote: proposal.internalNote } : {}),
      },
    },
  ];
}

// ── reading ─────────────────────────────────────────────────────────────────────────

function viewDocument({ data }: ViewDocument, state: CaseState, expiresAt: string): CaseEvent[] {
  const { at, staff, documentId } = data;
  const s = opened(state);
  if (!s.documents.some((d) => d.id === documentId)) {
    throw new UnknownDocumentError(documentId);
  }
  return [
    {
      type: 'DocumentViewed',
      data: { at, by: staff.id, documentId, ...renewal(s, staff, expiresAt) },
    },
  ];
}

function reveal({ data }: RevealPersonalData, state: CaseState, expiresAt: string): CaseEvent[] {
  const { at, staff, field, justification } = data;
  const s = opened(state);
  return [
    {
      type: 'PersonalDataRevealed',
      data: { at, by: staff.id, field, justification, ...renewal(s, staff, expiresAt) },
    },
  ];
}

function compare({ data }: CompareIdentity, state: CaseState, expiresAt: string): CaseEvent[] {
  const { at, staff, justification } = data;
  const s = inStatus(state, ['claimed'], 'compare the identity of');
  return [
    {
      type: 'IdentityCompared',
      data: {
        at,
        by: staff.id,
        fields: ['name', 'idNumber'],
        justification,
        ...renewal(s, staff, expiresAt),
      },
    },
  ];
}

/** Activity by the holder keeps the claim alive. */
function renewal(state: OpenedCase, staff: Staff, expiresAt: string): { claimExpiresAt?: string } {
  return holderOf(state) === staff.id ? { claimExpiresAt: expiresAt } : {};
}

// ── helpers ─────────────────────────────────────────────────────────────────────────

/**
 * The state narrowed to the statuses a step is written for. The transition table lets a
 * step run only in those, so this refuses nothing a caller can reach.
 */
function inStatus<S extends CaseStateStatus>(
  state: CaseState,
  statuses: readonly S[],
  action: string,
): CaseStateOf<S> {
  if (!isCaseIn(state, statuses)) throw new CaseWrongStateError(state.status, action);
  return state;
}

function opened(state: CaseState): OpenedCase {
  if (state.status === 'none') throw new CaseNotFoundError();
  return state;
}

function assertWithinRow(row: CaseTransition, state: CaseState, events: CaseEvent[]): void {
  if (events.length === 0) return;
  const stray = events.find((e) => !row.events.includes(e.type));
  const to = events.reduce(evolveCase, state).status;
  if (stray || !row.to.includes(to)) {
    throw new Error(
      `Transition outside the table: ${row.from} --${row.command}--> ${to} ` +
        `with [${events.map((e) => e.type).join(', ')}]`,
    );
  }
}

function text(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function missing(field: string, message: string) {
  return { field, code: 'required', message };
}

function addMs(iso: string, ms: number): string {
  return new Date(Date.parse(iso) + ms).toISOString();
}
