import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CLOCK, type Clock } from '../clock/clock';
import { TimerRelay } from './timer.relay';
import { TIMERS_OPTIONS, type ResolvedTimersOptions, type TimerJobRef } from './timer.types';

/** The channel on which a process without a poller tells the pollers a timer was armed. */
export const TIMERS_ARMED_CHANNEL = 'wf_timers_armed';

// How long a caller (a request) waits for its wake-ups to reach Redis before it goes on;
// what has not arrived by then is added in the background, or by the reconciler. Once
// Redis has missed this, callers do not wait at all until a wake-up gets through again.
const RELAY_WAIT_MS = 200;
// Additions to Redis still under way at most (Redis away, commands waiting for it):
// beyond, new ones are dropped at once and left to the reconciler and the poller.
const MAX_IN_FLIGHT = 1_000;
// One line per this long about wake-ups that did not reach Redis, not one per request.
const WARN_EVERY_MS = 10_000;

/** Hears the earliest due time of timers that were just armed. */
export type ArmedListener = (dueAt: Date) => void;

/**
 * Tells whatever wakes timers up that some were armed or cancelled, once the transaction
 * that did it has committed. A hint only: the `wf_timers` rows are the truth, and a hint
 * that is lost leaves the timer to the reconciler (BullMQ) or to the next look of the
 * poller. So it never throws, and never keeps its caller waiting long: with Redis at most
 * `RELAY_WAIT_MS`, and not at all while Redis is away; without Redis not at all (the
 * poller of this process is told directly, or the others by a `NOTIFY` that nobody
 * waits for).
 */
@Injectable()
export class TimerWakeUps {
  private readonly logger = new Logger(TimerWakeUps.name);
  private readonly listeners = new Set<ArmedListener>();
  private inFlight = 0;
  // Redis missed the last wait (or failed): do not make callers wait for it.
  private redisAway = false;
  private failures = 0;
  private lastWarning = 0;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(TIMERS_OPTIONS) private readonly options: ResolvedTimersOptions,
    // Absent without Redis.
    @Optional() private readonly relay?: TimerRelay,
  ) {}

  /** After commit: these timers were armed (or re-armed). */
  async armed(timers: readonly TimerJobRef[]): Promise<void> {
    if (timers.length === 0) return;
    const relay = this.relay;
    if (relay) {
      await this.bounded(() => relay.enqueue(timers), `add ${timers.length} timer job(s)`);
      return;
    }
    const earliest = new Date(Math.min(...timers.map((timer) => timer.dueAt.getTime())));
    if (this.listeners.size > 0) {
      for (const listener of this.listeners) listener(earliest);
      return;
    }
    // A poller sleeps no longer than this, so it finds a later timer without a hint.
    if (earliest.getTime() - this.clock.now().getTime() > this.options.pollMaxIdleMs) return;
    // Outside the writer's transaction: a NOTIFY in it would serialise every commit.
    this.dataSource
      .query('SELECT pg_notify($1, $2)', [TIMERS_ARMED_CHANNEL, String(earliest.getTime())])
      .catch((error: unknown) => this.warn('notify the pollers', error));
  }

  /** After commit: these armings were cancelled or re-armed; their jobs may go. */
  async withdrawn(timers: readonly Pick<TimerJobRef, 'timerId' | 'generation'>[]): Promise<void> {
    const relay = this.relay;
    // Without Redis there is nothing to withdraw: the poller only finds scheduled rows.
    if (timers.length === 0 || !relay) return;
    await this.bounded(() => relay.withdraw(timers), `withdraw ${timers.length} timer job(s)`);
  }

  /** The poller of this process hears of timers armed here; returns how to stop. */
  onArmed(listener: ArmedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Runs `work` in the background, waiting for it `RELAY_WAIT_MS` at most. */
  private async bounded(work: () => Promise<unknown>, what: string): Promise<void> {
    if (this.inFlight >= MAX_IN_FLIGHT) {
      this.warn(what, new Error(`${MAX_IN_FLIGHT} earlier ones are still waiting for Redis`));
      return;
    }
    this.inFlight++;
    const done = work().then(
      () => {
        this.redisAway = false;
      },
      (error: unknown) => {
        this.redisAway = true;
        this.warn(what, error);
      },
    );
    void done.finally(() => this.inFlight--);
    if (this.redisAway) return;
    let timeout: NodeJS.Timeout | undefined;
    const late = await Promise.race([
      done.then(() => false),
      new Promise<boolean>((resolve) => {
        timeout = setTimeout(() => resolve(true), RELAY_WAIT_MS);
      }),
    ]);
    clearTimeout(timeout);
    if (late) this.redisAway = true;
  }

  private warn(what: string, error: unknown): void {
    this.failures++;
    const now = Date.now();
    if (now - this.lastWarning < WARN_EVERY_MS) return;
    this.lastWarning = now;
    const message = error instanceof Error ? error.message : String(error);
    this.logger.warn(
      `Could not ${what} (${this.failures} such failure(s) since the last line): ${message}. ` +
        'The reconciler and the PostgreSQL poller make up for it',
    );
    this.failures = 0;
  }
}
