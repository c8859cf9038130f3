import { createHash } from 'node:crypto';
import type { JobsOptions } from 'bullmq';
import type { TimerJobRef } from './timer.types';

/** The data of a job on the timers queue: the row is the truth, the job only points at it. */
export interface TimerJobData {
  timerId: string;
  generation: number;
}

/** A name for the custom back-off, resolved by the worker's `backoffStrategy` setting. */
export const TIMER_BACKOFF = 'timer';

// Enough BullMQ retries to ride out a short outage (about 17 min in all); after that the
// reconciler keeps retrying with the same back-off, so a timer is never given up on.
export const TIMER_JOB_ATTEMPTS = 11;

export const RETRY_BASE_MS = 1_000;
export const RETRY_CAP_MS = 15 * 60_000;

/**
 * The job id of one arming of a timer. BullMQ ignores an add whose id it still holds, in
 * any state, so a re-armed timer (new generation) needs a new id. BullMQ refuses ids with
 * one ':' in them, hence '_'.
 */
export function timerJobId(timerId: string, generation: number): string {
  return `${timerId}_${generation}`;
}

export function parseTimerJobId(jobId: string): TimerJobData | null {
  const match = /^([0-9a-f-]{36})_([1-9]\d*)$/i.exec(jobId);
  return match ? { timerId: match[1], generation: Number(match[2]) } : null;
}

/** Real milliseconds to wait before the job runs; never negative. */
export function timerJobDelayMs(dueAt: Date, now: Date): number {
  return Math.max(0, dueAt.getTime() - now.getTime());
}

/** Timers worth a Redis job now; later ones wait in PostgreSQL for the reconciler. */
export function dueWithin<T extends Pick<TimerJobRef, 'dueAt'>>(
  timers: readonly T[],
  now: Date,
  lookaheadMs: number,
): T[] {
  const horizon = now.getTime() + lookaheadMs;
  return timers.filter((timer) => timer.dueAt.getTime() <= horizon);
}

export function timerJobOptions(timer: TimerJobRef, now: Date): JobsOptions {
  return {
    jobId: timerJobId(timer.timerId, timer.generation),
    delay: timerJobDelayMs(timer.dueAt, now),
    attempts: TIMER_JOB_ATTEMPTS,
    backoff: { type: TIMER_BACKOFF },
    // The row records the firing; a kept completed job would only make a later add of the
    // same id a silent no-op.
    removeOnComplete: true,
    // Kept a week for the queue dashboard; attempts and last_error are in PostgreSQL too.
    removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
  };
}

/** Wait before retry number `failures` (1-based): doubling from 1 s, at most 15 min. */
export function timerRetryDelayMs(failures: number): number {
  if (failures < 1) return 0;
  return Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** Math.min(failures - 1, 30));
}

/**
 * Whether the reconciler may fire an overdue timer again: one that never failed at once,
 * one that failed only after its back-off has passed.
 */
export function isRetryDue(
  timer: { attempts: number; lastAttemptAt: Date | null; lastError: string | null },
  now: Date,
): boolean {
  if (timer.lastAttemptAt === null || timer.lastError === null) return true;
  return now.getTime() - timer.lastAttemptAt.getTime() >= timerRetryDelayMs(timer.attempts);
}

// A fixed namespace for the name-based uuids of timer firings.
const FIRING_NAMESPACE = Buffer.from('3b0f6c2e8d5a4f1b9e7c0a2d4b6f8e1c', 'hex');

/** A name-based (version 5) uuid for one firing of a timer. */
export function timerFiringId(timerId: string, generation: number): string {
  const bytes = createHash('sha1')
    .update(FIRING_NAMESPACE)
    .update(`${timerId.toLowerCase()}:${generation}`)
    .digest()
    .subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
