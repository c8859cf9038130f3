import { Inject, Injectable, OnModuleInit, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Metrics } from '@shiming/common';
import { readSubscriptionLag } from '@shiming/event-store';
import { CLOCK, type Clock } from '../clock/clock';

// A timer still scheduled this long after its due time counts as overdue: firing takes
// a moment, and a wake-up lost with Redis is re-enqueued by the reconciler.
export const TIMER_OVERDUE_GRACE_SECONDS = 60;
// The timers' counts scan the scheduled ones (a partial index): kept for a while.
const TIMER_COUNTS_TTL_MS = 10_000;
const LAG_TTL_MS = 2_000;

/** The engine's scrape-time gauges: subscription lag and timers by kind. */
@Injectable()
export class EngineGauges implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() private readonly metrics?: Metrics,
  ) {}

  onModuleInit(): void {
    if (!this.metrics) return;
    this.metrics.addSource({
      name: 'subscriptions',
      ttlMs: LAG_TTL_MS,
      read: async () =>
        (await readSubscriptionLag(this.dataSource, this.clock.now())).flatMap((lag) => {
          const labels = { subscription: lag.subscriptionId };
          return [
            { metric: 'subscription_lag_events' as const, labels, value: lag.events },
            { metric: 'subscription_lag_seconds' as const, labels, value: lag.seconds },
            { metric: 'subscription_failed_attempts' as const, labels, value: lag.attempts },
          ];
        }),
    });
    this.metrics.addSource({
      name: 'timers',
      ttlMs: TIMER_COUNTS_TTL_MS,
      read: async () => {
        const rows: { kind: string; pending: string; overdue: string }[] =
          await this.dataSource.query(
            `SELECT kind, count(*) AS pending,
                    count(*) FILTER (WHERE due_at < $1::timestamptz - make_interval(secs => $2)) AS overdue
             FROM wf_timers WHERE status = 'scheduled' GROUP BY kind`,
            [this.clock.now(), TIMER_OVERDUE_GRACE_SECONDS],
          );
        return rows.flatMap(({ kind, pending, overdue }) => [
          { metric: 'timers_pending' as const, labels: { kind }, value: Number(pending) },
          { metric: 'timers_overdue' as const, labels: { kind }, value: Number(overdue) },
        ]);
      },
    });
  }
}
