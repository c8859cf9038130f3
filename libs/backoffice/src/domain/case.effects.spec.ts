import { caseEffectsOf } from './case.effects';
import type { CaseEvent } from './case.events';
import { evolveCase } from './case.evolve';
import { initialCaseState } from './case.state';
import { CaseTimerKind } from './case.timers';
import { at, claimedBy, opened as openedCase } from './testing/case.fixtures';

const opened = openedCase();
const claimed = claimedBy('rev-1');

/** Given the case's past events, when these new ones are appended: what they cause. */
function given(history: CaseEvent[]) {
  const before = history.reduce(evolveCase, initialCaseState());
  return { when: (...events: CaseEvent[]) => caseEffectsOf(before, events) };
}

describe('what a case’s events cause', () => {
  it('arms the SLA when a case opens, and the claim lapse when it is claimed', () => {
    expect(given([]).when(opened)).toEqual({
      timers: [{ kind: CaseTimerKind.Sla, dueAt: at(48 * 60) }],
      messages: [],
    });
    expect(given([opened]).when(claimed)).toEqual({
      timers: [{ kind: CaseTimerKind.ClaimLapse, dueAt: at(31) }],
      messages: [],
    });
  });

  it('tells the user’s process of a decision, and cancels the case’s timers', () => {
    const decided: CaseEvent = {
      type: 'CaseDecided',
      data: {
        at: at(10),
        by: 'rev-1',
        outcome: 'rejected',
        reasonCode: 'blurred_certificate',
        userMessage: 'The photo is blurred.',
      },
    };
    expect(given([opened, claimed]).when(decided)).toEqual({
      timers: [
        { kind: CaseTimerKind.Sla, dueAt: null },
        { kind: CaseTimerKind.ClaimLapse, dueAt: null },
      ],
      messages: [
        {
          accountId: 'acct-1',
          kind: 'manual_review',
          caseId: 'case-1',
          at: at(10),
          decision: {
            outcome: 'rejected',
            reasonCode: 'blurred_certificate',
            userMessage: 'The photo is blurred.',
            final: false,
          },
        },
      ],
    });
  });

  it('asks the user for documents again, pausing the SLA', () => {
    const requested: CaseEvent = {
      type: 'DocumentsRequested',
      data: {
        at: at(5),
        by: 'rev-1',
        documentKind: 'id_card_back',
        userMessage: 'Upload the back again.',
        slaRemainingMs: 60_000,
      },
    };
    const effects = given([opened, claimed]).when(requested);
    expect(effects.messages.map((m) => m.decision)).toEqual([
      {
        outcome: 'reupload_requested',
        documentKind: 'id_card_back',
        userMessage: 'Upload the back again.',
      },
    ]);
    expect(effects.timers).toContainEqual({ kind: CaseTimerKind.Sla, dueAt: null });
  });

  it('causes nothing for a document view that renews nothing', () => {
    const viewed: CaseEvent = {
      type: 'DocumentViewed',
      data: { at: at(2), by: 'boss-1', documentId: 'doc-1' },
    };
    expect(given([opened, claimed]).when(viewed)).toEqual({ timers: [], messages: [] });
  });
});
