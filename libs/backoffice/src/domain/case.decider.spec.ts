import { decisionsOutside, unexercised } from '@shiming/workflow';
import type { CaseCommand, Staff } from './case.commands';
import type { CaseEvent } from './case.events';
import { CASE_TRANSITIONS } from './case.transitions';
import { timerChanges, wantedTimers, CaseTimerKind } from './case.timers';
import {
  at,
  claimedBy as claimedByStaff,
  opened,
  reviewer,
  reviewer2,
  supervisor,
  supervisor2,
  support,
  T0,
} from './testing/case.fixtures';
import { given, observed } from './testing/given-when-then';

// Given past case events, when a command, then these events or this error.
const claimedBy = (staff: Staff, minute = 1) => claimedByStaff(staff.id, minute);

describe('case decider', () => {
  describe('opening', () => {
    it('opens once; a repeated opening is nothing', () => {
      const command: CaseCommand = {
        type: 'OpenCase',
        data: { ...(opened().data as Extract<CaseEvent, { type: 'CaseOpened' }>['data']) },
      };
      const { history } = given([]).when(command).then([opened()]);
      given(history).when(command).then([]);
    });

    it('is not found before it is opened', () => {
      given([])
        .when({ type: 'ClaimCase', data: { at: T0, staff: reviewer } })
        .thenThrows('not_found');
    });
  });

  describe('claims', () => {
    it('one holder at a time; the holder renews; others are refused', () => {
      const { state, history } = given([opened()])
        .when({ type: 'ClaimCase', data: { at: at(1), staff: reviewer } })
        .then([claimedBy(reviewer)]);
      expect(state).toMatchObject({ status: 'claimed', claim: { staffId: 'rev-1' } });
      given(history)
        .when({ type: 'ClaimCase', data: { at: at(1), staff: reviewer2 } })
        .thenThrows('already_claimed');
      given(history)
        .when({ type: 'ClaimCase', data: { at: at(10), staff: reviewer } })
        .then([
          { type: 'ClaimRenewed', data: { at: at(10), staffId: 'rev-1', expiresAt: at(40) } },
        ]);
    });

    it('refuses the wrong role and one’s own account', () => {
      given([opened()])
        .when({ type: 'ClaimCase', data: { at: at(1), staff: support } })
        .thenThrows('forbidden');
      given([opened()])
        .when({
          type: 'ClaimCase',
          data: { at: at(1), staff: { id: 'acct-1', roles: ['reviewer'] } },
        })
        .thenThrows('own_case');
      given([opened('appeal')])
        .when({
          type: 'ClaimCase',
          data: { at: at(1), staff: { id: 'acct-holder', roles: ['support'] } },
        })
        .thenThrows('own_case');
    });

    it('lapses only when its time has come without activity', () => {
      const viewed: CaseEvent = {
        type: 'DocumentViewed',
        data: { at: at(20), by: 'rev-1', documentId: 'doc-1', claimExpiresAt: at(50) },
      };
      given([opened(), claimedBy(reviewer)])
        .when({ type: 'LapseClaim', data: { at: at(31) } })
        .then([{ type: 'ClaimLapsed', data: { at: at(31), staffId: 'rev-1' } }]);
      // Viewing a document kept it alive until minute 50.
      given([opened(), claimedBy(reviewer), viewed])
        .when({ type: 'LapseClaim', data: { at: at(31) } })
        .then([]);
    });

    it('release by the holder or a supervisor; reassignment by a supervisor only', () => {
      const claimed = [opened(), claimedBy(reviewer)];
      given(claimed)
        .when({ type: 'ReleaseCase', data: { at: at(2), staff: reviewer2 } })
        .thenThrows('not_holder');
      given(claimed)
        .when({ type: 'ReleaseCase', data: { at: at(2), staff: supervisor } })
        .then([{ type: 'ClaimReleased', data: { at: at(2), staffId: 'rev-1', by: 'boss-1' } }]);
      given(claimed)
        .when({ type: 'ReassignCase', data: { at: at(2), staff: reviewer, to: 'rev-2' } })
        .thenThrows('forbidden');
      const { state } = given(claimed)
        .when({ type: 'ReassignCase', data: { at: at(2), staff: supervisor, to: 'rev-2' } })
        .then([
          {
            type: 'CaseReassigned',
            data: { at: at(2), from: 'rev-1', to: 'rev-2', by: 'boss-1', expiresAt: at(32) },
          },
        ]);
      expect(state).toMatchObject({ status: 'claimed', claim: { staffId: 'rev-2' } });
    });

    it('asks who releases before what state the case is in', () => {
      // An unclaimed case: who may not release it is told so, not that it is unclaimed.
      given([opened('appeal')])
        .when({ type: 'ReleaseCase', data: { at: at(2), staff: reviewer } })
        .thenThrows('forbidden');
      given([opened()])
        .when({ type: 'ReleaseCase', data: { at: at(2), staff: reviewer } })
        .thenThrows('not_holder');
      given([opened()])
        .when({
          type: 'ReleaseCase',
          data: { at: at(2), staff: { id: 'acct-1', roles: ['supervisor'] } },
        })
        .thenThrows('own_case');
      given([opened()])
        .when({ type: 'ReleaseCase', data: { at: at(2), staff: supervisor } })
        .thenThrows('wrong_state');
    });
  });

  describe('decisions', () => {
    const claimed = [opened(), claimedBy(reviewer)];

    it('only the holder decides', () => {
      given([opened()])
        .when({ type: 'DecideCase', data: { at: at(2), staff: reviewer, outcome: 'approve' } })
        .thenThrows('not_holder');
      given(claimed)
        .when({ type: 'DecideCase', data: { at: at(2), staff: reviewer2, outcome: 'approve' } })
        .thenThrows('not_holder');
    });

    it('a rejection needs a listed reason and a message for the user', () => {
      given(claimed)
        .when({ type: 'DecideCase', data: { at: at(2), staff: reviewer, outcome: 'reject' } })
        .thenThrows('reason_required');
      given(claimed)
        .when({
          type: 'DecideCase',
          data: {
            at: at(2),
            staff: reviewer,
            outcome: 'reject',
            reasonCode: 'nope',
            userMessage: 'm',
          },
        })
        .thenThrows('unknown_reason_code');
      const { state } = given(claimed)
        .when({
          type: 'DecideCase',
          data: {
            at: at(2),
            staff: reviewer,
            outcome: 'reject',
            reasonCode: 'certificates_unreadable',
            userMessage: 'Please upload sharper photos.',
            internalNote: 'blurred',
          },
        })
        .then([
          {
            type: 'CaseDecided',
            data: {
              at: at(2),
              by: 'rev-1',
              outcome: 'rejected',
              reasonCode: 'certificates_unreadable',
              userMessage: 'Please upload sharper photos.',
              internalNote: 'blurred',
              final: false,
            },
          },
        ]);
      expect(state).toMatchObject({ status: 'decided', claim: null });
    });

    it('a re-upload request pauses the SLA; the upload resumes it with the time left', () => {
      const { state, history } = given(claimed)
        .when({
          type: 'DecideCase',
          data: {
            at: at(60),
            staff: reviewer,
            outcome: 'request_reupload',
            userMessage: 'Back side',
          },
        })
        .then([
          {
            type: 'DocumentsRequested',
            data: {
              at: at(60),
              by: 'rev-1',
              documentKind: 'certificates',
              userMessage: 'Back side',
              slaRemainingMs: 47 * 3_600_000,
            },
          },
        ]);
      expect(state).toMatchObject({ status: 'awaiting_user', dueAt: null, claim: null });
      expect(wantedTimers(state)).toEqual({
        [CaseTimerKind.Sla]: null,
        [CaseTimerKind.ClaimLapse]: null,
      });
      const resumedDue = at(24 * 60 + 47 * 60);
      const after = given(history)
        .when({
          type: 'AddDocuments',
          data: { at: at(24 * 60), documentIds: ['doc-3'], dueAt: resumedDue },
        })
        .then([
          {
            type: 'DocumentsAdded',
            data: { at: at(24 * 60), documentIds: ['doc-3'], dueAt: resumedDue },
          },
        ]);
      expect(after.state).toMatchObject({
        status: 'open',
        dueAt: resumedDue,
        pausedMs: 23 * 3_600_000,
        documents: expect.arrayContaining([{ id: 'doc-3', addedAt: at(24 * 60), set: 2 }]),
      });
    });
  });

  describe('four eyes on an upheld appeal', () => {
    const claimed = [opened('appeal'), claimedBy(support)];
    const proposed: CaseEvent = { type: 'UpholdProposed', data: { at: at(5), by: 'sup-1' } };

    it('approving an appeal is a proposal; a second supervisor makes it take effect', () => {
      given(claimed)
        .when({ type: 'DecideCase', data: { at: at(5), staff: support, outcome: 'approve' } })
        .then([proposed]);
      given([...claimed, proposed])
        .when({ type: 'ApproveProposal', data: { at: at(6), staff: supervisor, approve: true } })
        .then([
          { type: 'ProposalApproved', data: { at: at(6), by: 'boss-1' } },
          {
            type: 'CaseDecided',
            data: { at: at(6), by: 'sup-1', outcome: 'upheld', approvedBy: 'boss-1' },
          },
        ]);
    });

    it('the proposer may not approve; a support agent may not either', () => {
      const supervisorClaimed = [
        opened('appeal'),
        claimedBy(supervisor),
        { type: 'UpholdProposed', data: { at: at(5), by: 'boss-1' } } as CaseEvent,
      ];
      given(supervisorClaimed)
        .when({ type: 'ApproveProposal', data: { at: at(6), staff: supervisor, approve: true } })
        .thenThrows('own_proposal');
      given([...claimed, proposed])
        .when({ type: 'ApproveProposal', data: { at: at(6), staff: support, approve: true } })
        .thenThrows('forbidden');
    });

    it('new documents let the proposal lapse: approving it is a conflict', () => {
      const { state, history } = given([...claimed, proposed])
        .when({ type: 'AddDocuments', data: { at: at(7), documentIds: ['doc-9'] } })
        .then([
          {
            type: 'ProposalLapsed',
            data: { at: at(7), reason: 'documents_added', expiresAt: at(37) },
          },
          { type: 'DocumentsAdded', data: { at: at(7), documentIds: ['doc-9'] } },
        ]);
      expect(state).toMatchObject({ status: 'claimed', claim: { staffId: 'sup-1' } });
      given(history)
        .when({ type: 'ApproveProposal', data: { at: at(8), staff: supervisor2, approve: true } })
        .thenThrows('proposal_lapsed');
    });

    it('a rejected proposal goes back to its holder', () => {
      const { state } = given([...claimed, proposed])
        .when({ type: 'ApproveProposal', data: { at: at(6), staff: supervisor, approve: false } })
        .then([{ type: 'ProposalRejected', data: { at: at(6), by: 'boss-1', expiresAt: at(36) } }]);
      expect(state).toMatchObject({ status: 'claimed', claim: { staffId: 'sup-1' } });
    });
  });

  describe('SLA', () => {
    it('escalates once the due time passed, once, and never after a decision', () => {
      const due = at(48 * 60);
      const { history } = given([opened()])
        .when({ type: 'EscalateCase', data: { at: due } })
        .then([{ type: 'CaseEscalated', data: { at: due, dueAt: due } }]);
      given(history)
        .when({ type: 'EscalateCase', data: { at: due } })
        .then([]);
      given([opened()])
        .when({ type: 'EscalateCase', data: { at: at(60) } })
        .then([]);
    });

    it('keeps one SLA timer while undecided and none after', () => {
      const before = given([opened()]).state;
      const after = given([opened(), claimedBy(reviewer)]).state;
      expect(timerChanges(before, after)).toEqual([
        { kind: CaseTimerKind.ClaimLapse, dueAt: at(31) },
      ]);
      expect(wantedTimers(before)[CaseTimerKind.Sla]).toBe(at(48 * 60));
    });
  });

  // The histories of each status, for the steps every status allows.
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
  const proposedBySupport: CaseEvent = {
    type: 'UpholdProposed',
    data: { at: at(5), by: 'sup-1' },
  };
  const approved: CaseEvent = {
    type: 'CaseDecided',
    data: { at: at(2), by: 'rev-1', outcome: 'approved' },
  };
  const inStatus = {
    open: [opened()],
    claimed: [opened(), claimedBy(reviewer)],
    awaiting_user: [opened(), claimedBy(reviewer), requested],
    awaiting_approval: [opened('appeal'), claimedBy(support), proposedBySupport],
    decided: [opened(), claimedBy(reviewer), approved],
  };

  describe('a provisional due time', () => {
    const provisionally = (history: CaseEvent[]): CaseEvent[] => {
      const [first, ...rest] = history;
      return [{ ...first, data: { ...first.data, provisional: true } } as CaseEvent, ...rest];
    };
    const official = at(72 * 60);
    const confirm: CaseCommand = {
      type: 'ConfirmDeadline',
      data: { at: at(90), dueAt: official, shiftMs: 24 * 3_600_000 },
    };
    const confirmed: CaseEvent = {
      type: 'DeadlineConfirmed',
      data: { at: at(90), dueAt: official, shiftMs: 24 * 3_600_000 },
    };

    it('takes the official due time once, in every undecided status, and re-arms the SLA', () => {
      for (const status of ['open', 'claimed', 'awaiting_approval'] as const) {
        const before = given(provisionally(inStatus[status])).state;
        expect(before).toMatchObject({ provisionalDue: true, dueAt: at(48 * 60) });
        const { state, history } = given(provisionally(inStatus[status]))
          .when(confirm)
          .then([confirmed]);
        expect(state).toMatchObject({ status, dueAt: official });
        expect(state).not.toHaveProperty('provisionalDue');
        expect(timerChanges(before, state)).toContainEqual({
          kind: CaseTimerKind.Sla,
          dueAt: official,
        });
        given(history).when(confirm).then([]);
      }
    });

    it('moves the rest of a paused SLA while the case waits on the user', () => {
      const { state } = given(provisionally(inStatus.awaiting_user))
        .when(confirm)
        .then([confirmed]);
      expect(state).toMatchObject({ status: 'awaiting_user', slaRemainingMs: 71 * 3_600_000 });
    });

    it('does nothing for an official due time or a decided case', () => {
      given(inStatus.open).when(confirm).then([]);
      given(provisionally(inStatus.decided)).when(confirm).then([]);
    });
  });

  describe('reading', () => {
    it('records every document view and reveal, whatever the status', () => {
      for (const history of Object.values(inStatus)) {
        // Someone who may work the case's kind, and does not hold it.
        const staff = history === inStatus.awaiting_approval ? supervisor : reviewer2;
        given(history)
          .when({ type: 'ViewDocument', data: { at: at(70), staff, documentId: 'doc-2' } })
          .then([
            { type: 'DocumentViewed', data: { at: at(70), by: staff.id, documentId: 'doc-2' } },
          ]);
        given(history)
          .when({
            type: 'RevealPersonalData',
            data: { at: at(70), staff, field: 'idNumber', justification: 'Compare with the card' },
          })
          .then([
            {
              type: 'PersonalDataRevealed',
              data: {
                at: at(70),
                by: staff.id,
                field: 'idNumber',
                justification: 'Compare with the card',
              },
            },
          ]);
      }
    });

    it('the holder’s reading keeps their claim alive; the proposer’s has no claim to renew', () => {
      const { state } = given(inStatus.claimed)
        .when({ type: 'ViewDocument', data: { at: at(10), staff: reviewer, documentId: 'doc-1' } })
        .then([
          {
            type: 'DocumentViewed',
            data: { at: at(10), by: 'rev-1', documentId: 'doc-1', claimExpiresAt: at(40) },
          },
        ]);
      expect(wantedTimers(state)[CaseTimerKind.ClaimLapse]).toBe(at(40));
      given(inStatus.claimed)
        .when({
          type: 'RevealPersonalData',
          data: { at: at(10), staff: reviewer, field: 'name', justification: 'Spelling' },
        })
        .then([
          {
            type: 'PersonalDataRevealed',
            data: {
              at: at(10),
              by: 'rev-1',
              field: 'name',
              justification: 'Spelling',
              claimExpiresAt: at(40),
            },
          },
        ]);
      given(inStatus.awaiting_approval)
        .when({ type: 'ViewDocument', data: { at: at(10), staff: support, documentId: 'doc-1' } })
        .then([{ type: 'DocumentViewed', data: { at: at(10), by: 'sup-1', documentId: 'doc-1' } }]);
    });

    it('the holder compares name and ID number in one action, which renews the claim', () => {
      const { state } = given(inStatus.claimed)
        .when({
          type: 'CompareIdentity',
          data: { at: at(10), staff: reviewer, justification: 'Certificates beside the identity' },
        })
        .then([
          {
            type: 'IdentityCompared',
            data: {
              at: at(10),
              by: 'rev-1',
              fields: ['name', 'idNumber'],
              justification: 'Certificates beside the identity',
              claimExpiresAt: at(40),
            },
          },
        ]);
      expect(wantedTimers(state)[CaseTimerKind.ClaimLapse]).toBe(at(40));
    });

    it('refuses a comparison to anyone who does not hold the claim', () => {
      const compare = (staff: Staff) =>
        ({
          type: 'CompareIdentity',
          data: { at: at(10), staff, justification: 'Certificates beside the identity' },
        }) as const;
      given(inStatus.claimed).when(compare(reviewer2)).thenThrows('not_holder');
      given(inStatus.claimed).when(compare(supervisor)).thenThrows('not_holder');
      given(inStatus.open).when(compare(reviewer)).thenThrows('not_holder');
      given(inStatus.decided).when(compare(reviewer)).thenThrows('not_holder');
      given(inStatus.claimed).when(compare(support)).thenThrows('forbidden');
    });

    it('refuses a document the case does not have, and readers who may not work it', () => {
      given(inStatus.decided)
        .when({ type: 'ViewDocument', data: { at: at(10), staff: reviewer, documentId: 'doc-9' } })
        .thenThrows('not_found');
      given(inStatus.open)
        .when({ type: 'ViewDocument', data: { at: at(10), staff: support, documentId: 'doc-1' } })
        .thenThrows('forbidden');
      given(inStatus.awaiting_approval)
        .when({
          type: 'RevealPersonalData',
          data: {
            at: at(10),
            staff: { id: 'acct-holder', roles: ['supervisor'] },
            field: 'name',
            justification: 'x',
          },
        })
        .thenThrows('own_case');
    });
  });

  describe('the queue', () => {
    it('a supervisor assigns a case from the queue, never to the person it is about', () => {
      const { state } = given(inStatus.open)
        .when({ type: 'ReassignCase', data: { at: at(2), staff: supervisor, to: 'rev-2' } })
        .then([
          {
            type: 'CaseReassigned',
            data: { at: at(2), from: null, to: 'rev-2', by: 'boss-1', expiresAt: at(32) },
          },
        ]);
      expect(state).toMatchObject({ status: 'claimed', claim: { staffId: 'rev-2' } });
      given(inStatus.open)
        .when({ type: 'ReassignCase', data: { at: at(2), staff: supervisor, to: 'acct-1' } })
        .thenThrows('own_case');
      given(inStatus.claimed)
        .when({ type: 'ReassignCase', data: { at: at(2), staff: supervisor, to: 'rev-1' } })
        .then([]);
    });

    it('a supervisor hands a case only to someone whose roles work its kind, when known', () => {
      given(inStatus.open)
        .when({
          type: 'ReassignCase',
          data: { at: at(2), staff: supervisor, to: 'sup-1', toRoles: ['support'] },
        })
        .thenThrows('assignee_cannot_work');
      given(inStatus.open)
        .when({
          type: 'ReassignCase',
          data: { at: at(2), staff: supervisor, to: 'rev-2', toRoles: ['reviewer'] },
        })
        .then([
          {
            type: 'CaseReassigned',
            data: { at: at(2), from: null, to: 'rev-2', by: 'boss-1', expiresAt: at(32) },
          },
        ]);
    });

    it('a supervisor never reassigns a case about their own account', () => {
      given(inStatus.open)
        .when({
          type: 'ReassignCase',
          data: { at: at(2), staff: { id: 'acct-1', roles: ['supervisor'] }, to: 'rev-2' },
        })
        .thenThrows('own_case');
    });

    it('the holder gives the case back to the queue', () => {
      const { state } = given(inStatus.claimed)
        .when({ type: 'ReleaseCase', data: { at: at(2), staff: reviewer } })
        .then([{ type: 'ClaimReleased', data: { at: at(2), staffId: 'rev-1', by: 'rev-1' } }]);
      expect(state).toMatchObject({ status: 'open', claim: null });
      expect(wantedTimers(state)[CaseTimerKind.ClaimLapse]).toBeNull();
    });
  });

  describe('documents the user adds', () => {
    it('join the case as a new set while it is open or claimed, which stays as it was', () => {
      for (const history of [inStatus.open, inStatus.claimed]) {
        const { state } = given(history)
          .when({ type: 'AddDocuments', data: { at: at(5), documentIds: ['doc-3'] } })
          .then([{ type: 'DocumentsAdded', data: { at: at(5), documentIds: ['doc-3'] } }]);
        expect(state).toMatchObject({
          status: history === inStatus.open ? 'open' : 'claimed',
          documents: expect.arrayContaining([{ id: 'doc-3', addedAt: at(5), set: 2 }]),
        });
      }
    });

    it('change nothing once the case is decided', () => {
      given(inStatus.decided)
        .when({ type: 'AddDocuments', data: { at: at(5), documentIds: ['doc-3'] } })
        .then([]);
    });
  });

  describe('timers that fire late', () => {
    const due = at(48 * 60);

    it('escalate a held case, or one awaiting approval, once its due time passed', () => {
      const { state } = given(inStatus.claimed)
        .when({ type: 'EscalateCase', data: { at: due } })
        .then([{ type: 'CaseEscalated', data: { at: due, dueAt: due } }]);
      expect(state).toMatchObject({ status: 'claimed', escalatedAt: due });
      given(inStatus.awaiting_approval)
        .when({ type: 'EscalateCase', data: { at: due } })
        .then([{ type: 'CaseEscalated', data: { at: due, dueAt: due } }]);
    });

    it('escalate nothing while the user is asked to upload again, or after the decision', () => {
      given(inStatus.awaiting_user)
        .when({ type: 'EscalateCase', data: { at: due } })
        .then([]);
      given(inStatus.decided)
        .when({ type: 'EscalateCase', data: { at: due } })
        .then([]);
    });

    it('lapse no claim that was released meanwhile', () => {
      const released: CaseEvent = {
        type: 'ClaimReleased',
        data: { at: at(5), staffId: 'rev-1', by: 'rev-1' },
      };
      given([...inStatus.claimed, released])
        .when({ type: 'LapseClaim', data: { at: at(31) } })
        .then([]);
    });
  });

  describe('refusals: who acts first, then what the status allows', () => {
    it('a step the status does not allow is a wrong state, to those who may act', () => {
      given(inStatus.decided)
        .when({ type: 'ClaimCase', data: { at: at(5), staff: reviewer2 } })
        .thenThrows('wrong_state');
      given(inStatus.decided)
        .when({ type: 'ClaimCase', data: { at: at(5), staff: support } })
        .thenThrows('forbidden');
      given(inStatus.decided)
        .when({
          type: 'ClaimCase',
          data: { at: at(5), staff: { id: 'acct-1', roles: ['reviewer'] } },
        })
        .thenThrows('own_case');
      given(inStatus.awaiting_user)
        .when({ type: 'DecideCase', data: { at: at(70), staff: reviewer, outcome: 'approve' } })
        .thenThrows('wrong_state');
      given(inStatus.awaiting_approval)
        .when({ type: 'ReassignCase', data: { at: at(6), staff: supervisor, to: 'sup-2' } })
        .thenThrows('wrong_state');
      given(inStatus.open)
        .when({ type: 'ApproveProposal', data: { at: at(6), staff: supervisor, approve: true } })
        .thenThrows('wrong_state');
    });

    it('release of a case awaiting approval: not the holder’s to give back, a wrong state for a supervisor', () => {
      given(inStatus.awaiting_approval)
        .when({ type: 'ReleaseCase', data: { at: at(6), staff: support } })
        .thenThrows('not_holder');
      given(inStatus.awaiting_approval)
        .when({ type: 'ReleaseCase', data: { at: at(6), staff: supervisor } })
        .thenThrows('wrong_state');
    });

    it('a lapsed proposal stays lapsed for approvers after its claim went back to the queue', () => {
      const lapsed: CaseEvent[] = [
        {
          type: 'ProposalLapsed',
          data: { at: at(7), reason: 'documents_added', expiresAt: at(37) },
        },
        { type: 'DocumentsAdded', data: { at: at(7), documentIds: ['doc-9'] } },
        { type: 'ClaimLapsed', data: { at: at(37), staffId: 'sup-1' } },
      ];
      const { state } = given([...inStatus.awaiting_approval, ...lapsed]);
      expect(state).toMatchObject({ status: 'open', proposal: { status: 'lapsed' } });
      given([...inStatus.awaiting_approval, ...lapsed])
        .when({ type: 'ApproveProposal', data: { at: at(40), staff: supervisor, approve: true } })
        .thenThrows('proposal_lapsed');
    });
  });

  // Runs last: the specs above must have exercised the whole transition table.
  describe('transition table coverage', () => {
    it('every step the decider took is a row of the table', () => {
      expect(decisionsOutside(CASE_TRANSITIONS, observed())).toEqual([]);
    });

    it('every row, every target status and every event of the table was exercised', () => {
      expect(unexercised(CASE_TRANSITIONS, observed())).toEqual([]);
    });
  });
});
