import { useCallback, useEffect, useRef, useState } from 'react';
import { getJson, problemOf, query, type Problem } from '../api/client';
import type { CaseKind, CasePage, CaseSummary, StatusFilter } from '../api/types';
import { hasRole, type Session } from '../auth/session';
import { syncClock } from '../clock';
import { formatTime, KIND_LABELS, KIND_SINGULAR, shortId, STATUS_LABELS } from '../format';
import { Link, navigate } from '../router';
import { Kbd, useShortcuts } from '../shortcuts';
import { DueCountdown } from '../ui/due-countdown';
import { Empty, Loading, ProblemView } from '../ui/states';
import { EscalatedFlag, StatusBadge } from '../ui/status-badge';
import { MetricsStrip } from './metrics-strip';
import { claimNextCase, kindsFor } from './next-case';
import { NotificationsPanel } from './notifications-panel';

const PAGE_SIZE = 50;
// The first page is refreshed this often while it is the only one loaded.
const REFRESH_MS = 30_000;
const STATUS_FILTERS: StatusFilter[] = [
  'open',
  'claimed',
  'awaiting_user',
  'awaiting_approval',
  'escalated',
  'decided',
  'withdrawn',
];

interface Listing {
  items: CaseSummary[];
  nextCursor: string | null;
}

// Escalated cases first, the API's order otherwise (a stable sort keeps it).
function escalatedFirst(items: CaseSummary[]): CaseSummary[] {
  return [...items].sort((a, b) => Number(b.escalated) - Number(a.escalated));
}

export function QueuePage({ session, params }: { session: Session; params: URLSearchParams }) {
  const kinds = kindsFor(session.roles);
  const requestedKind = params.get('kind') as CaseKind | null;
  const kind: CaseKind = requestedKind && kinds.includes(requestedKind) ? requestedKind : kinds[0];
  const status = (params.get('status') ?? '') as StatusFilter | '';
  const mine = params.get('mine') === '1';

  const [listing, setListing] = useState<Listing | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreProblem, setMoreProblem] = useState<Problem | null>(null);
  // The row that j / k moved to; none until the keyboard is used.
  const [selected, setSelected] = useState(-1);
  const [nextBusy, setNextBusy] = useState(false);
  const [nextMessage, setNextMessage] = useState<string | null>(null);
  const [nextProblem, setNextProblem] = useState<Problem | null>(null);
  const pages = useRef(1);

  const setFilter = (changes: Record<string, string | null>): void => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    const text = next.toString();
    navigate(text ? `/?${text}` : '/', { replace: true });
  };

  const listPath = useCallback(
    (cursor?: string) =>
      `/v1/backoffice/cases${query({
        kind,
        status: status || undefined,
        assignee: mine ? 'me' : undefined,
        limit: PAGE_SIZE,
        cursor,
      })}`,
    [kind, status, mine],
  );

  const load = useCallback(
    async (signal?: AbortSignal, quiet = false) => {
      if (!quiet) {
        setListing(null);
        setProblem(null);
      }
      try {
        const [page] = await Promise.all([getJson<CasePage>(listPath(), signal), syncClock()]);
        pages.current = 1;
        setListing({ items: page.items, nextCursor: page.nextCursor });
        setProblem(null);
      } catch (error) {
        if (signal?.aborted) return;
        setProblem(problemOf(error));
      }
    },
    [listPath],
  );

  useEffect(() => {
    const controller = new AbortController();
    setSelected(-1);
    setMoreProblem(null);
    void load(controller.signal);
    return () => controller.abort();
  }, [load]);

  useEffect(() => {
    const timer = window.setInterval(() => {
      if (!document.hidden && pages.current === 1) void load(undefined, true);
    }, REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [load]);

  const loadMore = async (): Promise<void> => {
    if (!listing?.nextCursor) return;
    setLoadingMore(true);
    setMoreProblem(null);
    try {
      const page = await getJson<CasePage>(listPath(listing.nextCursor));
      pages.current += 1;
      setListing({ items: [...listing.items, ...page.items], nextCursor: page.nextCursor });
    } catch (error) {
      setMoreProblem(problemOf(error));
    } finally {
      setLoadingMore(false);
    }
  };

  const nextCase = async (): Promise<void> => {
    setNextBusy(true);
    setNextMessage(null);
    setNextProblem(null);
    try {
      const claimed = await claimNextCase(kind);
      if (claimed) navigate(`/cases/${encodeURIComponent(claimed.id)}`);
      else
        setNextMessage(`Nothing to do: no open ${KIND_SINGULAR[kind].toLowerCase()} is waiting.`);
    } catch (error) {
      setNextProblem(problemOf(error));
    } finally {
      setNextBusy(false);
    }
  };

  const rows = listing ? escalatedFirst(listing.items) : [];
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

  return (
    <div
      className={supervisor ? 'queue-layout with-side' : 'queue-layout'}
      data-testid="queue-page"
    >
      <section className="queue-main">
        <MetricsStrip kinds={kinds} />
        <div className="toolbar">
          <div className="tabs" role="tablist" aria-label="Kind of case">
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
                {KIND_LABELS[option]}
              </button>
            ))}
          </div>
          <label className="inline-field">
            <span>Status</span>
            <select
              value={status}
              onChange={(event) => setFilter({ status: event.target.value || null })}
              data-testid="queue-status-filter"
            >
              <option value="">Active (not decided)</option>
              {STATUS_FILTERS.map((option) => (
                <option key={option} value={option}>
                  {STATUS_LABELS[option]}
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
            <span>Mine only</span>
          </label>
          <span className="spacer" />
          <button
            type="button"
            className="button ghost"
            onClick={() => void load()}
            data-testid="queue-refresh"
          >
            Refresh
          </button>
          <button
            type="button"
            className="button primary"
            onClick={() => void nextCase()}
            disabled={nextBusy}
            data-testid="next-case"
          >
            {nextBusy ? 'Claiming…' : 'Next case'} <Kbd>n</Kbd>
          </button>
        </div>
        {nextMessage && (
          <p className="notice" data-testid="next-case-none" role="status">
            {nextMessage}
          </p>
        )}
        {nextProblem && <ProblemView problem={nextProblem} testId="next-case-error" compact />}

        {problem ? (
          <ProblemView problem={problem} testId="queue-error" onRetry={() => void load()} />
        ) : !listing ? (
          <Loading testId="queue-loading" label="Loading the queue…" />
        ) : rows.length === 0 ? (
          <Empty testId="queue-empty">
            <strong>No cases here.</strong>
            <span className="muted">
              {' '}
              Nothing in {KIND_LABELS[kind].toLowerCase()}
              {status ? ` with status “${STATUS_LABELS[status]}”` : ' waiting for a decision'}
              {mine ? ' assigned to you' : ''}.
            </span>
          </Empty>
        ) : (
          <>
            <table className="queue-table" data-testid="queue-table">
              <thead>
                <tr>
                  <th>Case</th>
                  <th>Account</th>
                  <th>Status</th>
                  <th>Due in</th>
                  <th>Opened</th>
                  <th>Assignee</th>
                  <th className="num">Docs</th>
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
                    <td>{formatTime(item.openedAt)}</td>
                    <td>{item.assignee ?? <span className="muted">—</span>}</td>
                    <td className="num">{item.documentCount}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <div className="load-more">
              {moreProblem && (
                <ProblemView problem={moreProblem} testId="queue-load-more-error" compact />
              )}
              {listing?.nextCursor ? (
                <button
                  type="button"
                  className="button"
                  onClick={() => void loadMore()}
                  disabled={loadingMore}
                  data-testid="queue-load-more"
                >
                  {loadingMore ? 'Loading…' : 'Load more'}
                </button>
              ) : (
                <span className="muted" data-testid="queue-end">
                  {rows.length} case{rows.length === 1 ? '' : 's'}, that is all.
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
