import type { Problem } from '../api/client';
import type { TimelineItem } from '../api/types';
import { formatTime, humanize } from '../format';
import { Empty, Loading, ProblemView } from '../ui/states';

function describe(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function actorOf(item: TimelineItem): string {
  if (!item.actor) return 'unknown';
  if (item.actor.type === 'system') return 'system';
  return item.actor.id ? `${item.actor.id} (${item.actor.type})` : item.actor.type;
}

/** Every event of the case, with who did it: the audit trail, newest last. */
export function Timeline({
  items,
  problem,
  onRetry,
}: {
  items: TimelineItem[] | null;
  problem: Problem | null;
  onRetry: () => void;
}) {
  return (
    <section className="panel" data-testid="timeline">
      <h2>Timeline</h2>
      {problem ? (
        <ProblemView problem={problem} testId="timeline-error" onRetry={onRetry} compact />
      ) : !items ? (
        <Loading testId="timeline-loading" />
      ) : items.length === 0 ? (
        <Empty testId="timeline-empty">Nothing has happened on this case yet.</Empty>
      ) : (
        <ol className="timeline">
          {items.map((item) => {
            const details = Object.entries(item.details ?? {}).filter(
              ([, value]) => value !== null && value !== undefined && value !== '',
            );
            return (
              <li key={item.seq} data-testid="timeline-item" data-type={item.type}>
                <div className="timeline-head">
                  <strong>{humanize(item.type)}</strong>
                  <time dateTime={item.at}>{formatTime(item.at)}</time>
                </div>
                <div className="muted">by {actorOf(item)}</div>
                {details.length > 0 && (
                  <dl className="details">
                    {details.map(([key, value]) => (
                      <div key={key}>
                        <dt>{humanize(key)}</dt>
                        <dd>{describe(value)}</dd>
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
