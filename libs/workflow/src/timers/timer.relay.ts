import { randomUUID } from 'node:crypto';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { CLOCK, type Clock } from '../clock/clock';
import { QueueName, TimerJobName } from './queue-name';
import { dueWithin, timerJobId, timerJobOptions, type TimerJobData } from './timer-jobs';
import { TimerRepository } from './timer.repository';
import { TIMERS_OPTIONS, type ResolvedTimersOptions, type TimerJobRef } from './timer.types';

// The marker's value while a restore runs; any other value means the queue is intact.
const RESTORING = 'restoring:';
const FINISH_RESTORE = 'shimingFinishTimerRestore';

// Bounds one Redis round trip (and one Lua call) while re-adding thousands of timers.
const ADD_CHUNK = 500;

/** Puts timers on BullMQ as delayed wake-up jobs. PostgreSQL stays the source of truth. */
@Injectable()
export class TimerRelay {
  private readonly logger = new Logger(TimerRelay.name);
  private finishRestoreDefined = false;

  constructor(
    @InjectQueue(QueueName.Timers) private readonly queue: Queue<TimerJobData>,
    private readonly repository: TimerRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(TIMERS_OPTIONS) private readonly options: ResolvedTimersOptions,
  ) {}

  /**
   * Adds a delayed job for every timer due within the lookahead and returns how many.
   * Adding a job whose id BullMQ still holds is a no-op, which makes re-adding safe.
   */
  async enqueue(timers: readonly TimerJobRef[]): Promise<number> {
    const now = this.clock.now();
    const near = dueWithin(timers, now, this.options.lookaheadMs);
    for (let i = 0; i < near.length; i += ADD_CHUNK) {
      await this.queue.addBulk(
        near.slice(i, i + ADD_CHUNK).map((timer) => ({
          name: TimerJobName.Fire,
          data: { timerId: timer.timerId, generation: timer.generation },
          opts: timerJobOptions(timer, now),
        })),
      );
    }
    await this.repository.markEnqueued(near, now).catch((error: unknown) => {
      this.logger.warn(`Could not note enqueued timers: ${String(error)}`);
    });
    return near.length;
  }

  /**
   * Whether Redis still holds what the relay put there: a marker key lives beside the
   * jobs, so a FLUSHALL or a restart without persistence takes both. Without it every
   * timer coming due must be re-added; with it only those never added. A marker left
   * by a restore that never finished counts as lost.
   */
  async queueIntact(): Promise<boolean> {
    const redis = await this.queue.client;
    const marker = await redis.get(this.markerKey());
    return marker !== null && !marker.startsWith(RESTORING);
  }

  /**
   * Notes that a restore (re-adding every timer coming due) begins, and returns its
   * token for `finishRestore`.
   */
  async beginRestore(): Promise<string> {
    const token = `${RESTORING}${randomUUID()}`;
    const redis = await this.queue.client;
    await redis.set(this.markerKey(), token);
    return token;
  }

  /**
   * Marks the queue intact if nothing happened to Redis since `beginRestore` gave
   * `token`: compare-and-set, so that a loss during the restore (which takes the
   * marker) is not covered up, and the next pass restores again. Whether it did.
   */
  async finishRestore(token: string): Promise<boolean> {
    const redis = await this.queue.client;
    if (!this.finishRestoreDefined) {
      redis.defineCommand(FINISH_RESTORE, {
        numberOfKeys: 1,
        lua: `if redis.call('GET', KEYS[1]) == ARGV[1] then
                return redis.call('SET', KEYS[1], ARGV[2])
              end
              return false`,
      });
      this.finishRestoreDefined = true;
    }
    const set: unknown = await redis.runCommand(FINISH_RESTORE, [
      this.markerKey(),
      token,
      `intact:${new Date().toISOString()}`,
    ]);
    return set !== null;
  }

  private markerKey(): string {
    return `${this.queue.opts.prefix ?? 'bull'}:${QueueName.Timers}:relay-marker`;
  }

  /** Removes the jobs of cancelled or re-armed timers. A job being processed stays; it no-ops. */
  async withdraw(timers: readonly Pick<TimerJobRef, 'timerId' | 'generation'>[]): Promise<void> {
    for (const timer of timers) {
      await this.queue.remove(timerJobId(timer.timerId, timer.generation));
    }
  }
}
