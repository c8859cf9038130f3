import type { CaseEvent } from './case.events';
import { evolveCase } from './case.evolve';
import { initialCaseState, type CaseState } from './case.state';
import { at, claimedBy, opened as openedCase } from './testing/case.fixtures';

const opened = (kind?: 'manual_review' | 'appeal') => openedCase(kind, ['doc-1']);
const claimed = (staffId: string) => claimedBy(staffId);
const requested: CaseEvent = {
  type: 'DocumentsRequested',
  data: {
    at: at(60),
    by: 'rev-1',
    documentKind: 'certificates',
    userMessage: 'Back side',
    slaRemainingMs: 47 * 3_600_000,
  },
};
const proposed: CaseEvent = { type: 'UpholdProposed', data: { at: at(5), by: 'sup-1' } };

const fold = (...events: CaseEvent[]): CaseState => events.reduce(evolveCase, initialCaseState());

const FACTS = [
  'accountId',
  'caseId',
  'claim',
  'documents',
  'dueAt',
  'escalatedAt',
  'holderAccountId',
  'kind',
  'openedAt',
  'pausedMs',
  'status',
  'updatedAt',
];
const keys = (state: CaseState) => Object.keys(state).sort();

describe('case evolve', () => {
  it('gives each status exactly its fields', () => {
    expect(fold()).toEqual({ status: 'none' });
    expect(keys(fold(opened()))).toEqual(FACTS);
    expect(keys(fold(opened(), claimed('rev-1')))).toEqual(FACTS);
    expect(keys(fold(opened(), claimed('rev-1'), requested))).toEqual(
      [...FACTS, 'reupload', 'slaRemainingMs'].sort(),
    );
    expect(keys(fold(opened('appeal'), claimed('sup-1'), proposed))).toEqual(
      [...FACTS, 'proposal'].sort(),
    );
    const decided: CaseEvent = {
      type: 'CaseDecided',
      data: { at: at(2), by: 'rev-1', outcome: 'approved' },
    };
    expect(keys(fold(opened(), claimed('rev-1'), decided))).toEqual([...FACTS, 'decision'].sort());
  });

  it('drops what waiting on the user needed when the user uploads, resuming the SLA', () => {
    const added: CaseEvent = {
      type: 'DocumentsAdded',
      data: { at: at(24 * 60), documentIds: ['doc-2'] },
    };
    const state = fold(opened(), claimed('rev-1'), requested, added);
    expect(keys(state)).toEqual(FACTS);
    expect(state).toMatchObject({
      status: 'open',
      claim: null,
      // Without a due time from the user's process: the time the SLA had left.
      dueAt: at(24 * 60 + 47 * 60),
      pausedMs: 23 * 3_600_000,
    });
  });

  it('keeps a proposal sent back to its author, and closes it as approved with the decision', () => {
    const rejected: CaseEvent = {
      type: 'ProposalRejected',
      data: { at: at(6), by: 'boss-1', expiresAt: at(36) },
    };
    const released: CaseEvent = {
      type: 'ClaimReleased',
      data: { at: at(7), staffId: 'sup-1', by: 'sup-1' },
    };
    const sentBack = fold(opened('appeal'), claimed('sup-1'), proposed, rejected, released);
    expect(sentBack).toMatchObject({
      status: 'open',
      claim: null,
      proposal: { proposedBy: 'sup-1', status: 'rejected' },
    });

    const approved = fold(
      opened('appeal'),
      claimed('sup-1'),
      proposed,
      { type: 'ProposalApproved', data: { at: at(6), by: 'boss-1' } },
      {
        type: 'CaseDecided',
        data: { at: at(6), by: 'sup-1', outcome: 'upheld', approvedBy: 'boss-1' },
      },
    );
    expect(approved).toMatchObject({
      status: 'decided',
      claim: null,
      proposal: { status: 'approved' },
      decision: { outcome: 'upheld', decidedBy: 'sup-1', approvedBy: 'boss-1' },
    });
  });

  it('keeps the proposer holding the case while a supervisor decides, without a lapse', () => {
    expect(fold(opened('appeal'), claimed('sup-1'), proposed)).toMatchObject({
      status: 'awaiting_approval',
      claim: { staffId: 'sup-1', claimedAt: at(1) },
      proposal: { status: 'pending', proposedBy: 'sup-1', proposedAt: at(5) },
    });
    const state = fold(opened('appeal'), claimed('sup-1'), proposed);
    expect(state.status === 'awaiting_approval' && 'expiresAt' in state.claim).toBe(false);
  });

  it('changes nothing but the time of the last event for an event that does not fit', () => {
    const open = fold(opened());
    const renewed: CaseEvent = {
      type: 'ClaimRenewed',
      data: { at: at(9), staffId: 'rev-1', expiresAt: at(39) },
    };
    expect(evolveCase(open, renewed)).toEqual({ ...open, updatedAt: at(9) });
    expect(evolveCase(open, opened('appeal'))).toBe(open);
    expect(evolveCase(fold(), renewed)).toEqual({ status: 'none' });
  });
});
