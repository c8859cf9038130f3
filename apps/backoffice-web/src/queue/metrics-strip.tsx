import { useEffect, useState } from 'react';
import { getJson, problemOf, type Problem } from '../api/client';
import type { CaseKind, Metrics } from '../api/types';
import { formatDuration, KIND_LABELS } from '../format';
import { ProblemView } from '../ui/states';

const REFRESH_MS = 60_000;

function duration(ms: number | null): string {
  return ms === null ? '—' : formatDuration(ms);
}

/** Backlog, SLA breaches and decision times for the kinds the caller works. */
export function MetricsStrip({ kinds }: { kinds: CaseKind[] }) {
  const [metrics, setMetrics] = useState<Metrics | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    const load = async (): Promise<void> => {
      try {
        setMetrics(await getJson<Metrics>('/v1/backoffice/metrics', controller.signal));
        setProblem(null);
      } catch (error) {
        if (!controller.signal.aborted) setProblem(problemOf(error));
      }
    };
    void load();
    const timer = window.setInterval(() => void load(), REFRESH_MS);
    return () => {
      controller.abort();
      window.clearInterval(timer);
    };
  }, []);

  // Metrics are a convenience: a role that may not see them simply does not get the strip.
  if (problem?.status === 403) return null;
  if (problem) return <ProblemView problem={problem} testId="metrics-error" compact />;
  if (!metrics) return <div className="metrics placeholder" data-testid="metrics-loading" />;

  return (
    <div className="metrics" data-testid="metrics-strip">
      {kinds.map((kind) => {
        const backlog = metrics.backlog[kind];
        const times = metrics.decisionTimes[kind];
        return (
          <div key={kind} className="metric-group" data-testid={`metrics-${kind}`}>
            <h3>{KIND_LABELS[kind]}</h3>
            <dl>
              <Metric label="Open" value={backlog?.open} />
              <Metric label="Claimed" value={backlog?.claimed} />
              <Metric label="Awaiting user" value={backlog?.awaiting_user} />
              <Metric label="Awaiting approval" value={backlog?.awaiting_approval} />
              <Metric
                label="Escalated"
                value={backlog?.escalated}
                alert={(backlog?.escalated ?? 0) > 0}
              />
              <Metric
                label="Decision p50 / p90"
                value={times ? `${duration(times.p50Ms)} / ${duration(times.p90Ms)}` : undefined}
                title={times ? `${times.decided} decided in the last 30 days` : undefined}
              />
            </dl>
          </div>
        );
      })}
      <div className="metric-group">
        <h3>SLA breaches</h3>
        <dl>
          <Metric
            label="Open now"
            value={metrics.breaches.open}
            alert={metrics.breaches.open > 0}
          />
          <Metric label="Last 30 days" value={metrics.breaches.last30Days} />
        </dl>
      </div>
    </div>
  );
}

function Metric({
  label,
  value,
  alert = false,
  title,
}: {
  label: string;
  value: number | string | undefined;
  alert?: boolean;
  title?: string;
}) {
  return (
    <div className={alert ? 'metric alert' : 'metric'} title={title}>
      <dt>{label}</dt>
      <dd>{value ?? '—'}</dd>
    </div>
  );
}
