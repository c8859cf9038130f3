import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { CLOCK, type Clock } from '../clock/clock';
import { QueueName } from './queue-name';
import { timerJobDelayMs, timerRetryDelayMs, type TimerJobData } from './timer-jobs';
import { TimerBatcher } from './timer-batcher';
import { TimerFirer } from './timer.firer';
import { TimerReconciler } from './timer.reconciler';
import { TimerRepository } from './timer.repository';
import { TimerHandlerRegistry } from './timer-handler.registry';
import { TIMERS_OPTIONS, type FireOutcome, type ResolvedTimersOptions } from './timer.types';

// Another firing held the timer: look again after this long.
const BUSY_RETRY_MS = 5_000;

/**
 * Wakes timers up: each job names one arming of a timer, which the firer fires or skips.
 * Starts the worker (with the configured concurrency) and the reconciler only once every
 * scheduled kind is known to have a handler.
 */
@Processor(QueueName.Timers, {
  autorun: false,
  settings: { backoffStrategy: (attemptsMade: number) => timerRetryDelayMs(attemptsMade) },
})
export class TimerProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(TimerProcessor.name);
  private readonly batcher: TimerBatcher;

  constructor(
    private readonly firer: TimerFirer,
    private readonly registry: TimerHandlerRegistry,
    private readonly repository: TimerRepository,
    private readonly reconciler: TimerReconciler,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(TIMERS_OPTIONS) private readonly options: ResolvedTimersOptions,
  ) {
    super();
    this.batcher = new TimerBatcher(
      (armings) => this.firer.fireMany(armings),
      options.fireBatchSize,
      options.fireParallelBatches,
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    // Domain modules register handlers in onModuleInit, which has run by now. Refusing to
    // start beats failing every timer of a kind this build does not know.
    this.registry.assertHandlersFor(await this.repository.scheduledKinds());
    this.worker.concurrency = this.options.concurrency;
    this.worker.run().catch((error: unknown) => {
      this.logger.error(`The timer worker stopped: ${String(error)}`);
    });
    this.reconciler.start();
  }

  async process(job: Job<TimerJobData>, token?: string): Promise<FireOutcome['outcome']> {
    const { timerId, generation } = job.data ?? {};
    if (typeof timerId !== 'string' || !Number.isInteger(generation)) {
      // No retry can fix a job that names no timer; the reconciler covers the timer itself.
      throw new UnrecoverableError(`Job ${job.id} names no timer arming`);
    }
    const result = await this.batcher.fire(timerId, generation);
    if (result.outcome === 'not_due' || result.outcome === 'busy') {
      // Early (clock skew, test clock) or contended: wait again rather than drop the wake-up.
      const wait =
        result.outcome === 'not_due'
          ? timerJobDelayMs(result.dueAt, this.clock.now())
          : BUSY_RETRY_MS;
      await job.moveToDelayed(Date.now() + Math.max(wait, 1), token);
      throw new DelayedError();
    }
    return result.outcome;
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job<TimerJobData> | undefined, error: Error): void {
    this.logger.warn(
      `Timer job ${job?.id ?? '?'} failed (attempt ${job?.attemptsMade ?? '?'}): ${error.message}`,
    );
  }

  @OnWorkerEvent('error')
  onError(error: Error): void {
    this.logger.error(`Timer worker error: ${error.message}`);
  }
}
