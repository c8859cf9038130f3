import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PgListener } from '@shiming/common';
import { CLOCK, type Clock } from '../clock/clock';
import { TestClock } from '../test-clock/test-clock';
import { TimerFirer } from './timer.firer';
import { TimerRepository } from './timer.repository';
import { TimerHandlerRegistry } from './timer-handler.registry';
import { TIMERS_ARMED_CHANNEL, TimerWakeUps } from './timer-wake-ups';
import { TIMERS_OPTIONS, type ResolvedTimersOptions } from './timer.types';

// Due rows were there but another firing held them all: look again after this long.
const BUSY_PAUSE_MS = 100;
// A test clock is firing in due order (the sandbox): look again after this long.
const GATED_PAUSE_MS = 200;
// PostgreSQL did not answer: look again after this long, doubling while it does not.
const ERROR_PAUSE_MS = 1_000;
const MAX_ERROR_PAUSE_MS = 16_000;
// Before listening again on a connection that broke.
const RELISTEN_PAUSE_MS = 1_000;

/**
 * Wakes timers up from PostgreSQL, where they are stored anyway. Sleeps until the next
 * due time (never longer than `pollMaxIdleMs`), then claims what is due in batches — in
 * due order, `FOR UPDATE SKIP LOCKED`, so that pollers in several processes take
 * disjoint batches — and fires them through the same firer and batch handlers as the
 * BullMQ processor. Firing stays exactly once by the row lock and the status change in
 * the firing transaction.
 *
 * Without Redis it is the wake-up: it hears of timers armed sooner than it meant to wake
 * from this process directly, and from other processes by `LISTEN`. With Redis it is
 * the backstop: it fires only timers late by `backstopGraceMs` (a wake-up lost with
 * Redis, or taken by a worker that died), and looks at least that often.
 */
@Injectable()
export class TimerPoller implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(TimerPoller.name);
  private readonly primary: boolean;
  private readonly graceMs: number;
  private readonly maxSleepMs: number;
  private timeout: NodeJS.Timeout | null = null;
  // The clock's time this poller means to look next (Infinity: not planned).
  private wakeAt = Infinity;
  private cycle: Promise<void> | null = null;
  private failedLooks = 0;
  // The earliest hint heard while a cycle ran, to plan with once it ends.
  private hintedAt = Infinity;
  private stopped = true;
  private readonly unsubscribe: (() => void)[] = [];
  private listener: PgListener | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly firer: TimerFirer,
    private readonly repository: TimerRepository,
    private readonly registry: TimerHandlerRegistry,
    private readonly wakeUps: TimerWakeUps,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(TIMERS_OPTIONS) private readonly options: ResolvedTimersOptions,
    @Optional() private readonly testClock?: TestClock,
  ) {
    this.primary = options.wakeUp === 'postgres';
    this.graceMs = this.primary ? 0 : options.backstopGraceMs;
    this.maxSleepMs = this.primary
      ? options.pollMaxIdleMs
      : Math.min(options.pollMaxIdleMs, options.backstopGraceMs);
  }

  async onApplicationBootstrap(): Promise<void> {
    // With BullMQ the processor checks this before it starts. Refusing to start beats
    // failing every timer of a kind this build does not know.
    if (this.primary) this.registry.assertHandlersFor(await this.repository.scheduledKinds());
    await this.start();
    this.logger.log(
      this.primary
        ? 'Timers are woken by PostgreSQL (no Redis configured)'
        : `Timers are woken by BullMQ; PostgreSQL fires those late by ${this.graceMs} ms or more`,
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  /** Looks now, then whenever the next timer comes due. */
  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    if (this.primary) {
      this.unsubscribe.push(this.wakeUps.onArmed((dueAt) => this.hint(dueAt.getTime())));
      await this.listen();
    }
    // A moved test clock brings timers due sooner (or later) in real time.
    if (this.testClock) this.unsubscribe.push(this.testClock.onMove(() => this.hint(0)));
    this.planIn(0);
  }

  /** Stops looking, after the batch being fired (if any). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const unsubscribe of this.unsubscribe.splice(0)) unsubscribe();
    if (this.timeout) clearTimeout(this.timeout);
    this.timeout = null;
    this.wakeAt = Infinity;
    await this.unlisten();
    await this.cycle;
  }

  /** A timer is due at `at` (clock time, ms): look then, if that is sooner than planned. */
  private hint(at: number): void {
    if (this.stopped) return;
    const lookAt = at + this.graceMs;
    if (this.cycle) {
      this.hintedAt = Math.min(this.hintedAt, lookAt);
      return;
    }
    if (lookAt < this.wakeAt) this.planIn(lookAt - this.clock.now().getTime());
  }

  private planIn(delayMs: number): void {
    if (this.stopped) return;
    if (this.timeout) clearTimeout(this.timeout);
    const delay = Math.min(Math.max(0, delayMs), this.maxSleepMs);
    this.wakeAt = this.clock.now().getTime() + delay;
    this.timeout = setTimeout(() => {
      this.timeout = null;
      this.wakeAt = Infinity;
      this.cycle = this.look()
        .then(
          (next) => {
            this.failedLooks = 0;
            return next;
          },
          (error: unknown) => {
            const pause = Math.min(ERROR_PAUSE_MS * 2 ** this.failedLooks++, MAX_ERROR_PAUSE_MS);
            this.logger.error(
              `Firing due timers failed (looking again in ${pause} ms): ${describe(error)}`,
            );
            return pause;
          },
        )
        .then((next) => {
          this.cycle = null;
          const hinted = this.hintedAt - this.clock.now().getTime();
          this.hintedAt = Infinity;
          this.planIn(Math.min(next, hinted));
        });
    }, delay);
  }

  /** Fires everything due now; answers how long to sleep. */
  private async look(): Promise<number> {
    const claimed = await this.drain();
    if (claimed === null) return GATED_PAUSE_MS;
    if (!this.primary && claimed > 0) {
      this.logger.warn(
        `Fired ${claimed} timer(s) late by ${this.graceMs} ms or more: BullMQ wake-ups were lost or late`,
      );
    }
    const next = await this.repository.nextWakeAt();
    if (next === null) return this.maxSleepMs;
    const delay = next.getTime() + this.graceMs - this.clock.now().getTime();
    // Due, yet nothing was claimed: other firings hold those rows right now.
    return delay <= 0 && claimed === 0 ? BUSY_PAUSE_MS : delay;
  }

  /**
   * Claims and fires batches until a claim comes back empty. While claims find timers,
   * up to `fireParallelBatches` lanes claim side by side, as the BullMQ processor keeps
   * that many batches in flight: timers coming due while one batch fires are claimed
   * by the next. How many were claimed; null when a test clock holds the firing lock.
   */
  private async drain(): Promise<number | null> {
    const { fireBatchSize, fireParallelBatches } = this.options;
    let claimed = 0;
    let gated = false;
    let active = 0;
    const lanes: Promise<void>[] = [];
    const lane = async (): Promise<void> => {
      active++;
      try {
        for (;;) {
          const batch = await this.firer.fireDue(this.graceMs, fireBatchSize);
          if (batch === null) {
            gated = true;
            return;
          }
          // A firing that failed is logged and recorded on its row by the firer, and
          // claimed again once its back-off has passed.
          claimed += batch.claimed;
          if (batch.claimed === 0 || this.stopped) return;
          // One timer at a time is no flow worth another lane.
          if (batch.claimed > 1 && active < fireParallelBatches) lanes.push(lane());
        }
      } finally {
        active--;
      }
    };
    lanes.push(lane());
    for (let i = 0; i < lanes.length; i++) await lanes[i];
    return gated ? null : claimed;
  }

  /** Hears `NOTIFY`s of timers armed by processes without a poller. */
  private async listen(): Promise<void> {
    this.listener = new PgListener(this.dataSource, {
      channels: [TIMERS_ARMED_CHANNEL],
      onNotification: (_channel, payload) => {
        const at = Number(payload);
        if (Number.isFinite(at)) this.hint(at);
      },
      // NOTIFYs sent meanwhile are lost: look again.
      onReconnected: () => this.hint(0),
      onError: (error) => this.logger.warn(`Listening for armed timers: ${describe(error)}`),
      retryMs: RELISTEN_PAUSE_MS,
    });
    await this.listener.start();
  }

  private async unlisten(): Promise<void> {
    const listener = this.listener;
    this.listener = null;
    await listener?.stop();
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
