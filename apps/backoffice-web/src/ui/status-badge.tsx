import type { CaseOutcome, CaseStatus } from '../api/types';
import { statusLabel } from '../format';

export function StatusBadge({
  status,
  outcome = null,
  testId,
}: {
  status: CaseStatus;
  outcome?: CaseOutcome | null;
  testId?: string;
}) {
  return (
    <span className={`badge badge-${status}`} data-testid={testId} data-status={status}>
      {statusLabel(status, outcome)}
    </span>
  );
}

export function EscalatedFlag() {
  return (
    <span className="badge badge-escalated" title="The SLA passed without a decision">
      Escalated
    </span>
  );
}
