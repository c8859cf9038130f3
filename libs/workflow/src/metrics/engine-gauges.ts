import { Inject, Injectable, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Metrics } from '@shiming/common';
import { readSubscriptionLag } from '@shiming/event-store';
import { WorkingDayCalendar } from '../calendar';
import { CLOCK, type Clock } from '../clock/clock';

// A timer still scheduled this long after its due time counts as overdue: firing takes
// a moment, and a wake-up lost with Redis is re-enqueued by the reconciler.
export const TIMER_OVERDUE_GRACE_SECONDS = 60;
// The timers' counts scan the scheduled ones (a partial index): kept for a while.
const TIMER_COUNTS_TTL_MS = 10_000;
const LAG_TTL_MS = 2_000;
// The runway changes once a day; an hour's staleness is nothing against 60 days' notice.
const RUNWAY_REFRESH_MS = 60 * 60_000;

/**
 * The engine's gauges: subscription lag and timers by kind (at scrape time), and the
 * days left in the calendar's official data (`shiming_calendar_runway_days`).
 */
@Injectable()
export class EngineGauges implements OnModuleInit, OnModuleDestroy {
  private runwayTimer?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly calendar: WorkingDayCalendar,
    @Optional() private readonly metrics?: Metrics,
  ) {}

  onModuleDestroy(): void {
    clearInterval(this.runwayTimer);
  }

  onModuleInit(): void {
    if (!this.metrics) return;
    const metrics = this.metrics;
    const setRunway = () => metrics.setCalendarRunwayDays(this.calendar.calendarRunway().daysLeft);
    setRunway();
    this.runwayTimer = setInterval(setRunway, RUNWAY_REFRESH_MS).unref();
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
