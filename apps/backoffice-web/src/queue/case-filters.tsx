import { useReasonCodes } from '../api/queries';
import type { CaseKind, CaseSort } from '../api/types';
import { reasonLabel } from '../case/reason-codes';
import { useT } from '../i18n/i18n';

export const SORTS: CaseSort[] = ['queue', 'due', 'opened', 'decided'];

type Params = URLSearchParams;
type SetFilter = (changes: Record<string, string | null>) => void;

/**
 * Sorting and the filters beyond kind and status: who decided, the reason, and the days
 * (Beijing time) a case was opened or decided. All in the address, so a view can be
 * shared; none of them is personal data.
 */
export function CaseFilters({
  kind,
  params,
  setFilter,
}: {
  kind: CaseKind;
  params: Params;
  setFilter: SetFilter;
}) {
  const t = useT();
  const reasons = useReasonCodes(true);
  const sort = params.get('sort') ?? 'queue';
  const order = params.get('order') === 'desc' ? 'desc' : 'asc';
  const day = (name: 'openedFrom' | 'openedTo' | 'decidedFrom' | 'decidedTo') => (
    <input
      type="date"
      value={params.get(name) ?? ''}
      onChange={(event) => setFilter({ [name]: event.target.value || null })}
      aria-label={t(`filters.${name}`)}
      data-testid={`filter-${name}`}
    />
  );
  return (
    <div className="toolbar filters" data-testid="case-filters">
      <label className="inline-field">
        <span>{t('filters.sort')}</span>
        <select
          value={sort}
          onChange={(event) =>
            setFilter({ sort: event.target.value === 'queue' ? null : event.target.value })
          }
          data-testid="filter-sort"
        >
          {SORTS.map((option) => (
            <option key={option} value={option}>
              {t(`filters.sort.${option}`)}
            </option>
          ))}
        </select>
        <select
          value={order}
          onChange={(event) => setFilter({ order: event.target.value === 'desc' ? 'desc' : null })}
          aria-label={t('filters.order')}
          data-testid="filter-order"
        >
          <option value="asc">{t('filters.order.asc')}</option>
          <option value="desc">{t('filters.order.desc')}</option>
        </select>
      </label>
      <label className="inline-field">
        <span>{t('filters.reason')}</span>
        <select
          value={params.get('reasonCode') ?? ''}
          onChange={(event) => setFilter({ reasonCode: event.target.value || null })}
          data-testid="filter-reason"
        >
          <option value="">{t('filters.any')}</option>
          {(reasons.data?.[kind] ?? []).map((reason) => (
            <option key={reason.code} value={reason.code}>
              {reasonLabel(t, kind, reason.code, reason.label)}
            </option>
          ))}
        </select>
      </label>
      <label className="inline-field">
        <span>{t('filters.decidedBy')}</span>
        <input
          type="text"
          defaultValue={params.get('decidedBy') ?? ''}
          onBlur={(event) => setFilter({ decidedBy: event.target.value.trim() || null })}
          onKeyDown={(event) => {
            if (event.key === 'Enter') {
              setFilter({ decidedBy: event.currentTarget.value.trim() || null });
            }
          }}
          placeholder={t('filters.staffId')}
          data-testid="filter-decided-by"
        />
      </label>
      <span className="inline-field">
        <span>{t('filters.opened')}</span>
        {day('openedFrom')}–{day('openedTo')}
      </span>
      <span className="inline-field">
        <span>{t('filters.decided')}</span>
        {day('decidedFrom')}–{day('decidedTo')}
      </span>
    </div>
  );
}
