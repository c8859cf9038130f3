import { useEffect, useState } from 'react';
import { problemOf, type Problem } from '../api/client';
import {
  claimNextCase,
  refreshAll,
  type CaseSearchTerm,
  useCaseList,
  useRefreshing,
  useRefreshTogether,
} from '../api/queries';
import type { CaseKind, CaseSort, CaseSummary, StatusFilter } from '../api/types';
import { hasRole, type Session } from '../auth/session';
import { formatTime, shortId } from '../format';
import { useT } from '../i18n/i18n';
import { Link, navigate } from '../router';
import { Kbd, useShortcuts } from '../shortcuts';
import { DueCountdown } from '../ui/due-countdown';
import { Empty, Loading, ProblemView } from '../ui/states';
import { EscalatedFlag, StatusBadge } from '../ui/status-badge';
import { CaseFilters, SORTS } from './case-filters';
import { beijingDayStart } from './search-terms';
import { CaseSearchBar } from './case-search-bar';
import { BulkBar } from './bulk-bar';
import { DecisionCell } from './decision-cell';
import { kindsFor } from './kinds';
import { MetricsStrip } from './metrics-strip';
import { NotificationsPanel } from './notifications-panel';

// The values the list route accepts (schema.d.ts), in the order of a case's life.
const STATUS_FILTERS: StatusFilter[] = [
  'open',
  'claimed',
  'awaiting_user',
  'awaiting_approval',
  'escalated',
  'decided',
  'all',
];

function isStatusFilter(value: string | null): value is StatusFilter {
  return STATUS_FILTERS.includes(value as StatusFilter);
}

// Escalated cases first, the API's order otherwise (a stable sort keeps it).
function escalatedFirst(items: CaseSummary[]): CaseSummary[] {
  return [...items].sort((a, b) => Number(b.escalated) - Number(a.escalated));
}

export function QueuePage({ session, params }: { session: Session; params: URLSearchParams }) {
  const t = useT();
  const kinds = kindsFor(session.roles);
  const requestedKind = params.get('kind') as CaseKind | null;
  const kind: CaseKind = requestedKind && kinds.includes(requestedKind) ? requestedKind : kinds[0];
  // An address from an older version (?status=withdrawn) shows the active cases.
  const requestedStatus = params.get('status');
  const status = isStatusFilter(requestedStatus) ? requestedStatus : null;
  const mine = params.get('mine') === '1';
  const requestedSort = params.get('sort') as CaseSort | null;
  const sort = requestedSort && SORTS.includes(requestedSort) ? requestedSort : undefined;
  const order = params.get('order') === 'desc' ? 'desc' : undefined;
  // Kept in memory only: an ID number or a mobile must not land in the address.
  const [search, setSearch] = useState<CaseSearchTerm | null>(null);
  const text = (name: string) => params.get(name) || undefined;
  const day = (name: string, addDays = 0) => {
    const value = params.get(name);
    return value ? beijingDayStart(value, addDays) : undefined;
  };

  const list = useCaseList({
    kind,
    status,
    mine,
    sort,
    order,
    decidedBy: text('decidedBy'),
    reasonCode: text('reasonCode'),
    openedFrom: day('openedFrom'),
    // The "to" day is included: the range ends when the next day starts.
    openedTo: day('openedTo', 1),
    decidedFrom: day('decidedFrom'),
    decidedTo: day('decidedTo', 1),
    ...(search ? { search } : {}),
  });
  const refreshing = useRefreshing();
  // The row that j / k moved to; none until the keyboard is used.
  const [selected, setSelected] = useState(-1);
  const [nextBusy, setNextBusy] = useState(false);
  const [nextNone, setNextNone] = useState(false);
  const [nextProblem, setNextProblem] = useState<Problem | null>(null);
  // Cases a supervisor picked for a bulk action.
  const [picked, setPicked] = useState<string[]>([]);
  const pick = (caseId: string, on: boolean): void =>
    setPicked((now) => (on ? [...now, caseId] : now.filter((id) => id !== caseId)));
  // Another list, other cases: nothing stays picked out of sight.
  useEffect(() => setPicked([]), [kind, status, mine]);

  useRefreshTogether();
  useEffect(() => setSelected(-1), [kind, status, mine, params, search]);

  const setFilter = (changes: Record<string, string | null>): void => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    const text = next.toString();
    navigate(text ? `/?${text}` : '/', { replace: true });
  };

  const nextCase = async (): Promise<void> => {
    setNextBusy(true);
    setNextNone(false);
    setNextProblem(null);
    try {
      const claimed = await claimNextCase(kind);
      if (claimed) navigate(`/cases/${encodeURIComponent(claimed.id)}`);
      else setNextNone(true);
    } catch (error) {
      setNextProblem(problemOf(error));
    } finally {
      setNextBusy(false);
    }
  };

  const listed = list.data ? list.data.pages.flatMap((page) => page.items) : [];
  // Another order asked for is the API's to keep.
  const rows = sort && sort !== 'queue' ? listed : escalatedFirst(listed);
  const open = (item: CaseSummary | undefined): void => {
    if (item) navigate(`/cases/${encodeURIComponent(item.id)}`);
  };

  useShortcuts({
    n: () => void nextCase(),
    j: () => setSelected((index) => Math.min(index + 1, Math.max(rows.length - 1, 0))),
    k: () => setSelected((index) => Math.max(index - 1, 0)),
    Enter: () => open(rows[selected]),
  });

  const supervisor = hasRole(session, 'supervisor');
  const mineValue = mine ? 'yes' : 'no';

  return (
    <div
      className={supervisor ? 'queue-layout with-side' : 'queue-layout'}
      data-testid="queue-page"
      data-refreshing={refreshing ? 'true' : 'false'}
    >
      <section className="queue-main">
        <MetricsStrip kinds={kinds} />
        <div className="toolbar">
          <div className="tabs" role="tablist" aria-label={t('queue.kindTabs')}>
            {kinds.map((option) => (
              <button
                key={option}
                type="button"
                role="tab"
                aria-selected={option === kind}
                className={option === kind ? 'tab active' : 'tab'}
                onClick={() => setFilter({ kind: option })}
                data-testid={`queue-kind-${option}`}
              >
                {t(`kind.${option}.plural`)}
              </button>
            ))}
          </div>
          <label className="inline-field">
            <span>{t('queue.status')}</span>
            <select
              value={status ?? ''}
              onChange={(event) => setFilter({ status: event.target.value || null })}
              data-testid="queue-status-filter"
            >
              <option value="">{t('queue.status.active')}</option>
              {STATUS_FILTERS.map((option) => (
                <option key={option} value={option}>
                  {t(`status.${option}`)}
                </option>
              ))}
            </select>
          </label>
          <label className="check">
            <input
              type="checkbox"
              checked={mine}
              onChange={(event) => setFilter({ mine: event.target.checked ? '1' : null })}
              data-testid="queue-mine-filter"
            />
            <span>{t('queue.mine')}</span>
          </label>
          <span className="spacer" />
          <button
            type="button"
            className="button ghost"
            onClick={() => void refreshAll()}
            disabled={refreshing}
            data-testid="queue-refresh"
          >
            {t('queue.refresh')}
          </button>
          <button
            type="button"
            className="button primary"
            onClick={() => void nextCase()}
            disabled={nextBusy}
            data-testid="next-case"
          >
            {nextBusy ? t('queue.claiming') : t('queue.next')} <Kbd>n</Kbd>
          </button>
        </div>
        <CaseSearchBar term={search} onSearch={setSearch} />
        <CaseFilters kind={kind} params={params} setFilter={setFilter} />
        {search && (
          <p className="notice" data-testid="case-search-active" role="status">
            {t('search.active', { by: t(`search.by.${search.by}`) })}
          </p>
        )}
        {nextNone && (
          <p className="notice" data-testid="next-case-none" role="status">
            {t(`queue.nothingToDo.${kind}`)}
          </p>
        )}
        {nextProblem && <ProblemView problem={nextProblem} testId="next-case-error" compact />}

        {list.isError && !list.data ? (
          <ProblemView
            problem={problemOf(list.error)}
            testId="queue-error"
            onRetry={() => void list.refetch()}
          />
        ) : !list.data ? (
          <Loading testId="queue-loading" label={t('queue.loading')} />
        ) : rows.length === 0 ? (
          <Empty testId="queue-empty">
            <strong>{t('queue.empty.title')}</strong>
            <span className="muted">
              {' '}
              {search
                ? t('search.none')
                : status
                  ? t('queue.empty.status', {
                      kind,
                      status: t(`status.${status}`),
                      mine: mineValue,
                    })
                  : t('queue.empty.active', { kind, mine: mineValue })}
            </span>
          </Empty>
        ) : (
          <>
            {list.isRefetchError && (
              <ProblemView problem={problemOf(list.error)} testId="queue-refresh-error" compact />
            )}
            {supervisor && <BulkBar kind={kind} picked={picked} onDone={() => setPicked([])} />}
            <table className="queue-table" data-testid="queue-table">
              <thead>
                <tr>
                  {supervisor && (
                    <th>
                      <input
                        type="checkbox"
                        aria-label={t('bulk.pickAll')}
                        checked={rows.length > 0 && rows.every((r) => picked.includes(r.id))}
                        onChange={(event) =>
                          setPicked(event.target.checked ? rows.map((r) => r.id) : [])
                        }
                        data-testid="queue-pick-all"
                      />
                    </th>
                  )}
                  <th>{t('queue.col.case')}</th>
                  <th>{t('queue.col.account')}</th>
                  <th>{t('queue.col.status')}</th>
                  <th>{t('queue.col.due')}</th>
                  <th>{t('queue.col.opened')}</th>
                  <th>{t('queue.col.assignee')}</th>
                  <th>{t('queue.col.decided')}</th>
                  <th className="num">{t('queue.col.docs')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((item, index) => (
                  <tr
                    key={item.id}
                    className={[
                      item.escalated ? 'escalated' : '',
                      index === selected ? 'selected' : '',
                    ].join(' ')}
                    onClick={() => open(item)}
                    data-testid="queue-row"
                    data-case-id={item.id}
                    data-escalated={item.escalated ? 'true' : 'false'}
                  >
                    {supervisor && (
                      <td onClick={(event) => event.stopPropagation()}>
                        <input
                          type="checkbox"
                          aria-label={t('bulk.pick')}
                          checked={picked.includes(item.id)}
                          onChange={(event) => pick(item.id, event.target.checked)}
                          data-testid="queue-row-pick"
                        />
                      </td>
                    )}
                    <td>
                      <Link
                        to={`/cases/${encodeURIComponent(item.id)}`}
                        className="mono"
                        // The row's own click opens the case: one navigation, not two.
                        onClick={(event) => event.stopPropagation()}
                        data-testid="queue-row-link"
                        title={item.id}
                      >
                        {shortId(item.id)}
                      </Link>
                      {item.escalated && <EscalatedFlag />}
                    </td>
                    <td className="mono">{item.accountId}</td>
                    <td>
                      <StatusBadge
                        status={item.status}
                        outcome={item.outcome}
                        testId="queue-row-status"
                      />
                    </td>
                    <td>
                      <DueCountdown item={item} testId="queue-row-due" />
                    </td>
                    <td>{formatTime(t, item.openedAt)}</td>
                    <td>{item.assignee ?? <span className="muted">—</span>}</td>
                    <td data-testid="queue-row-decided">
                      <DecisionCell item={item} />
                    </td>
                    <td className="num">{item.documentCount}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <div className="load-more">
              {list.isFetchNextPageError && (
                <ProblemView
                  problem={problemOf(list.error)}
                  testId="queue-load-more-error"
                  compact
                />
              )}
              {list.hasNextPage ? (
                <button
                  type="button"
                  className="button"
                  onClick={() => void list.fetchNextPage()}
                  disabled={list.isFetchingNextPage}
                  data-testid="queue-load-more"
                >
                  {list.isFetchingNextPage ? t('queue.loadingMore') : t('queue.loadMore')}
                </button>
              ) : (
                <span className="muted" data-testid="queue-end" data-count={rows.length}>
                  {t('queue.end', { count: rows.length })}
                </span>
              )}
            </div>
          </>
        )}
      </section>
      {supervisor && <NotificationsPanel />}
    </div>
  );
}
