import type { TraceCarrier } from '@shiming/common';
import type { EntityManager } from 'typeorm';

export type TimerStatus = 'scheduled' | 'fired' | 'cancelled';

export type TimerPayload = Record<string, unknown>;

/** A durable timer as stored in `wf_timers`. */
export interface Timer<P extends TimerPayload = TimerPayload> {
  timerId: string;
  streamId: string;
  kind: string;
  /** Tells apart several live timers of one kind on one stream; '' when there is only ever one. */
  key: string;
  /** Bumped on every re-arm; part of the job id, so a re-armed timer never reuses a retained job. */
  generation: number;
  dueAt: Date;
  payload: P;
  status: TimerStatus;
  createdAt: Date;
  enqueuedAt: Date | null;
  firedAt: Date | null;
  cancelledAt: Date | null;
  /** Firing attempts that reached the handler (failed ones and the one that succeeded). */
  attempts: number;
  lastAttemptAt: Date | null;
  lastError: string | null;
  /**
   * The trace context of the span that armed (or last re-armed) it, to which the span of
   * its firing links; null when tracing was off then.
   */
  trace: TraceCarrier | null;
}

/** What the relay needs to put a timer on the queue. */
export type TimerJobRef = Pick<Timer, 'timerId' | 'generation' | 'dueAt'>;

export interface ScheduleTimer<P extends TimerPayload = TimerPayload> {
  streamId: string;
  kind: string;
  dueAt: Date;
  payload?: P;
  /** Give one derived from the command to make a retried command idempotent. */
  timerId?: string;
  key?: string;
}

/**
 * What a command's events do to one timer slot of their stream (a kind, and a key when
 * the kind has several live timers): cancel the live timer, then arm one due at
 * `dueAt` unless it is null. Decided in the domain, applied by `TimerScheduler.apply`.
 */
export interface TimerChange<P extends TimerPayload = TimerPayload> {
  kind: string;
  key?: string;
  /** ISO instant; null cancels without arming. */
  dueAt: string | null;
  payload?: P;
}

/** One timer by id, or the live timers of a kind on a stream (all keys unless `key` is given). */
export type TimerRef = { timerId: string } | { streamId: string; kind: string; key?: string };

export interface RescheduleTimer<P extends TimerPayload = TimerPayload> {
  dueAt: Date;
  /** Replaces the payload; kept when omitted. */
  payload?: P;
}

/** The timer a handler is called with, while its row is locked. */
export interface DueTimer<P extends TimerPayload = TimerPayload> extends Timer<P> {
  /** The clock's time of this firing: stamp the resulting events with it. */
  firedAt: Date;
  /**
   * A uuid fixed by (timerId, generation): use it as the id of the resulting event, so that
   * even a duplicate firing would append nothing twice.
   */
  firingId: string;
}

export interface TimerHandlerResult {
  /** Timers the handler scheduled in `tx`; the firer puts them on the queue after commit. */
  scheduled?: TimerJobRef[];
}

/**
 * Reacts to a due timer inside the firing transaction: append the resulting events through
 * the event store with `{ transaction: tx }`. Throwing rolls everything back and retries.
 */
export type TimerHandler<P extends TimerPayload = TimerPayload> = (
  timer: DueTimer<P>,
  tx: EntityManager,
) => Promise<TimerHandlerResult | void>;

/**
 * Reacts to several due timers of one kind at once, in one firing transaction: what a
 * kind registers when its timers come due in bursts, so that, say, one statement appends
 * all their events (`CommandRunner.runMany`). Timers come in stream order. They all count
 * as firing from the start of the call, so cancelling one of them from inside it changes
 * nothing; each one's command must be a no-op where the process has moved on.
 */
export type TimerBatchHandler<P extends TimerPayload = TimerPayload> = (
  timers: DueTimer<P>[],
  tx: EntityManager,
) => Promise<TimerHandlerResult | void>;

export type FireOutcome =
  | { outcome: 'fired'; timer: DueTimer }
  /** The clock has not reached `dueAt` yet (early job, clock skew, test clock). */
  | { outcome: 'not_due'; dueAt: Date }
  /** Another transaction holds the timer; it will either fire it or leave it scheduled. */
  | { outcome: 'busy' }
  | { outcome: 'skipped'; reason: 'unknown' | 'fired' | 'cancelled' | 'superseded' };

export interface TimerFailure {
  timerId: string;
  generation: number;
  error: unknown;
}

/**
 * What wakes timers up when they come due. `bullmq`: a delayed job on Redis per timer due
 * within the lookahead, with PostgreSQL's poller as the backstop for wake-ups that are
 * late by more than `backstopGraceMs`. `postgres`: PostgreSQL's poller alone (no Redis).
 */
export type TimerWakeUp = 'bullmq' | 'postgres';

export interface TimersModuleOptions {
  /** Run the wake-ups (BullMQ processor, poller) and the reconciler in this process. */
  runWorkers: boolean;
  wakeUp: TimerWakeUp;
  /** Use the test clock (shared offset in `wf_clock`) instead of the system clock. */
  sandbox: boolean;
  /** Only timers due within this window are put on Redis; the reconciler adds later ones. */
  lookaheadMs: number;
  reconcileIntervalMs: number;
  /** Jobs processed at once by one worker process. */
  concurrency: number;
  /** How late a timer may be before the reconciler fires it itself (default 60 s). */
  graceMs?: number;
  /** How many overdue timers the reconciler fires at once (default 4). */
  reconcileFireConcurrency?: number;
  /** How often a test clock re-reads the shared offset (default 1 s). */
  clockRefreshMs?: number;
  /** Most wake-ups fired in one transaction (default 128). */
  fireBatchSize?: number;
  /** Firing transactions in flight at once per worker process (default 4). */
  fireParallelBatches?: number;
  /**
   * Longest the PostgreSQL poller sleeps when nothing is due sooner (default 30 s): how
   * late a timer can be whose wake-up hint was lost.
   */
  pollMaxIdleMs?: number;
  /**
   * With BullMQ: how late a timer may be before the poller fires it itself (a wake-up
   * lost with Redis, or taken by a worker that died); the poller looks this often too
   * (default 5 s).
   */
  backstopGraceMs?: number;
}

export type ResolvedTimersOptions = Required<TimersModuleOptions>;

export const TIMERS_OPTIONS = Symbol('TimersOptions');

export function resolveTimersOptions(options: TimersModuleOptions): ResolvedTimersOptions {
  return {
    ...options,
    graceMs: options.graceMs ?? 60_000,
    reconcileFireConcurrency: options.reconcileFireConcurrency ?? 4,
    clockRefreshMs: options.clockRefreshMs ?? 1_000,
    fireBatchSize: options.fireBatchSize ?? 128,
    fireParallelBatches: options.fireParallelBatches ?? 4,
    pollMaxIdleMs: options.pollMaxIdleMs ?? 30_000,
    backstopGraceMs: options.backstopGraceMs ?? 5_000,
  };
}
