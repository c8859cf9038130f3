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
  if (state.status === 'none' || state.status === 'decided') {
    return { [CaseTimerKind.Sla]: null, [CaseTimerKind.ClaimLapse]: null };
  }
  return {
    [CaseTimerKind.Sla]: state.escalatedAt === null ? state.dueAt : null,
    [CaseTimerKind.ClaimLapse]:
      state.status === 'claimed' ? (state.claim?.expiresAt ?? null) : null,
  };
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
