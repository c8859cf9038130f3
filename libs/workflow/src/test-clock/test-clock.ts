import { Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { PgListener } from '@shiming/common';
import type { DataSource } from 'typeorm';
import type { Clock } from '../clock/clock';
import { parseIsoDuration } from '../clock/iso-duration';
import type { DueTimer, TimerFailure } from '../timers/timer.types';

/** What the test clock needs from the timers to fire those that come due as it moves. */
export interface DueTimerFiring {
  /** Runs `work` while no reconciler fires timers anywhere, so the order stays ours. */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
  fireAllDue(
    until: Date,
    stepTo: (at: Date) => void,
  ): Promise<{ fired: DueTimer[]; failures: TimerFailure[] }>;
}

/** Some timers failed to fire during an advance; the rest fired and time has moved. */
export class TestClockAdvanceError extends Error {
  readonly code = 'timer_firing_failed';

  constructor(
    readonly fired: DueTimer[],
    readonly failures: TimerFailure[],
  ) {
    super(
      `${failures.length} timer(s) failed to fire while the clock advanced: ` +
        failures.map((f) => `${f.timerId} (${describe(f.error)})`).join('; '),
    );
    this.name = 'TestClockAdvanceError';
  }
}

export interface TestClockOptions {
  /**
   * How often to re-read the shared offset written by other processes while no `NOTIFY`
   * of a move can be heard (default 1 s). While listening, it is read every 30 s, only
   * as a backstop.
   */
  refreshMs?: number;
}

/** Every move of the shared offset is announced here (payload: the new offset). */
export const CLOCK_MOVED_CHANNEL = 'shiming_clock_moved';

const LISTENING_REFRESH_MS = 30_000;

/**
 * The sandbox's clock: real time plus an offset kept in `wf_clock`, so the api and the
 * workers agree on the time. Advancing it fires every timer that comes due, in due order,
 * with the clock standing at each timer's due time while it fires.
 */
export class TestClock implements Clock, OnModuleInit, OnModuleDestroy {
  private offsetMs = 0;
  // While an advance fires timers, time stands still at the due time being fired.
  private frozenAt: number | null = null;
  private timers: DueTimerFiring | null = null;
  private refresher: NodeJS.Timeout | null = null;
  private listener: PgListener | null = null;
  private readonly logger = new Logger(TestClock.name);
  private tail: Promise<unknown> = Promise.resolve();
  // Bumped by every write, so a refresh that read before the write does not undo it.
  private writes = 0;
  private readonly moveListeners = new Set<() => void>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: TestClockOptions = {},
  ) {}

  now(): Date {
    return new Date(this.frozenAt ?? Date.now() + this.offsetMs);
  }

  /** How far this clock is ahead of real time, in milliseconds. */
  get offset(): number {
    return this.offsetMs;
  }

  /**
   * Hears every move of the offset, here or (on refresh) by another process: a poller
   * that sleeps until the next due time must plan again. Returns how to stop.
   */
  onMove(listener: () => void): () => void {
    this.moveListeners.add(listener);
    return () => this.moveListeners.delete(listener);
  }

  /** Lets advances fire timers; without it the clock only moves. */
  attachTimers(timers: DueTimerFiring): void {
    this.timers = timers;
  }

  /**
   * Reads the offset, then follows it: a move by any process is heard by `NOTIFY` at
   * once, and the offset is re-read at a slow pace as a backstop (at `refreshMs` while
   * the listening connection is down), so an idle sandbox asks the database nothing.
   */
  async onModuleInit(): Promise<void> {
    await this.refresh();
    if (this.listener) return;
    this.listener = new PgListener(this.dataSource, {
      channels: [CLOCK_MOVED_CHANNEL],
      onNotification: () => this.refreshSoon(),
      // Moves announced meanwhile were missed.
      onReconnected: () => {
        this.refreshSoon();
        this.pace(LISTENING_REFRESH_MS);
      },
      onError: (error) => {
        this.pace(this.options.refreshMs ?? 1_000);
        this.logger.warn(`Listening for clock moves: ${describe(error)}`);
      },
    });
    await this.listener.start();
    this.pace(this.listener.listening ? LISTENING_REFRESH_MS : (this.options.refreshMs ?? 1_000));
  }

  async onModuleDestroy(): Promise<void> {
    if (this.refresher) clearInterval(this.refresher);
    this.refresher = null;
    const listener = this.listener;
    this.listener = null;
    await listener?.stop();
  }

  private pace(ms: number): void {
    if (this.refresher) clearInterval(this.refresher);
    this.refresher = setInterval(() => this.refreshSoon(), ms);
    this.refresher.unref();
  }

  private refreshSoon(): void {
    this.refresh().catch(() => undefined);
  }

  /** Re-reads the offset that any process may have moved. */
  async refresh(): Promise<void> {
    const seen = this.writes;
    const rows: { offset_ms: string }[] = await this.dataSource.query(
      'SELECT offset_ms FROM wf_clock WHERE id = 1',
    );
    if (seen === this.writes && this.frozenAt === null && rows.length > 0) {
      const offset = Number(rows[0].offset_ms);
      if (offset === this.offsetMs) return;
      this.offsetMs = offset;
      this.moved();
    }
  }

  /**
   * Moves time forward by an ISO 8601 duration (`P3D`, `PT30M`) and fires, in due order,
   * every timer due by then, including timers that handlers schedule inside the window.
   * Returns the timers fired. Throws TestClockAdvanceError if some failed to fire.
   */
  advance(duration: string): Promise<DueTimer[]> {
    const ms = parseIsoDuration(duration);
    return this.serially(async () => {
      const run = () => this.advanceBy(ms);
      return this.timers ? this.timers.exclusive(run) : run();
    });
  }

  /** Puts the clock at `at` without firing anything (timers overdue then fire as usual). */
  set(at: Date): Promise<void> {
    return this.serially(() => this.store(at.getTime() - Date.now()));
  }

  /** Back to real time. */
  reset(): Promise<void> {
    return this.serially(() => this.store(0));
  }

  private async advanceBy(ms: number): Promise<DueTimer[]> {
    // Added in SQL: another process may have moved the clock since we last read it.
    const rows: { offset_ms: string }[] = await this.dataSource.query(
      `WITH moved AS (
         UPDATE wf_clock SET offset_ms = offset_ms + $1, updated_at = now() WHERE id = 1
         RETURNING offset_ms)
       SELECT offset_ms, pg_notify($2, offset_ms::text) FROM moved`,
      [ms, CLOCK_MOVED_CHANNEL],
    );
    if (rows.length === 0) throw new Error('wf_clock has no row; run the migrations');
    this.writes++;
    const offset = Number(rows[0].offset_ms);
    const until = Date.now() + offset;
    this.frozenAt = until - ms;
    this.offsetMs = offset;
    try {
      if (!this.timers) return [];
      const { fired, failures } = await this.timers.fireAllDue(new Date(until), (at) => {
        // Never backwards: a timer already overdue fires at the current time.
        this.frozenAt = Math.max(this.frozenAt ?? 0, at.getTime());
      });
      if (failures.length > 0) throw new TestClockAdvanceError(fired, failures);
      return fired;
    } finally {
      this.frozenAt = null;
      this.moved();
    }
  }

  private async store(offset: number): Promise<void> {
    await this.dataSource.query(
      `WITH moved AS (
         UPDATE wf_clock SET offset_ms = $1, updated_at = now() WHERE id = 1
         RETURNING offset_ms)
       SELECT pg_notify($2, offset_ms::text) FROM moved`,
      [Math.round(offset), CLOCK_MOVED_CHANNEL],
    );
    this.writes++;
    this.offsetMs = Math.round(offset);
    this.moved();
  }

  private moved(): void {
    for (const listener of this.moveListeners) listener();
  }

  // One change of time at a time in this process; the sweep lock orders them across processes.
  private serially<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
