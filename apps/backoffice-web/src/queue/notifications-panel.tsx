import { useCallback, useEffect, useState } from 'react';
import { getJson, problemOf, type Problem } from '../api/client';
import type { StaffNotification } from '../api/types';
import { formatTime, KIND_SINGULAR, shortId } from '../format';
import { Link } from '../router';
import { Empty, Loading, ProblemView } from '../ui/states';

const REFRESH_MS = 60_000;

/** Supervisors' notifications: SLA breaches, newest first. */
export function NotificationsPanel() {
  const [items, setItems] = useState<StaffNotification[] | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);

  const load = useCallback(async (signal?: AbortSignal) => {
    try {
      const page = await getJson<{ items: StaffNotification[] }>(
        '/v1/backoffice/notifications?limit=20',
        signal,
      );
      setItems(page.items);
      setProblem(null);
    } catch (error) {
      if (!signal?.aborted) setProblem(problemOf(error));
    }
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    void load(controller.signal);
    const timer = window.setInterval(() => void load(controller.signal), REFRESH_MS);
    return () => {
      controller.abort();
      window.clearInterval(timer);
    };
  }, [load]);

  return (
    <aside className="panel notifications" data-testid="notifications-panel">
      <h2>Notifications</h2>
      {problem ? (
        <ProblemView
          problem={problem}
          testId="notifications-error"
          onRetry={() => void load()}
          compact
        />
      ) : !items ? (
        <Loading testId="notifications-loading" />
      ) : items.length === 0 ? (
        <Empty testId="notifications-empty">
          No SLA breaches. All cases are within their time.
        </Empty>
      ) : (
        <ul className="notification-list">
          {items.map((item) => (
            <li
              key={item.id}
              data-testid="notification-item"
              className={`notification ${item.kind}`}
            >
              <div className="notification-head">
                <span className="badge badge-escalated">SLA breached</span>
                <time dateTime={item.at}>{formatTime(item.at)}</time>
              </div>
              <p>{item.message}</p>
              <Link to={`/cases/${encodeURIComponent(item.caseId)}`} className="mono">
                {KIND_SINGULAR[item.caseKind] ?? item.caseKind} {shortId(item.caseId)} →
              </Link>
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}
