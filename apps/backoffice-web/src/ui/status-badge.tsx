import type { CaseOutcome, CaseStatus } from '../api/types';
import { statusLabel } from '../format';
import { useT } from '../i18n/i18n';

export function StatusBadge({
  status,
  outcome = null,
  testId,
}: {
  status: CaseStatus;
  outcome?: CaseOutcome | null;
  testId?: string;
}) {
  const t = useT();
  return (
    <span className={`badge badge-${status}`} data-testid={testId} data-status={status}>
      {statusLabel(t, status, outcome)}
    </span>
  );
}

export function EscalatedFlag() {
  const t = useT();
  return (
    <span className="badge badge-escalated" title={t('badge.escalated.title')}>
      {t('badge.escalated')}
    </span>
  );
}
