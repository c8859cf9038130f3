import type { CaseSummary } from '../api/types';
import { useNow } from '../clock';
import { formatDue, formatDuration, formatTime } from '../format';
import { useT } from '../i18n/i18n';

/**
 * Time left before the SLA in words ("剩余 1 天 3 小时", red once "超时 13 分钟"), with the
 * due time itself in Beijing time beside it; "paused" while the user is asked.
 */
export function DueCountdown({
  item,
  testId,
}: {
  item: Omit<CaseSummary, 'decidedBy' | 'reasonCode'> & { dueProvisional?: boolean };
  testId?: string;
}) {
  const t = useT();
  const now = useNow(1000);
  if (item.status === 'decided') {
    return (
      <span className="due due-none" data-testid={testId} data-due="none">
        —
      </span>
    );
  }
  if (item.status === 'awaiting_user' || !item.dueAt) {
    const left = item.slaRemainingMs;
    return (
      <span
        className="due due-paused"
        data-testid={testId}
        data-due="paused"
        title={t('due.paused.title')}
      >
        <span className="due-left">
          {left !== null
            ? t('due.pausedLeft', { duration: formatDuration(t, left) })
            : t('due.paused')}
        </span>
      </span>
    );
  }
  const remaining = Date.parse(item.dueAt) - now;
  // Under four hours left: worth a glance.
  const state = remaining <= 0 ? 'overdue' : remaining < 4 * 3600 * 1000 ? 'soon' : 'running';
  return (
    <span
      className={`due due-${state}`}
      data-testid={testId}
      data-due={state === 'overdue' ? 'overdue' : 'running'}
    >
      <span className="due-left" data-testid={testId ? `${testId}-left` : undefined}>
        {formatDue(t, remaining)}
      </span>
      <time
        className="due-at"
        dateTime={item.dueAt}
        data-testid={testId ? `${testId}-at` : undefined}
      >
        {formatTime(t, item.dueAt, now)}
      </time>
      {item.dueProvisional && (
        <span
          className="badge badge-provisional"
          title={t('due.provisional.title')}
          data-testid={testId ? `${testId}-provisional` : undefined}
        >
          {t('due.provisional')}
        </span>
      )}
    </span>
  );
}
