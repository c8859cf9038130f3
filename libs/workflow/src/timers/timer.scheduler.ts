import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AfterCommit, currentTraceContext, type TraceCarrier } from '@shiming/common';
import type { DataSource, EntityManager } from 'typeorm';
import { CLOCK, type Clock } from '../clock/clock';
import { eventIdFor } from '../command/command-runner';
import {
  TimerAlreadyScheduledError,
  TimerIdConflictError,
  TimerNotFoundError,
} from './timer.errors';
import { TimerRepository } from './timer.repository';
import { TimerWakeUps } from './timer-wake-ups';
import type {
  RescheduleTimer,
  ScheduleTimer,
  Timer,
  TimerChange,
  TimerJobRef,
  TimerPayload,
  TimerRef,
} from './timer.types';

/**
 * Starts, re-arms and cancels timers inside the caller's transaction, so a timer exists
 * exactly when the event that started it does. After the commit, hand the scheduled
 * timers to `enqueue`; if the process dies first, the reconciler enqueues them (BullMQ)
 * or the poller finds them (PostgreSQL).
 */
@Injectable()
export class TimerScheduler {
  // Timers armed in a caller's transaction (a subscription's batch), woken when the
  // outermost transaction commits; dropped if it rolls back.
  private readonly wakeAfterCommit: AfterCommit<TimerJobRef[]>;

  constructor(
    private readonly repository: TimerRepository,
    private readonly wakeUps: TimerWakeUps,
    @Inject(CLOCK) private readonly clock: Clock,
    @InjectDataSource() dataSource: DataSource,
  ) {
    this.wakeAfterCommit = new AfterCommit(
      dataSource,
      (timers) => void this.enqueue(timers),
      (held, next) => [...held, ...next],
    );
  }

  async schedule<P extends TimerPayload>(
    tx: EntityManager,
    input: ScheduleTimer<P>,
  ): Promise<Timer<P>> {
    assertValidDate(input.dueAt);
    const key = input.key ?? '';
    const timerId = input.timerId ?? randomUUID();
    const inserted = await this.repository.insert(tx, {
      timerId,
      streamId: input.streamId,
      kind: input.kind,
      key,
      dueAt: input.dueAt,
      payload: input.payload ?? {},
      createdAt: this.clock.now(),
      trace: armingTrace(),
    });
    if (inserted) return inserted as Timer<P>;
    const existing = await this.repository.findById(tx, timerId);
    if (existing) {
      // The same timer id for the same slot is a retried command: it is already done.
      const same =
        existing.streamId === input.streamId &&
        existing.kind === input.kind &&
        existing.key === key;
      if (same) return existing as Timer<P>;
      throw new TimerIdConflictError(timerId);
    }
    throw new TimerAlreadyScheduledError(input.streamId, input.kind, key);
  }

  /**
   * Applies a command's timer changes in its transaction: each slot's live timer is
   * cancelled, then the new one armed under an id derived from the command
   * (`timerIdFor`), so that a retried command arms nothing twice. Returns the timers
   * armed, to `enqueue` once the transaction commits.
   */
  async apply(
    tx: EntityManager,
    streamId: string,
    changes: readonly TimerChange[],
    commandId: string,
  ): Promise<Timer[]> {
    const armed: Timer[] = [];
    for (const change of changes) {
      const key = change.key ?? '';
      await this.cancel(tx, { streamId, kind: change.kind, key });
      if (change.dueAt === null) continue;
      armed.push(
        await this.schedule(tx, {
          streamId,
          kind: change.kind,
          key,
          dueAt: new Date(change.dueAt),
          ...(change.payload ? { payload: change.payload } : {}),
          timerId: timerIdFor(commandId, streamId, change.kind, key),
        }),
      );
    }
    return armed;
  }

  /**
   * Moves a timer to a new due time under a new generation, so jobs of the old arming
   * no-op. By id it also re-arms a fired or cancelled timer; by kind it re-arms the live
   * timer in the given key's slot ('' by default).
   */
  async reschedule<P extends TimerPayload>(
    tx: EntityManager,
    ref: TimerRef,
    change: RescheduleTimer<P>,
  ): Promise<Timer<P>> {
    assertValidDate(change.dueAt);
    const [rearmed] = await this.repository.rearm(
      tx,
      ref,
      change.dueAt,
      change.payload,
      armingTrace(),
    );
    if (rearmed) return rearmed as Timer<P>;
    if ('timerId' in ref) {
      const existing = await this.repository.findById(tx, ref.timerId);
      if (existing)
        throw new TimerAlreadyScheduledError(existing.streamId, existing.kind, existing.key);
      throw new TimerNotFoundError(`timer ${ref.timerId}`);
    }
    throw new TimerNotFoundError(`live ${ref.kind} timer on ${ref.streamId}`);
  }

  /** Cancels live timers; a job already on the queue for them will find them cancelled. */
  async cancel(tx: EntityManager, ref: TimerRef): Promise<Timer[]> {
    return this.repository.cancel(tx, ref, this.clock.now());
  }

  /**
   * Call after commit: wakes whatever fires timers up for these. Never throws and never
   * waits long (a request must not hang while Redis is away): a wake-up that does not
   * get through is made up by the reconciler or the PostgreSQL poller.
   */
  async enqueue(timers: readonly TimerJobRef[]): Promise<void> {
    await this.wakeUps.armed(timers);
  }

  /**
   * For timers armed in `tx`, a transaction the caller commits later (a subscription's
   * batch): wakes them up as `enqueue` does once it commits, or at once if it already
   * has. Without this they would wait for the reconciler or the poller's next look.
   */
  enqueueAfterCommit(tx: EntityManager, timers: readonly TimerJobRef[]): void {
    if (timers.length === 0) return;
    this.wakeAfterCommit.defer(tx, [...timers]);
  }

  /** Call after a committed cancel or re-arm, to free Redis early. Never throws. */
  async withdraw(timers: readonly Pick<TimerJobRef, 'timerId' | 'generation'>[]): Promise<void> {
    await this.wakeUps.withdrawn(timers);
  }
}

/** The id of the timer a command arms in a slot: the same for every retry of the command. */
export function timerIdFor(commandId: string, streamId: string, kind: string, key = ''): string {
  return eventIdFor(`${commandId}|timer|${kind}${key ? `|${key}` : ''}`, streamId, 0);
}

// The span arming a timer (a command's, a subscription batch's), kept with it: its firing
// may come days later, in another process, and links back to it.
function armingTrace(): TraceCarrier | null {
  const carrier = currentTraceContext();
  return carrier.traceparent ? carrier : null;
}

function assertValidDate(value: Date): void {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new TypeError(`A timer's due time must be a valid Date, got ${String(value)}`);
  }
}
