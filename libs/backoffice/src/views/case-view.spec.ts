import { evolveCase, initialCaseState, type CaseEvent, type OpenedCase } from '../domain';
import {
  at,
  claimedBy,
  opened as openedCase,
  reviewer,
  reviewer2,
  supervisor,
  support,
} from '../domain/testing/case.fixtures';
import { allowedActions, caseView } from './case-view';

const opened = (kind?: 'manual_review' | 'appeal') => openedCase(kind, ['doc-1']);
const claimed = (staffId: string) => claimedBy(staffId);

function stateOf(...events: CaseEvent[]): OpenedCase {
  const state = events.reduce(evolveCase, initialCaseState());
  if (state.status === 'none') throw new Error('not opened');
  return state;
}

const SUBJECT = { masked: { name: '张*', idNumber: '110101********123X' }, holderAccountId: null };

describe('the case as staff see it', () => {
  it('offers each caller the buttons of the case’s status', () => {
    const open = stateOf(opened());
    expect(allowedActions(open, reviewer)).toEqual(['claim', 'reveal']);
    expect(allowedActions(open, supervisor)).toEqual(['claim', 'reassign', 'reveal']);
    expect(allowedActions(open, support)).toEqual([]);
    expect(allowedActions(open, { id: 'acct-1', roles: ['reviewer'] })).toEqual([]);

    const held = stateOf(opened(), claimed('rev-1'));
    expect(allowedActions(held, reviewer)).toEqual([
      'claim',
      'release',
      'decide',
      'reveal',
      'compare',
    ]);
    expect(allowedActions(held, reviewer2)).toEqual(['reveal']);
    expect(allowedActions(held, supervisor)).toEqual(['release', 'reassign', 'reveal']);

    const proposed = stateOf(opened('appeal'), claimed('sup-1'), {
      type: 'UpholdProposed',
      data: { at: at(5), by: 'sup-1' },
    });
    expect(allowedActions(proposed, support)).toEqual(['reveal']);
    expect(allowedActions(proposed, supervisor)).toEqual(['approve', 'reveal']);
  });

  it('shows what each status carries, and null for what it does not', () => {
    const requested = stateOf(opened(), claimed('rev-1'), {
      type: 'DocumentsRequested',
      data: {
        at: at(60),
        by: 'rev-1',
        documentKind: 'certificates',
        userMessage: 'Back side',
        slaRemainingMs: 47 * 3_600_000,
      },
    });
    expect(caseView(requested, 3, SUBJECT, reviewer)).toMatchObject({
      status: 'awaiting_user',
      dueAt: null,
      slaRemainingMs: 47 * 3_600_000,
      assignee: null,
      claimExpiresAt: null,
      reupload: { documentKind: 'certificates', userMessage: 'Back side', requestedAt: at(60) },
      proposal: null,
      decision: null,
      subject: SUBJECT.masked,
      version: 3,
    });

    const held = stateOf(opened(), claimed('rev-1'));
    expect(caseView(held, 2, SUBJECT, reviewer)).toMatchObject({
      status: 'claimed',
      assignee: 'rev-1',
      claimedAt: at(1),
      claimExpiresAt: at(31),
      slaRemainingMs: null,
      reupload: null,
    });

    const decided = stateOf(opened(), claimed('rev-1'), {
      type: 'CaseDecided',
      data: { at: at(2), by: 'rev-1', outcome: 'approved' },
    });
    expect(caseView(decided, 3, SUBJECT, reviewer)).toMatchObject({
      status: 'decided',
      assignee: null,
      decidedAt: at(2),
      outcome: 'approved',
      decision: { outcome: 'approved', decidedBy: 'rev-1', approvedBy: null },
    });
  });

  it('puts an escalated case first in the queue only until it is decided', () => {
    const escalated: CaseEvent = {
      type: 'CaseEscalated',
      data: { at: at(48 * 60), dueAt: at(48 * 60) },
    };
    expect(caseView(stateOf(opened(), escalated), 2, SUBJECT, reviewer)).toMatchObject({
      escalated: true,
      priority: 1,
    });
    const decided = stateOf(opened(), claimed('rev-1'), escalated, {
      type: 'CaseDecided',
      data: { at: at(48 * 60 + 1), by: 'rev-1', outcome: 'approved' },
    });
    expect(caseView(decided, 4, SUBJECT, reviewer)).toMatchObject({
      escalated: true,
      priority: 0,
    });
  });
});
