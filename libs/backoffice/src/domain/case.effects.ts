import type { CaseOutcome } from '@shiming/verification';
import type { TimerChange } from '@shiming/workflow';
import type { CaseEvent, CaseKind } from './case.events';
import { evolveCase } from './case.evolve';
import type { CaseState } from './case.state';
import { timerChanges } from './case.timers';

// What a case's events cause besides themselves, decided here as data and applied by
// the application in the transaction that appends them: the case's own timers, and what
// the user's verification process must hear of a decision.

/** What the user's process takes from a staff decision: its own contract. */
export type ProcessOutcome = CaseOutcome;

/** A decision for the account's verification process, taken in the same transaction. */
export interface ProcessMessage {
  accountId: string;
  kind: CaseKind;
  caseId: string;
  at: string;
  decision: ProcessOutcome;
}

export interface CaseEffects {
  timers: TimerChange[];
  messages: ProcessMessage[];
}

export function caseEffectsOf(before: CaseState, events: readonly CaseEvent[]): CaseEffects {
  const after = events.reduce(evolveCase, before);
  const messages: ProcessMessage[] = [];
  if (after.status !== 'none') {
    for (const event of events) {
      const decision = processOutcome(event);
      if (!decision) continue;
      messages.push({
        accountId: after.accountId,
        kind: after.kind,
        caseId: after.caseId,
        at: event.data.at,
        decision,
      });
    }
  }
  return { timers: timerChanges(before, after), messages };
}

function processOutcome(event: CaseEvent): ProcessOutcome | null {
  switch (event.type) {
    case 'DocumentsRequested':
      return {
        outcome: 'reupload_requested',
        documentKind: event.data.documentKind,
        userMessage: event.data.userMessage,
      };
    case 'CaseDecided':
      return decidedOutcome(event.data);
    default:
      return null;
  }
}

function decidedOutcome(
  decided: Extract<CaseEvent, { type: 'CaseDecided' }>['data'],
): ProcessOutcome {
  const { outcome, reasonCode = '', userMessage = '', final = false } = decided;
  switch (outcome) {
    case 'approved':
    case 'upheld':
      return { outcome };
    case 'rejected':
      return { outcome, reasonCode, userMessage, final };
    case 'denied':
      return { outcome, reasonCode, userMessage };
  }
}
