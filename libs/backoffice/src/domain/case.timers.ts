import { assertNever } from './case.evolve';
import type { CaseState } from './case.state';

/** The durable timers on a case's stream. */
export enum CaseTimerKind {
  /** The promise to the user (2 days; 3 working days): escalates, never decides. */
  Sla = 'case_sla',
  /** A claim without activity for the claim time goes back to the queue. */
  ClaimLapse = 'case_claim_lapse',
}

/** When each timer should fire for this state; null when it should not exist. */
export function wantedTimers(state: CaseState): Record<CaseTimerKind, string | null> {
  switch (state.status) {
    // Nothing before the opening or after the decision; the SLA is paused while the
    // user uploads again, and nobody holds the case.
    case 'none':
    case 'decided':
    case 'awaiting_user':
      return { [CaseTimerKind.Sla]: null, [CaseTimerKind.ClaimLapse]: null };
    case 'open':
    case 'awaiting_approval':
      return { [CaseTimerKind.Sla]: sla(state), [CaseTimerKind.ClaimLapse]: null };
    case 'claimed':
      return { [CaseTimerKind.Sla]: sla(state), [CaseTimerKind.ClaimLapse]: state.claim.expiresAt };
    default:
      return assertNever(state);
  }
}

/** The SLA fires once: not again after it escalated the case. */
function sla(state: { dueAt: string; escalatedAt: string | null }): string | null {
  return state.escalatedAt === null ? state.dueAt : null;
}

/** The timers to cancel and schedule to go from one state's timers to the other's. */
export function timerChanges(
  before: CaseState,
  after: CaseState,
): { kind: CaseTimerKind; dueAt: string | null }[] {
  const was = wantedTimers(before);
  const now = wantedTimers(after);
  return Object.values(CaseTimerKind)
    .filter((kind) => was[kind] !== now[kind])
    .map((kind) => ({ kind, dueAt: now[kind] }));
}
