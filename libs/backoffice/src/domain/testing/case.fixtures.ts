// Test data for the back office's specs: instants, staff, and the events that open and
// claim a case. No real person's data.
import type { Staff } from '../case.commands';
import type { CaseEvent } from '../case.events';

/** Monday 2 March 2026, 10:00 in Shanghai. */
export const T0 = '2026-03-02T02:00:00.000Z';

/** `T0` plus so many minutes. */
export const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

export const reviewer: Staff = { id: 'rev-1', roles: ['reviewer'] };
export const reviewer2: Staff = { id: 'rev-2', roles: ['reviewer'] };
export const support: Staff = { id: 'sup-1', roles: ['support'] };
export const supervisor: Staff = { id: 'boss-1', roles: ['supervisor'] };
export const supervisor2: Staff = { id: 'boss-2', roles: ['supervisor'] };

/** Case `case-1` about `acct-1` (an appeal against `acct-holder`), due in 48 hours. */
export const opened = (
  kind: 'manual_review' | 'appeal' = 'manual_review',
  documentIds = ['doc-1', 'doc-2'],
): CaseEvent => ({
  type: 'CaseOpened',
  data: {
    at: T0,
    caseId: 'case-1',
    kind,
    accountId: 'acct-1',
    holderAccountId: kind === 'appeal' ? 'acct-holder' : null,
    documentIds,
    dueAt: at(48 * 60),
  },
});

/** Claimed at `minute` by `staffId`, for 30 minutes. */
export const claimedBy = (staffId: string, minute = 1): CaseEvent => ({
  type: 'CaseClaimed',
  data: { at: at(minute), staffId, expiresAt: at(minute + 30) },
});
