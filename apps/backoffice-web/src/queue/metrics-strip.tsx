import { problemOf } from '../api/client';
import { useMetrics } from '../api/queries';
import type { CaseKind } from '../api/types';
import { formatDuration } from '../format';
import { useT, type Translate } from '../i18n/i18n';
import { ProblemView } from '../ui/states';

function duration(t: Translate, ms: number | null): string {
  return ms === null ? '—' : formatDuration(t, ms);
}

/** Backlog, SLA breaches and decision times for the kinds the caller works. */
export function MetricsStrip({ kinds }: { kinds: CaseKind[] }) {
  const t = useT();
  const { data: metrics, error } = useMetrics();
  const problem = error ? problemOf(error) : null;

  // Metrics are a convenience: a role that may not see them simply does not get the strip.
  if (problem?.status === 403) return null;
  if (problem && !metrics) return <ProblemView problem={problem} testId="metrics-error" compact />;
  if (!metrics) return <div className="metrics placeholder" data-testid="metrics-loading" />;

  return (
    <div className="metrics" data-testid="metrics-strip">
      {kinds.map((kind) => {
        const backlog = metrics.backlog[kind];
        const times = metrics.decisionTimes[kind];
        return (
          <div key={kind} className="metric-group" data-testid={`metrics-${kind}`}>
            <h3>{t(`kind.${kind}.plural`)}</h3>
            <dl>
              <Metric name="open" label={t('status.open')} value={backlog?.open} />
              <Metric name="claimed" label={t('status.claimed')} value={backlog?.claimed} />
              <Metric
                name="awaiting_user"
                label={t('status.awaiting_user')}
                value={backlog?.awaiting_user}
              />
              <Metric
                name="awaiting_approval"
                label={t('status.awaiting_approval')}
                value={backlog?.awaiting_approval}
              />
              <Metric
                name="escalated"
                label={t('status.escalated')}
                value={backlog?.escalated}
                alert={(backlog?.escalated ?? 0) > 0}
              />
              <Metric
                name="decision-times"
                label={t('metrics.decisionTimes')}
                value={
                  times ? `${duration(t, times.p50Ms)} / ${duration(t, times.p90Ms)}` : undefined
                }
                title={times ? t('metrics.decidedLast30', { count: times.decided }) : undefined}
              />
            </dl>
          </div>
        );
      })}
      <div className="metric-group" data-testid="metrics-breaches">
        <h3>{t('metrics.breaches')}</h3>
        <dl>
          <Metric
            name="breaches-open"
            label={t('metrics.breaches.open')}
            value={metrics.breaches.open}
            alert={metrics.breaches.open > 0}
          />
          <Metric
            name="breaches-last-30-days"
            label={t('metrics.breaches.last30')}
            value={metrics.breaches.last30Days}
          />
        </dl>
      </div>
    </div>
  );
}

function Metric({
  name,
  label,
  value,
  alert = false,
  title,
}: {
  name: string;
  label: string;
  value: number | string | undefined;
  alert?: boolean;
  title?: string;
}) {
  return (
    <div className={alert ? 'metric alert' : 'metric'} title={title} data-metric={name}>
      <dt>{label}</dt>
      <dd>{value ?? '—'}</dd>
    </div>
  );
}
