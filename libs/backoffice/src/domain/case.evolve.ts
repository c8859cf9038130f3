import type { CaseEvent } from './case.events';
import { caseFactsOf, type CaseState, type OpenedCase, type SentBackProposal } from './case.state';

/**
 * Folds one event into the case. Events are facts, so this never throws: an event that
 * does not fit the status (which only a bug could have stored) changes nothing but the
 * time of the last event.
 */
export function evolveCase(state: CaseState, event: CaseEvent): CaseState {
  if (event.type === 'CaseOpened') {
    if (state.status !== 'none') return state;
    const { at, caseId, kind, accountId, holderAccountId, documentIds, dueAt, provisional } =
      event.data;
    return {
      status: 'open',
      caseId,
      kind,
      accountId,
      holderAccountId,
      openedAt: at,
      escalatedAt: null,
      documents: documentIds.map((id) => ({ id, addedAt: at, set: 1 })),
      pausedMs: 0,
      updatedAt: at,
      dueAt,
      claim: null,
      ...(provisional ? { provisionalDue: true } : {}),
    };
  }
  if (state.status === 'none') return state;
  const { at } = event.data;
  const s: OpenedCase = { ...state, updatedAt: at };
  const facts = caseFactsOf(s);
  switch (event.type) {
    case 'DeadlineConfirmed': {
      const { provisionalDue: _provisional, ...confirmed } = s;
      if (confirmed.status === 'decided') return s;
      return confirmed.status === 'awaiting_user'
        ? { ...confirmed, slaRemainingMs: confirmed.slaRemainingMs + event.data.shiftMs }
        : { ...confirmed, dueAt: event.data.dueAt };
    }
    case 'DocumentsAdded': {
      const set = Math.max(0, ...s.documents.map((d) => d.set)) + 1;
      const documents = [
        ...s.documents,
        ...event.data.documentIds.map((id) => ({ id, addedAt: at, set })),
      ];
      if (s.status !== 'awaiting_user') return { ...s, documents };
      // The user answered: the SLA clock runs again and the case is back in the queue.
      const paused = Date.parse(at) - Date.parse(s.reupload.requestedAt);
      return {
        ...facts,
        status: 'open',
        documents,
        pausedMs: s.pausedMs + Math.max(0, paused),
        dueAt: event.data.dueAt ?? addMs(at, s.slaRemainingMs),
        claim: null,
        ...sentBack(s),
      };
    }
    case 'CaseClaimed':
      return s.status === 'open'
        ? {
            ...facts,
            status: 'claimed',
            dueAt: s.dueAt,
            claim: { staffId: event.data.staffId, claimedAt: at, expiresAt: event.data.expiresAt },
            ...sentBack(s),
          }
        : s;
    case 'ClaimRenewed':
      return s.status === 'claimed'
        ? { ...s, claim: { ...s.claim, expiresAt: event.data.expiresAt } }
        : s;
    case 'ClaimReleased':
    case 'ClaimLapsed':
      return s.status === 'claimed'
        ? { ...facts, status: 'open', dueAt: s.dueAt, claim: null, ...sentBack(s) }
        : s;
    case 'CaseReassigned':
      return s.status === 'open' || s.status === 'claimed'
        ? {
            ...facts,
            status: 'claimed',
            dueAt: s.dueAt,
            claim: { staffId: event.data.to, claimedAt: at, expiresAt: event.data.expiresAt },
            ...sentBack(s),
          }
        : s;
    case 'DocumentsRequested':
      return s.status === 'claimed'
        ? {
            ...facts,
            status: 'awaiting_user',
            dueAt: null,
            slaRemainingMs: event.data.slaRemainingMs,
            claim: null,
            reupload: {
              documentKind: event.data.documentKind,
              userMessage: event.data.userMessage,
              requestedAt: at,
              requestedBy: event.data.by,
            },
            ...sentBack(s),
          }
        : s;
    case 'UpholdProposed':
      return s.status === 'claimed'
        ? {
            ...facts,
            status: 'awaiting_approval',
            dueAt: s.dueAt,
            claim: { staffId: s.claim.staffId, claimedAt: s.claim.claimedAt },
            proposal: {
              outcome: 'upheld',
              proposedBy: event.data.by,
              proposedAt: at,
              ...(event.data.internalNote ? { internalNote: event.data.internalNote } : {}),
              status: 'pending',
            },
          }
        : s;
    case 'ProposalApproved':
      // Always followed, in the same decision, by the CaseDecided it lets take effect,
      // which closes the proposal as approved.
      return s;
    case 'ProposalRejected':
    case 'ProposalLapsed':
      // Back to its author, who holds the case again with a fresh claim.
      return s.status === 'awaiting_approval'
        ? {
            ...facts,
            status: 'claimed',
            dueAt: s.dueAt,
            claim: {
              staffId: s.proposal.proposedBy,
              claimedAt: at,
              expiresAt: event.data.expiresAt,
            },
            proposal: {
              ...s.proposal,
              status: event.type === 'ProposalRejected' ? 'rejected' : 'lapsed',
            },
          }
        : s;
    case 'CaseDecided': {
      if (s.status !== 'claimed' && s.status !== 'awaiting_approval') return s;
      const { by, outcome, reasonCode, userMessage, internalNote, final, approvedBy } = event.data;
      return {
        ...facts,
        status: 'decided',
        dueAt: s.dueAt,
        claim: null,
        decision: {
          outcome,
          decidedBy: by,
          decidedAt: at,
          ...(reasonCode !== undefined ? { reasonCode } : {}),
          ...(userMessage !== undefined ? { userMessage } : {}),
          ...(internalNote !== undefined ? { internalNote } : {}),
          ...(final !== undefined ? { final } : {}),
          ...(approvedBy !== undefined ? { approvedBy } : {}),
        },
        ...(s.status === 'awaiting_approval'
          ? { proposal: { ...s.proposal, status: 'approved' as const } }
          : sentBack(s)),
      };
    }
    case 'CaseEscalated':
      return { ...s, escalatedAt: at };
    case 'DocumentViewed':
    case 'PersonalDataRevealed':
    case 'IdentityCompared':
      return event.data.claimExpiresAt && s.status === 'claimed'
        ? { ...s, claim: { ...s.claim, expiresAt: event.data.claimExpiresAt } }
        : s;
    default:
      return assertNever(event);
  }
}

/** The last proposal, if it went back to its author: carried from status to status. */
function sentBack(state: OpenedCase): { proposal?: SentBackProposal } {
  const proposal = state.proposal;
  return proposal?.status === 'rejected' || proposal?.status === 'lapsed' ? { proposal } : {};
}

export function assertNever(value: never): never {
  throw new Error(`Unexpected case event ${JSON.stringify(value)}`);
}

function addMs(iso: string, ms: number): string {
  return new Date(Date.parse(iso) + ms).toISOString();
}
