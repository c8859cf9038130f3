import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { inSpan, linksTo, Metrics, type SpanOptions } from '@shiming/common';
import { DataSource, type EntityManager } from 'typeorm';
import { CLOCK, type Clock } from '../clock/clock';
import type { DueTimerFiring } from '../test-clock/test-clock';
import { timerFiringId } from './timer-jobs';
import { MissingTimerHandlerError } from './timer.errors';
import { TimerRepository } from './timer.repository';
import { TimerHandlerRegistry } from './timer-handler.registry';
import { TimerWakeUps } from './timer-wake-ups';
import {
  TIMERS_OPTIONS,
  type DueTimer,
  type FireOutcome,
  type ResolvedTimersOptions,
  type Timer,
  type TimerFailure,
  type TimerJobRef,
} from './timer.types';

// A handler that keeps re-arming timers inside one advance of the test clock would never end.
const MAX_FIRINGS_PER_SWEEP = 100_000;

interface Arming {
  timerId: string;
  generation: number;
}

/** What `fireDue` claimed, and how each of those firings ended. */
export interface DueFirings {
  claimed: number;
  results: PromiseSettledResult<FireOutcome>[];
}

/**
 * Fires one arming of a timer: locks its row, checks it is still due at that generation,
 * runs the kind's handler and marks it fired, all in one transaction. Any number of
 * workers may call this for the same timer; the row lock lets one of them fire it.
 */
@Injectable()
export class TimerFirer implements DueTimerFiring {
  private readonly logger = new Logger(TimerFirer.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: TimerRepository,
    private readonly registry: TimerHandlerRegistry,
    private readonly wakeUps: TimerWakeUps,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(TIMERS_OPTIONS) private readonly options: ResolvedTimersOptions,
    @Optional() private readonly metrics?: Metrics,
  ) {}

  /**
   * Fires one arming in its own transaction. Traced as `timer <kind>`, a span linked to
   * the span that armed the timer (a link, not a parent: the firing may come days later,
   * in another process); its handler's command also links to the event its stream ended
   * with, which armed the timer or came after.
   */
  fire(timerId: string, generation: number): Promise<FireOutcome> {
    return inSpan(
      'timer',
      { attributes: { 'shiming.timer_id': timerId, 'shiming.timer_generation': generation } },
      (span) =>
        this.fireTraced(timerId, generation, (timer) => {
          // The kind and the arming are known once the row is claimed.
          span?.updateName(`timer ${timer.kind}`);
          span?.setAttribute('shiming.timer_kind', timer.kind);
          span?.addLinks(linksTo([timer.trace]));
        }),
    );
  }

  private async fireTraced(
    timerId: string,
    generation: number,
    claimedTimer: (timer: Timer) => void,
  ): Promise<FireOutcome> {
    let claimed = false;
    let scheduled: readonly TimerJobRef[] = [];
    const firedAt = this.clock.now();
    try {
      const outcome = await this.dataSource.transaction(async (tx): Promise<FireOutcome | null> => {
        const timer = await this.repository.claimForFiring(tx, timerId, generation, firedAt);
        if (!timer) return null;
        claimed = true;
        claimedTimer(timer);
        const handler = this.registry.get(timer.kind);
        if (!handler) throw new MissingTimerHandlerError([timer.kind]);
        const due: DueTimer = {
          ...timer,
          firedAt,
          firingId: timerFiringId(timer.timerId, timer.generation),
        };
        scheduled = (await handler(due, tx))?.scheduled ?? [];
        return { outcome: 'fired', timer: due };
      });
      if (outcome === null) return this.repository.classify(timerId, generation, firedAt);
      if (outcome.outcome === 'fired')
        this.metrics?.timerFired(outcome.timer.kind, outcome.timer.dueAt, firedAt);
      await this.wakeUps.armed(scheduled);
      return outcome;
    } catch (error) {
      if (claimed) await this.recordFailure(timerId, generation, error);
      throw error;
    }
  }

  /**
   * Fires many armings in one transaction: one statement claims them all, their
   * handlers run one after another (a kind with a batch handler gets all of its timers
   * in one call), one statement marks them fired, and everything commits together — one
   * commit for the batch instead of one each. If anything fails, the batch rolls back
   * and its armings are fired one at a time, so a failure is recorded against its own
   * timer and does not hold back the others.
   */
  async fireMany(armings: readonly Arming[]): Promise<PromiseSettledResult<FireOutcome>[]> {
    const firedAt = this.clock.now();
    const batch = await this.fireClaimed(
      (tx) => this.repository.claimBatch(tx, armings, firedAt),
      firedAt,
      () => armings,
    );
    if (!batch.fired) return batch.results;
    const byArming = new Map(batch.fired.map((t) => [`${t.timerId}/${t.generation}`, t]));
    return Promise.allSettled(
      armings.map(async (a): Promise<FireOutcome> => {
        const timer = byArming.get(`${a.timerId}/${a.generation}`);
        // Fired once: a second wake-up for the same arming in this batch finds it fired.
        if (timer) {
          byArming.delete(`${a.timerId}/${a.generation}`);
          return { outcome: 'fired', timer };
        }
        return this.repository.classify(a.timerId, a.generation, firedAt);
      }),
    );
  }

  /**
   * The PostgreSQL wake-up: claims up to `limit` of the timers that are due (late by
   * `graceMs` or more), in due order and skipping those another firing holds, and fires
   * them as `fireMany` does, in one transaction. Null when a test clock is firing in
   * due order right now (the sandbox): nothing was claimed, try again shortly.
   */
  async fireDue(graceMs: number, limit: number): Promise<DueFirings | null> {
    const firedAt = this.clock.now();
    const until = new Date(firedAt.getTime() - graceMs);
    let claimed: Timer[] = [];
    let gated = false;
    const batch = await this.fireClaimed(
      async (tx) => {
        const due = await this.repository.claimDue(tx, until, limit, firedAt, this.options.sandbox);
        gated = due === null;
        claimed = due ?? [];
        return claimed;
      },
      firedAt,
      () => claimed,
    );
    if (gated) return null;
    const results: PromiseSettledResult<FireOutcome>[] = batch.fired
      ? batch.fired.map((timer) => ({ status: 'fulfilled', value: { outcome: 'fired', timer } }))
      : batch.results;
    return { claimed: claimed.length, results };
  }

  /**
   * The batch firing of `fireMany` and `fireDue`: `claim` takes the timers in the
   * transaction. Gives the timers fired, or (after a rollback) null and the results of
   * firing `armings()` one at a time.
   */
  private async fireClaimed(
    claim: (tx: EntityManager) => Promise<Timer[]>,
    firedAt: Date,
    armings: () => readonly Arming[],
  ): Promise<
    { fired: DueTimer[] } | { fired: null; results: PromiseSettledResult<FireOutcome>[] }
  > {
    const scheduled: TimerJobRef[] = [];
    let fired: DueTimer[];
    try {
      fired = await this.dataSource.transaction(async (tx) => {
        const claimed = await claim(tx);
        if (claimed.length === 0) {
          await this.repository.finishBatch(tx, []);
          return [];
        }
        // A span only for a batch that fires something: the poller mostly claims nothing.
        return inSpan(
          'timer batch',
          {
            attributes: {
              'shiming.timers': claimed.length,
              'shiming.timer_kinds': [...new Set(claimed.map((timer) => timer.kind))],
            },
          },
          () => this.fireBatch(tx, claimed, firedAt, scheduled),
        );
      });
    } catch (error) {
      const retried = armings();
      if (retried.length === 0) throw error;
      this.logger.warn(
        `A batch of ${retried.length} timer firings rolled back (${describe(error)}); firing them one at a time`,
      );
      // One at a time: each firing holds a pooled connection, and a handler may need
      // another; firing the whole batch at once could take every connection and wait.
      const results: PromiseSettledResult<FireOutcome>[] = [];
      for (const arming of retried) {
        try {
          results.push({
            status: 'fulfilled',
            value: await this.fire(arming.timerId, arming.generation),
          });
        } catch (reason) {
          results.push({ status: 'rejected', reason });
        }
      }
      return { fired: null, results };
    }
    for (const timer of fired) this.metrics?.timerFired(timer.kind, timer.dueAt, timer.firedAt);
    await this.wakeUps.armed(scheduled);
    return { fired };
  }

  /** Runs the handlers of the claimed timers in `tx` and marks them fired. */
  private async fireBatch(
    tx: EntityManager,
    claimed: Timer[],
    firedAt: Date,
    scheduled: TimerJobRef[],
  ): Promise<DueTimer[]> {
    const dues: DueTimer[] = [];
    const due = (timer: Timer): DueTimer => {
      this.repository.settle(tx, timer.timerId);
      const firing: DueTimer = {
        ...timer,
        status: 'fired',
        firedAt,
        firingId: timerFiringId(timer.timerId, timer.generation),
      };
      dues.push(firing);
      return firing;
    };
    // A handler earlier in this batch may have cancelled or re-armed a timer.
    const live = (timer: Timer) => !this.repository.wasTouched(tx, timer.timerId);
    const batchedKinds = new Set<string>();
    for (const timer of claimed) {
      if (!live(timer) || batchedKinds.has(timer.kind)) continue;
      const batch = this.registry.getBatch(timer.kind);
      if (batch) {
        // Every timer of the kind in this batch, at once, in stream order. So a stream's
        // timers of two kinds may fire out of due order within a batch (all at the
        // batch's `firedAt`), and streams are touched kind by kind: two batches may
        // deadlock on the same streams, and PostgreSQL ends one, which then fires its
        // timers one at a time (below).
        batchedKinds.add(timer.kind);
        const group = claimed.filter((t) => t.kind === timer.kind && live(t)).map(due);
        const result = await inSpan(
          `timer ${timer.kind}`,
          () => firingSpan(group),
          () => batch(group, tx),
        );
        scheduled.push(...(result?.scheduled ?? []));
        continue;
      }
      const handler = this.registry.get(timer.kind);
      if (!handler) throw new MissingTimerHandlerError([timer.kind]);
      const firing = due(timer);
      const result = await inSpan(
        `timer ${timer.kind}`,
        () => firingSpan([firing]),
        () => handler(firing, tx),
      );
      scheduled.push(...(result?.scheduled ?? []));
    }
    await this.repository.finishBatch(
      tx,
      dues.map((due) => due.timerId),
    );
    return dues;
  }

  /**
   * Fires, in due order (due time, then id), every scheduled timer due at or before
   * `until`, including ones that handlers schedule along the way. `stepTo` is called with
   * each timer's due time just before it fires. Failures are collected, not thrown.
   */
  async fireAllDue(
    until: Date,
    stepTo: (at: Date) => void,
  ): Promise<{ fired: DueTimer[]; failures: TimerFailure[] }> {
    const fired: DueTimer[] = [];
    const failures: TimerFailure[] = [];
    // Timers that failed or that another process holds: left to the reconciler.
    const skip: string[] = [];
    for (let firings = 0; ; firings++) {
      if (firings >= MAX_FIRINGS_PER_SWEEP) {
        throw new Error(`More than ${MAX_FIRINGS_PER_SWEEP} timers fired in one sweep`);
      }
      const next = await this.repository.nextDue(until, skip);
      if (!next) break;
      stepTo(next.dueAt);
      try {
        const result = await this.fire(next.timerId, next.generation);
        if (result.outcome === 'fired') fired.push(result.timer);
        else if (result.outcome === 'busy' || result.outcome === 'not_due') skip.push(next.timerId);
      } catch (error) {
        failures.push({ timerId: next.timerId, generation: next.generation, error });
        skip.push(next.timerId);
      }
    }
    return { fired, failures };
  }

  /** Runs `work` while no reconciler sweeps, waiting for a running one to finish. */
  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    const locked = await this.repository.withSweepLock(true, work);
    if (!locked.acquired) throw new Error('The timer sweep lock was not acquired');
    return locked.result;
  }

  private async recordFailure(timerId: string, generation: number, error: unknown): Promise<void> {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    this.logger.warn(`Timer ${timerId} (generation ${generation}) failed to fire: ${message}`);
    await this.repository
      .recordFailure(timerId, generation, message, this.clock.now())
      .catch((recordError: unknown) => {
        this.logger.error(
          `Could not record the failure of timer ${timerId}: ${String(recordError)}`,
        );
      });
  }
}

/**
 * The span of one handler call in a batch, as `fire` makes for a timer on its own: linked
 * to the spans that armed its timers (a batch handler's many, at most 64 as for any span).
 */
function firingSpan(timers: readonly DueTimer[]): SpanOptions {
  return {
    attributes: {
      'shiming.timer_kind': timers[0].kind,
      ...(timers.length === 1
        ? {
            'shiming.timer_id': timers[0].timerId,
            'shiming.timer_generation': timers[0].generation,
          }
        : { 'shiming.timers': timers.length }),
    },
    links: linksTo(timers.map((timer) => timer.trace)),
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
