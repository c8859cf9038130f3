import type { CaseSummary } from '../api/types';
import { useNow } from '../clock';
import { formatDuration, formatTime } from '../format';

/** Time left before the SLA: live, red once overdue, "paused" while the user is asked. */
export function DueCountdown({ item, testId }: { item: CaseSummary; testId?: string }) {
  const now = useNow(1000);
  if (item.status === 'decided' || item.status === 'withdrawn') {
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
        title="The SLA clock waits for the user"
      >
        paused{left !== null ? ` · ${formatDuration(left)} left` : ''}
      </span>
    );
  }
  const remaining = Date.parse(item.dueAt) - now;
  if (remaining <= 0) {
    return (
      <span
        className="due due-overdue"
        data-testid={testId}
        data-due="overdue"
        title={`Due ${formatTime(item.dueAt)}`}
      >
        overdue {formatDuration(-remaining)}
      </span>
    );
  }
  // Under four hours left: worth a glance.
  const soon = remaining < 4 * 3600 * 1000;
  return (
    <span
      className={soon ? 'due due-soon' : 'due'}
      data-testid={testId}
      data-due="running"
      title={`Due ${formatTime(item.dueAt)}`}
    >
      {formatDuration(remaining)}
    </span>
  );
}
