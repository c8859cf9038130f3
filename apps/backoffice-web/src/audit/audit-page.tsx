import { useState, type FormEvent } from 'react';
import { problemOf, type Problem } from '../api/client';
import { exportAudit, useAudit, type AuditFilter } from '../api/queries';
import type { AuditEntry } from '../api/types';
import { StaffSelect } from '../case/reassign-form';
import { reasonLabel } from '../case/reason-codes';
import { formatTime, shortId } from '../format';
import { translateOr, useT, type Translate } from '../i18n/i18n';
import { Link } from '../router';
import { Empty, Loading, ProblemView } from '../ui/states';

const NO_FILTER: AuditFilter = { staffId: '', accountId: '', from: '', to: '' };

/** A day picked in the form, as the instant it starts in Beijing. */
function beijingDayStart(day: string, plusDays = 0): string {
  if (!day) return '';
  const start = new Date(`${day}T00:00:00+08:00`);
  return new Date(start.getTime() + plusDays * 86_400_000).toISOString();
}

function details(t: Translate, entry: AuditEntry): string {
  const d = entry.details as Record<string, unknown>;
  const parts: string[] = [];
  if (Array.isArray(d.fields)) {
    parts.push(
      d.fields
        .map((f) => translateOr(t, `field.${String(f)}`, String(f)))
        .join(t('list.separator')),
    );
  }
  if (typeof d.outcome === 'string') parts.push(translateOr(t, `outcome.${d.outcome}`, d.outcome));
  if (typeof d.reasonCode === 'string' && entry.caseKind) {
    parts.push(reasonLabel(t, entry.caseKind, d.reasonCode));
  }
  if (typeof d.approvedBy === 'string') parts.push(t('summary.approvedBy', { who: d.approvedBy }));
  if (typeof d.approved === 'boolean') {
    parts.push(t(d.approved ? 'audit.proposalApproved' : 'audit.proposalSentBack'));
  }
  if (typeof d.searchedBy === 'string') {
    // The kind of value searched by; the value itself was never recorded.
    const field = translateOr(t, `search.by.${d.searchedBy}`, d.searchedBy);
    parts.push(t('audit.searchedBy', { field }));
    if (Array.isArray(d.caseIds)) {
      parts.push(t('audit.searchResults', { count: d.caseIds.length }));
    }
    if (d.nextPage === true) parts.push(t('audit.searchNextPage'));
  }
  if (typeof d.documentId === 'string') parts.push(shortId(d.documentId));
  if (typeof d.justification === 'string') parts.push(`“${d.justification}”`);
  if (d.filter && typeof d.filter === 'object') {
    const filter = d.filter as Record<string, string>;
    parts.push(
      Object.entries(filter)
        .map(([key, value]) =>
          key === 'from' || key === 'to' ? `${key}: ${formatTime(t, value)}` : `${key}: ${value}`,
        )
        .join(t('list.separator')) || t('audit.everything'),
    );
  }
  return parts.join(' · ');
}

/** Supervisors: what staff did across cases, by staff member, account and days; to CSV. */
export function AuditPage() {
  const t = useT();
  const [draft, setDraft] = useState({ staffId: '', accountId: '', fromDay: '', toDay: '' });
  const [filter, setFilter] = useState<AuditFilter>(NO_FILTER);
  const [exporting, setExporting] = useState(false);
  const [exportProblem, setExportProblem] = useState<Problem | null>(null);
  const audit = useAudit(filter);
  const rows = audit.data?.pages.flatMap((page) => page.items) ?? [];

  const apply = (event: FormEvent): void => {
    event.preventDefault();
    setFilter({
      staffId: draft.staffId,
      accountId: draft.accountId.trim(),
      from: beijingDayStart(draft.fromDay),
      // The last day picked is included: until the start of the next one.
      to: beijingDayStart(draft.toDay, 1),
    });
  };

  const download = async (): Promise<void> => {
    setExporting(true);
    setExportProblem(null);
    try {
      const blob = await exportAudit(filter);
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = `audit-${new Date().toISOString().slice(0, 10)}.csv`;
      link.click();
      URL.revokeObjectURL(url);
    } catch (error) {
      setExportProblem(problemOf(error));
    } finally {
      setExporting(false);
    }
  };

  return (
    <div className="queue-page" data-testid="audit-page">
      <section className="panel">
        <h1>{t('audit.title')}</h1>
        <p className="muted">{t('audit.intro')}</p>
        <form className="toolbar" onSubmit={apply} data-testid="audit-filter">
          <label className="field inline">
            <span>{t('audit.staff')}</span>
            <StaffSelect
              kind={null}
              value={draft.staffId}
              onChange={(staffId) => setDraft({ ...draft, staffId })}
              testId="audit-staff"
            />
          </label>
          <label className="field inline">
            <span>{t('audit.account')}</span>
            <input
              value={draft.accountId}
              onChange={(event) => setDraft({ ...draft, accountId: event.target.value })}
              maxLength={255}
              data-testid="audit-account"
            />
          </label>
          <label className="field inline">
            <span>{t('audit.from')}</span>
            <input
              type="date"
              value={draft.fromDay}
              onChange={(event) => setDraft({ ...draft, fromDay: event.target.value })}
              data-testid="audit-from"
            />
          </label>
          <label className="field inline">
            <span>{t('audit.to')}</span>
            <input
              type="date"
              value={draft.toDay}
              onChange={(event) => setDraft({ ...draft, toDay: event.target.value })}
              data-testid="audit-to"
            />
          </label>
          <button type="submit" className="button" data-testid="audit-apply">
            {t('audit.apply')}
          </button>
          <span className="spacer" />
          <button
            type="button"
            className="button primary"
            onClick={() => void download()}
            disabled={exporting}
            data-testid="audit-export"
            title={t('audit.exportNote')}
          >
            {exporting ? t('audit.exporting') : t('audit.export')}
          </button>
        </form>
        {exportProblem && (
          <ProblemView problem={exportProblem} testId="audit-export-error" compact />
        )}

        {audit.isError && !audit.data ? (
          <ProblemView
            problem={problemOf(audit.error)}
            testId="audit-error"
            onRetry={() => void audit.refetch()}
          />
        ) : !audit.data ? (
          <Loading testId="audit-loading" />
        ) : rows.length === 0 ? (
          <Empty testId="audit-empty">{t('audit.empty')}</Empty>
        ) : (
          <>
            <table className="queue-table" data-testid="audit-table">
              <thead>
                <tr>
                  <th>{t('audit.col.at')}</th>
                  <th>{t('audit.col.action')}</th>
                  <th>{t('audit.col.staff')}</th>
                  <th>{t('audit.col.case')}</th>
                  <th>{t('audit.col.account')}</th>
                  <th>{t('audit.col.details')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((entry) => (
                  <tr key={entry.eventId} data-testid="audit-row" data-action={entry.action}>
                    <td>{formatTime(t, entry.at)}</td>
                    <td>{t(`audit.action.${entry.action}`)}</td>
                    <td className="mono">{entry.staffId}</td>
                    <td>
                      {entry.caseId ? (
                        <Link
                          to={`/cases/${encodeURIComponent(entry.caseId)}`}
                          className="mono"
                          title={entry.caseId}
                        >
                          {shortId(entry.caseId)}
                        </Link>
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                    <td className="mono">{entry.accountId ?? '—'}</td>
                    <td>{details(t, entry)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <div className="load-more">
              {audit.hasNextPage ? (
                <button
                  type="button"
                  className="button"
                  onClick={() => void audit.fetchNextPage()}
                  disabled={audit.isFetchingNextPage}
                  data-testid="audit-load-more"
                >
                  {audit.isFetchingNextPage ? t('queue.loadingMore') : t('queue.loadMore')}
                </button>
              ) : (
                <span className="muted" data-testid="audit-end">
                  {t('audit.end', { count: rows.length })}
                </span>
              )}
            </div>
          </>
        )}
      </section>
    </div>
  );
}
