import type { Decider } from '@shiming/workflow';
import type {
  ApproveProposal,
  CaseCommand,
  ClaimCase,
  DecideCase,
  ReassignCase,
  ReleaseCase,
  Staff,
} from './case.commands';
import {
  AlreadyClaimedError,
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
import { evolveCase } from './case.evolve';
import { DEFAULT_CASE_POLICY, type CasePolicy } from './case.policy';
import { initialCaseState, type CaseState, type OpenedCase } from './case.state';
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

export function decideCase(
  command: CaseCommand,
  state: CaseState,
  policy: CasePolicy = DEFAULT_CASE_POLICY,
): CaseEvent[] {
  const { at } = command.data;
  const expiresAt = addMs(at, policy.claimTtlMs);
  if (command.type === 'OpenCase') {
    if (state.status !== 'none') return [];
    const { caseId, kind, accountId, holderAccountId, documentIds, dueAt } = command.data;
    return [
      {
        type: 'CaseOpened',
        data: { at, caseId, kind, accountId, holderAccountId, documentIds, dueAt },
      },
    ];
  }
  if (state.status === 'none') throw new CaseNotFoundError();
  switch (command.type) {
    case 'AddDocuments': {
      if (state.status === 'decided') return [];
      const { documentIds, dueAt } = command.data;
      const added: CaseEvent = {
        type: 'DocumentsAdded',
        data: { at, documentIds, ...(dueAt ? { dueAt } : {}) },
      };
      return state.status === 'awaiting_approval'
        ? [{ type: 'ProposalLapsed', data: { at, reason: 'documents_added', expiresAt } }, added]
        : [added];
    }
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
    case 'ViewDocument': {
      const { staff, documentId } = command.data;
      assertMayWork(staff, state);
      if (!state.documents.some((d) => d.id === documentId)) {
        throw new UnknownDocumentError(documentId);
      }
      return [
        {
          type: 'DocumentViewed',
          data: { at, by: staff.id, documentId, ...renewal(state, staff, expiresAt) },
        },
      ];
    }
    case 'RevealPersonalData': {
      const { staff, field, justification } = command.data;
      assertMayWork(staff, state);
      return [
        {
          type: 'PersonalDataRevealed',
          data: { at, by: staff.id, field, justification, ...renewal(state, staff, expiresAt) },
        },
      ];
    }
    case 'EscalateCase':
      return state.status !== 'decided' &&
        state.escalatedAt === null &&
        state.dueAt !== null &&
        state.dueAt <= at
        ? [{ type: 'CaseEscalated', data: { at, dueAt: state.dueAt } }]
        : [];
    case 'LapseClaim':
      return state.status === 'claimed' && state.claim && state.claim.expiresAt <= at
        ? [{ type: 'ClaimLapsed', data: { at, staffId: state.claim.staffId } }]
        : [];
  }
}

function claim({ data }: ClaimCase, state: OpenedCase, expiresAt: string): CaseEvent[] {
  const { at, staff } = data;
  assertMayWork(staff, state);
  if (state.status === 'claimed' && state.claim) {
    if (state.claim.staffId !== staff.id) throw new AlreadyClaimedError(state.claim.staffId);
    return [{ type: 'ClaimRenewed', data: { at, staffId: staff.id, expiresAt } }];
  }
  if (state.status !== 'open') throw new CaseWrongStateError(state.status, 'claim');
  return [{ type: 'CaseClaimed', data: { at, staffId: staff.id, expiresAt } }];
}

function release({ data }: ReleaseCase, state: OpenedCase): CaseEvent[] {
  const { at, staff } = data;
  // Who may act comes first: a refusal must not tell a caller who may not what state it is in.
  assertMayWork(staff, state);
  const holder = state.status === 'claimed' ? state.claim?.staffId : undefined;
  if (holder !== staff.id && !staff.roles.includes('supervisor')) {
    throw new NotHolderError('release');
  }
  if (state.status !== 'claimed' || !state.claim) {
    throw new CaseWrongStateError(state.status, 'release');
  }
  return [{ type: 'ClaimReleased', data: { at, staffId: state.claim.staffId, by: staff.id } }];
}

function reassign({ data }: ReassignCase, state: OpenedCase, expiresAt: string): CaseEvent[] {
  const { at, staff, to, note } = data;
  if (!staff.roles.includes('supervisor')) {
    throw new CaseRoleError('Only a supervisor reassigns cases.');
  }
  if (state.status !== 'open' && state.status !== 'claimed') {
    throw new CaseWrongStateError(state.status, 'reassign');
  }
  if (isOwnCase(state, to)) throw new OwnCaseError();
  const from = state.status === 'claimed' && state.claim ? state.claim.staffId : null;
  if (from === to) return [];
  return [
    {
      type: 'CaseReassigned',
      data: { at, from, to, by: staff.id, expiresAt, ...(note ? { note } : {}) },
    },
  ];
}

function decide({ data }: DecideCase, state: OpenedCase): CaseEvent[] {
  const { at, staff, outcome } = data;
  assertMayWork(staff, state);
  if (state.status === 'open') throw new NotHolderError('decide');
  if (state.status !== 'claimed' || !state.claim) {
    throw new CaseWrongStateError(state.status, 'decide');
  }
  if (state.claim.staffId !== staff.id) throw new NotHolderError('decide');
  const internalNote = text(data.internalNote);
  const note = internalNote ? { internalNote } : {};
  switch (outcome) {
    case 'approve':
      return state.kind === 'manual_review'
        ? [{ type: 'CaseDecided', data: { at, by: staff.id, outcome: 'approved', ...note } }]
        : [{ type: 'UpholdProposed', data: { at, by: staff.id, ...note } }];
    case 'reject': {
      const reasonCode = text(data.reasonCode);
      const userMessage = text(data.userMessage);
      const problems = [
        ...(reasonCode ? [] : [missing('reasonCode', 'a rejection needs a reason code')]),
        ...(userMessage
          ? []
          : [missing('userMessage', 'a rejection needs a message for the user')]),
      ];
      if (problems.length) throw new InvalidDecisionError('reason_required', problems);
      if (!isReasonCode(state.kind, reasonCode!)) {
        throw new InvalidDecisionError('unknown_reason_code', [
          {
            field: 'reasonCode',
            code: 'unknown_reason_code',
            message: `${reasonCode} is not a reason code for a ${state.kind.replace('_', ' ')}`,
          },
        ]);
      }
      return [
        {
          type: 'CaseDecided',
          data: {
            at,
            by: staff.id,
            outcome: state.kind === 'manual_review' ? 'rejected' : 'denied',
            reasonCode: reasonCode!,
            userMessage: userMessage!,
            ...note,
            ...(state.kind === 'manual_review' ? { final: data.final ?? false } : {}),
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
      const remaining = state.dueAt ? Math.max(0, Date.parse(state.dueAt) - Date.parse(at)) : 0;
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
  }
}

function approve({ data }: ApproveProposal, state: OpenedCase, expiresAt: string): CaseEvent[] {
  const { at, staff, approve: approved } = data;
  if (!staff.roles.includes('supervisor')) {
    throw new CaseRoleError('The second approval of an upheld appeal needs a supervisor.');
  }
  if (isOwnCase(state, staff.id)) throw new OwnCaseError();
  const proposal = state.proposal;
  if (state.status !== 'awaiting_approval' || !proposal || proposal.status !== 'pending') {
    if (proposal?.status === 'lapsed') throw new ProposalLapsedError();
    throw new CaseWrongStateError(state.status, 'approve a proposal for');
  }
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

function assertMayWork(staff: Staff, state: OpenedCase): void {
  if (!mayWork(staff.roles, state.kind)) {
    throw new CaseRoleError(
      `Working a ${state.kind.replace('_', ' ')} needs the role ${WORKERS[state.kind].join(' or ')}.`,
    );
  }
  if (isOwnCase(state, staff.id)) throw new OwnCaseError();
}

/** Activity by the holder keeps the claim alive. */
function renewal(state: OpenedCase, staff: Staff, expiresAt: string): { claimExpiresAt?: string } {
  return state.status === 'claimed' && state.claim?.staffId === staff.id
    ? { claimExpiresAt: expiresAt }
    : {};
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
