import { Inject, Injectable, Logger, Optional, type OnModuleDestroy } from '@nestjs/common';
import { CLOCK, type Clock } from '../clock/clock';
import { isRetryDue } from './timer-jobs';
import { TimerFirer } from './timer.firer';
import { TimerRelay } from './timer.relay';
import { afterAll, START_OF_TIME, TimerRepository, type DueCursor } from './timer.repository';
import { TIMERS_OPTIONS, type ResolvedTimersOptions, type Timer } from './timer.types';

export interface ReconcileReport {
  /** Timers coming due whose wake-up jobs were (re-)added; existing jobs are left as they are. */
  enqueued: number;
  /** Overdue timers fired here, because no job fired them in time. */
  fired: number;
  /** Overdue timers that failed to fire (recorded on their rows; retried after a back-off). */
  failed: number;
}

const PAGE = 1_000;

/**
 * The safety net under BullMQ. Every interval, in one process at a time: adds a job for
 * every timer coming due that has none (the process died between commit and enqueue, or
 * it was beyond the lookahead until now) — for all of them when Redis lost its data —
 * and fires the timers that are overdue by more than the grace period itself.
 */
@Injectable()
export class TimerReconciler implements OnModuleDestroy {
  private readonly logger = new Logger(TimerReconciler.name);
  private timeout: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly repository: TimerRepository,
    private readonly firer: TimerFirer,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(TIMERS_OPTIONS) private readonly options: ResolvedTimersOptions,
    // Absent without Redis: then a pass only fires overdue timers.
    @Optional() private readonly relay?: TimerRelay,
  ) {}

  /** Reconciles now (after a restart Redis may have lost everything), then every interval. */
  start(): void {
    if (this.timeout || this.running) return;
    this.stopped = false;
    this.scheduleNext(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timeout) clearTimeout(this.timeout);
    this.timeout = null;
    await this.running;
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  /** One pass; null when another process is reconciling right now. */
  async reconcileOnce(): Promise<ReconcileReport | null> {
    const locked = await this.repository.withSweepLock(false, () => this.sweep());
    return locked.acquired ? locked.result : null;
  }

  /** Scheduled timers late by more than `graceMs`: non-zero means wake-ups are being lost. */
  async overdueCount(graceMs = this.options.graceMs): Promise<number> {
    return this.repository.countScheduledDueBefore(new Date(this.clock.now().getTime() - graceMs));
  }

  private async sweep(): Promise<ReconcileReport> {
    const now = this.clock.now();
    const overdue = new Date(now.getTime() - this.options.graceMs);
    const horizon = new Date(now.getTime() + this.options.lookaheadMs);
    const report: ReconcileReport = { enqueued: 0, fired: 0, failed: 0 };

    if (this.relay) report.enqueued = await this.restore(this.relay, horizon, overdue);
    for await (const page of this.pages(overdue, START_OF_TIME)) {
      const ready = page.filter((timer) => isRetryDue(timer, now));
      await forEachLimited(ready, this.options.reconcileFireConcurrency, async (timer) => {
        try {
          const result = await this.firer.fire(timer.timerId, timer.generation);
          if (result.outcome === 'fired') report.fired++;
        } catch {
          // The firer logged and recorded it on the row; the next pass retries after back-off.
          report.failed++;
        }
      });
    }
    if (report.fired > 0 || report.failed > 0) {
      this.logger.warn(
        `Fired ${report.fired} overdue timer(s) directly, ${report.failed} failed: wake-ups were lost or late`,
      );
    }
    return report;
  }

  private async restore(relay: TimerRelay, horizon: Date, overdue: Date): Promise<number> {
    let enqueued = 0;
    // Re-adding thousands of jobs that Redis still holds is wasted work at the busiest
    // moment; only a Redis that lost its data needs them all again.
    const intact = await relay.queueIntact();
    const restore = intact ? null : await relay.beginRestore();
    for await (const page of this.pages(horizon, afterAll(overdue), intact)) {
      enqueued += await relay.enqueue(page);
    }
    if (restore && !(await relay.finishRestore(restore))) {
      this.logger.warn(
        'Redis lost its data again while timers were re-added; the next pass re-adds them',
      );
    }
    return enqueued;
  }

  private async *pages(
    until: Date,
    from: DueCursor,
    unenqueuedOnly = false,
  ): AsyncGenerator<Timer[]> {
    let cursor = from;
    for (;;) {
      const page = await this.repository.scheduledDue(until, cursor, PAGE, unenqueuedOnly);
      if (page.length > 0) yield page;
      if (page.length < PAGE) return;
      const last = page[page.length - 1];
      cursor = { dueAt: last.dueAt, timerId: last.timerId };
    }
  }

  private scheduleNext(delayMs: number): void {
    if (this.stopped) return;
    this.timeout = setTimeout(() => {
      this.timeout = null;
      this.running = this.reconcileOnce()
        .then(() => undefined)
        .catch((error: unknown) => {
          this.logger.error(`Timer reconciliation failed: ${String(error)}`);
        })
        .finally(() => {
          this.running = null;
          this.scheduleNext(this.options.reconcileIntervalMs);
        });
    }, delayMs);
  }
}

async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]);
  });
  await Promise.all(lanes);
}
