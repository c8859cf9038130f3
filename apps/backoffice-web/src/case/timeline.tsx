import type { Problem } from '../api/client';
import type { CaseKind, TimelineItem } from '../api/types';
import { formatDuration, formatTime, shortId } from '../format';
import { translateOr, useT, type Translate } from '../i18n/i18n';
import { Empty, Loading, ProblemView } from '../ui/states';
import { reasonLabel } from './reason-codes';

// Details that hold an instant, a duration or a code, each shown in words.
const TIMES = new Set(['dueAt', 'expiresAt', 'claimExpiresAt']);

function detailValue(t: Translate, kind: CaseKind, key: string, value: unknown): string {
  if (TIMES.has(key) && typeof value === 'string') return formatTime(t, value);
  if ((key === 'slaRemainingMs' || key === 'shiftMs') && typeof value === 'number') {
    return formatDuration(t, value);
  }
  if (key === 'outcome' && typeof value === 'string') {
    return translateOr(t, `outcome.${value}`, value);
  }
  if (key === 'reasonCode' && typeof value === 'string') return reasonLabel(t, kind, value);
  if (key === 'kind' && typeof value === 'string') return translateOr(t, `kind.${value}`, value);
  if (key === 'field' && typeof value === 'string') return translateOr(t, `field.${value}`, value);
  if (key === 'fields' && Array.isArray(value)) {
    return value
      .map((f) => translateOr(t, `field.${String(f)}`, String(f)))
      .join(t('list.separator'));
  }
  if (key === 'documentKind' && typeof value === 'string') {
    return translateOr(t, `documentKind.${value}`, value);
  }
  if (key === 'reason' && typeof value === 'string') {
    return translateOr(t, `lapseReason.${value}`, value);
  }
  if (key === 'documentIds' && Array.isArray(value)) {
    return t('detail.documentCount', { count: value.length });
  }
  if (key === 'caseId' && typeof value === 'string') return shortId(value);
  if (typeof value === 'boolean') return value ? t('common.yes') : t('common.no');
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  return JSON.stringify(value);
}

function actorOf(t: Translate, item: TimelineItem): string {
  if (!item.actor) return t('actor.unknown');
  if (item.actor.type === 'system') return t('actor.system');
  const type = translateOr(t, `actor.type.${item.actor.type}`, item.actor.type);
  return item.actor.id ? t('actor.withType', { id: item.actor.id, type }) : type;
}

/** Every event of the case, with who did it and when: the audit trail, newest last. */
export function Timeline({
  kind,
  items,
  problem,
  onRetry,
}: {
  kind: CaseKind;
  items: TimelineItem[] | null;
  problem: Problem | null;
  onRetry: () => void;
}) {
  const t = useT();
  return (
    <section className="panel" data-testid="timeline">
      <h2>{t('timeline.title')}</h2>
      {problem && !items ? (
        <ProblemView problem={problem} testId="timeline-error" onRetry={onRetry} compact />
      ) : !items ? (
        <Loading testId="timeline-loading" />
      ) : items.length === 0 ? (
        <Empty testId="timeline-empty">{t('timeline.empty')}</Empty>
      ) : (
        <ol className="timeline">
          {items.map((item) => {
            const details = Object.entries(item.details ?? {}).filter(
              ([, value]) => value !== null && value !== undefined && value !== '',
            );
            return (
              <li key={item.seq} data-testid="timeline-item" data-type={item.type}>
                <div className="timeline-head">
                  <strong>{translateOr(t, `event.${item.type}`, item.type)}</strong>
                  <time dateTime={item.at} data-testid="timeline-time">
                    {formatTime(t, item.at)}
                  </time>
                </div>
                <div className="muted">{t('timeline.by', { actor: actorOf(t, item) })}</div>
                {details.length > 0 && (
                  <dl className="details">
                    {details.map(([key, value]) => (
                      <div key={key} data-detail={key}>
                        <dt>{translateOr(t, `detail.${key}`, key)}</dt>
                        <dd>{detailValue(t, kind, key, value)}</dd>
                      </div>
                    ))}
                  </dl>
                )}
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
