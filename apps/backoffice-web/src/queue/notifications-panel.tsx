import { problemOf } from '../api/client';
import { useNotifications } from '../api/queries';
import type { StaffNotification } from '../api/types';
import { formatTime, shortId } from '../format';
import { useT, type Translate } from '../i18n/i18n';
import { Link } from '../router';
import { Empty, Loading, ProblemView } from '../ui/states';

/**
 * A notification in the reader's language, written from its kind and case: the API's
 * `message` is English prose, so it is not shown.
 */
function sentence(t: Translate, item: StaffNotification): string {
  if (item.kind === 'calendar_runway') {
    const { lastCoveredDate, daysLeft } = item.calendar;
    return t('notifications.calendar_runway.message', {
      date: lastCoveredDate,
      days: Math.max(0, daysLeft),
    });
  }
  const values = { kind: t(`kind.${item.caseKind}`), caseId: shortId(item.caseId) };
  return item.kind === 'sla_breached'
    ? t('notifications.sla_breached.message', values)
    : t('notifications.other.message', values);
}

/** Supervisors' notifications: SLA breaches, newest first. */
export function NotificationsPanel() {
  const t = useT();
  const { data, error, refetch } = useNotifications();
  const items = data?.items ?? null;

  return (
    <aside className="panel notifications" data-testid="notifications-panel">
      <h2>{t('notifications.title')}</h2>
      {error && !items ? (
        <ProblemView
          problem={problemOf(error)}
          testId="notifications-error"
          onRetry={() => void refetch()}
          compact
        />
      ) : !items ? (
        <Loading testId="notifications-loading" />
      ) : items.length === 0 ? (
        <Empty testId="notifications-empty">{t('notifications.empty')}</Empty>
      ) : (
        <ul className="notification-list">
          {items.map((item) =>
            item.kind === 'calendar_runway' ? (
              <li
                key={item.id}
                data-testid="notification-calendar"
                className={`notification ${item.kind}`}
              >
                <div className="notification-head">
                  <span className="badge badge-provisional">
                    {t('notifications.calendar_runway')}
                  </span>
                  <time dateTime={item.at}>{formatTime(t, item.at)}</time>
                </div>
                <p>{sentence(t, item)}</p>
              </li>
            ) : (
              <li
                key={item.id}
                data-testid="notification-item"
                data-case-id={item.caseId}
                className={`notification ${item.kind}`}
              >
                <div className="notification-head">
                  {item.kind === 'sla_breached' && (
                    <span className="badge badge-escalated">{t('notifications.sla_breached')}</span>
                  )}
                  <time dateTime={item.at}>{formatTime(t, item.at)}</time>
                </div>
                <p>{sentence(t, item)}</p>
                <Link to={`/cases/${encodeURIComponent(item.caseId)}`} className="mono">
                  {t(`kind.${item.caseKind}`)} {shortId(item.caseId)} →
                </Link>
              </li>
            ),
          )}
        </ul>
      )}
    </aside>
  );
}
